"""The honours registry (重要荣誉): one record per unit and document number (文号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.scoring.honours import Level

LEVEL_LABELS = {
    Level.NATIONAL: _("National"),
    Level.PROVINCIAL: _("Provincial"),
    Level.MUNICIPAL: _("Municipal"),
    Level.DISTRICT: _("District"),
    Level.STREET: _("Street / town"),
}
LEVEL_CHOICES = [(level.value, LEVEL_LABELS[level]) for level in Level]


class HonourState(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def evidence_path(kind: str, unit_id: int, digest: str, extension: str) -> str:
    """Files are named by their content's SHA-256 under the unit: nothing of the uploader's name
    reaches the disk, and the name says nothing to someone who guesses at URLs (there are none:
    files are served only through the permission-checked views)."""
    return f"evidence/{unit_id}/{kind}-{digest}.{extension}"


class Honour(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=LEVEL_CHOICES)
    conferred_by = models.CharField(_("conferring body"), max_length=200)
    document = models.CharField(_("document number"), max_length=100)
    # normalise_document(document): the key a unit's record is unique on.
    document_key = models.CharField(max_length=100, editable=False)
    conferred_on = models.DateField(_("date"))
    file = models.FileField(_("evidence file"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=32, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=HonourState.choices, default=HonourState.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    # Whoever changed the record last (raised its level, corrected it): like whoever entered it,
    # that person may not verify what they wrote.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    version = models.PositiveIntegerField(default=1)  # compare-and-set on every change

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-conferred_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "document_key"], name="evidence_honour_unit_document"
            )
        ]
        indexes = [models.Index(fields=["state", "-entered_at"], name="evidence_honour_queue")]

    def __str__(self) -> str:
        return f"{self.title} ({self.document})"

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def has_file(self) -> bool:
        return bool(self.file_sha256)

    @property
    def is_pdf(self) -> bool:
        return self.file_type == "application/pdf"
