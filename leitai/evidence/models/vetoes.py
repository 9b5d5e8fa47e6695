"""The veto register (一票否决): a unit, a year, a category and its evidence; lifted with a
reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VetoCategory(models.TextChoices):
    DISCIPLINE = "discipline", _("Violation of discipline or law (违纪违法)")
    LAX = "lax", _("Weak and lax organisation (软弱涣散)")
    INCIDENT = "incident", _("Major safety accident or mass incident (重大安全事故或群体性事件)")
    RECORDS = "records", _("Records seriously missing (档案严重缺失)")
    FALSIFICATION = "falsification", _("Falsification (弄虚作假)")


class VetoState(models.TextChoices):
    ACTIVE = "active", _("In force")
    LIFTED = "lifted", _("Lifted")


class Veto(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=16, choices=VetoCategory.choices)
    evidence = models.TextField(_("evidence"))
    file = models.FileField(_("evidence file"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=32, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    state = models.CharField(
        _("state"), max_length=8, choices=VetoState.choices, default=VetoState.ACTIVE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        ordering = ["-year", "-recorded_at", "pk"]
        indexes = [models.Index(fields=["unit", "year"], name="evidence_veto_unit_year")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year}"

    @property
    def has_file(self) -> bool:
        return bool(self.file_sha256)
