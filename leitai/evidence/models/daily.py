"""The platform's daily data (灯塔-党建在线): each import's record and the monthly values it
brought.

A value belongs to the import that brought it. Readers take only values of current imports, and
of those, for each unit and month, the import made current last (`DailyImport.generation`): a
re-import of a month replaces that month's values for the units in its file the moment it becomes
current, in one short transaction, whatever its size. The values it replaced are deleted
afterwards in small batches (`services.daily.clean_replaced`); until then they are simply never
read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyImportState(models.TextChoices):
    STAGING = "staging", _("Being written")
    CURRENT = "current", _("Current")
    FAILED = "failed", _("Failed; nothing changed")
    SUPERSEDED = "superseded", _("Replaced by a later import")


# Imports whose values count (each value still subject to "the latest import of its month").
READ_STATES = (DailyImportState.CURRENT,)


class DailyImport(models.Model):
    """One file of daily data, from upload to current (or failed); its ledger chain is
    `daily:<id>`."""

    state = models.CharField(
        max_length=16, choices=DailyImportState.choices, default=DailyImportState.STAGING
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The account's name as the ledger records it (kept when the account is deleted).
    actor_name = models.CharField(max_length=150)
    job = models.ForeignKey(
        "core.ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The process writing it while staging (leitai.core.processes): an import whose process is
    # gone (killed mid-import) is discarded by the next one.
    owner = models.CharField(max_length=255, blank=True, default="")
    file_name = models.CharField(max_length=255)
    digest = models.CharField(max_length=64)  # SHA-256 of the file as uploaded
    rows = models.BigIntegerField(default=0)
    periods = models.JSONField(default=list)  # ["2026-01", …], sorted
    units = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    current_at = models.DateTimeField(null=True, blank=True)
    # The order in which imports became current: of two imports of one unit's month, the higher
    # generation wins.
    generation = models.IntegerField(null=True, blank=True, unique=True)
    supersedes = models.JSONField(default=list)  # ids of the imports whose values it replaced

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"], name="evidence_dailyimport_state")]

    def __str__(self) -> str:
        return f"daily import #{self.pk} {self.file_name} ({self.state})"


class DailyValue(models.Model):
    """One figure: a unit's metric for one month, as an import brought it.

    The period is an integer yyyymm (202611). The unique index serves the unit page (unit, then
    its months) and the replacement of a month (the same unit and month in another import); the
    import's own index serves staging, discarding and cleaning. Counts are stored as whole
    decimals, ratios with up to four places: exact, never a float.
    """

    daily_import = models.ForeignKey(DailyImport, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.PositiveIntegerField()
    metric = models.CharField(max_length=32)
    value = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "metric", "daily_import"],
                name="evidence_dailyvalue_unit_period_metric",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.metric}={self.value}"
