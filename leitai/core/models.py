from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Checking the file")
    REJECTED = "rejected", _("Errors found; nothing changed")
    READY = "ready", _("Ready to confirm")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed; nothing changed")
    STALE = "stale", _("Data changed since the preview; nothing changed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = frozenset(
    {
        ImportStatus.REJECTED,
        ImportStatus.DONE,
        ImportStatus.FAILED,
        ImportStatus.STALE,
        ImportStatus.CANCELLED,
    }
)


class ImportJob(models.Model):
    """An uploaded spreadsheet on its way through check → preview → confirm → import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16)  # an importer's key: "orgs" or "users"
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    language = models.CharField(max_length=16, default="zh-hans")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    prune = models.BooleanField(default=False)
    phase = models.CharField(max_length=32, blank=True)
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)
    preview = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.IntegerField(default=0)
    message = models.TextField(blank=True)
    # The process checking or importing (leitai.core.processes): a server starting up marks the
    # job failed only when that process is gone.
    owner = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="core_import_actor_recent")]

    def __str__(self) -> str:
        return f"{self.kind} import {self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class HolidayYear(models.Model):
    """A year's holidays and make-up working days as the organisers entered them.

    Used only for a year the chinese-calendar package does not know (leitai.core.workdays).
    Every save is an entry on the ledger's chain calendar:<year>.
    """

    year = models.PositiveSmallIntegerField(unique=True)
    # Compare-and-set: a save names the version it edited; a concurrent save is refused.
    version = models.PositiveIntegerField(default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Make-up working day")


class HolidayDate(models.Model):
    """One day of an entered year: a holiday, or a make-up working day (调休上班)."""

    year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, related_name="dates")
    # One row per day: a day cannot be both a holiday and a make-up working day.
    day = models.DateField(unique=True)
    kind = models.CharField(max_length=8, choices=HolidayDayKind.choices)
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name} ({self.kind})"
