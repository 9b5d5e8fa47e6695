from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def default_rule() -> dict[str, object]:
    from leitai.scoring.codec import DEFAULT_RULE  # the scoring core loads on first use

    return dict(DEFAULT_RULE)


class Programme(models.Model):
    """An evaluation drive (评选活动): its root unit, rubric template and aggregation rule."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    root = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("root unit"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    rubric = models.JSONField(_("rubric template"))
    rule = models.JSONField(_("aggregation rule"), default=default_rule)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"
