from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from leitai.scoring.evidence import EvidenceRules


def default_rule() -> dict[str, object]:
    from leitai.scoring.codec import DEFAULT_RULE  # the scoring core loads on first use

    return dict(DEFAULT_RULE)


def default_evidence() -> dict[str, object]:
    """The evidence settings written out in full: the codec's defaults (a programme's record
    always holds every value, never a null that means "default")."""
    from leitai.scoring.evidence import EvidenceRules

    return EvidenceRules.DEFAULT.to_record()


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
    # The honours' points, window and cap and the daily metrics' rules (issue 11): one record
    # parsed by leitai.scoring.evidence; changed only through programs.services (on the ledger).
    evidence = models.JSONField(_("evidence settings"), default=default_evidence)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def evidence_rules(self) -> EvidenceRules:
        """The evidence record parsed by the scoring core's codec, cached by its content (parsed
        again only when the record changes). Raises the codec's SettingError (a ValueError) for a
        record it cannot use."""
        from leitai.scoring.evidence import evidence_rules_of_record

        return evidence_rules_of_record(self.evidence)
