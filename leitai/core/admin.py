from __future__ import annotations

from django.contrib import admin

from leitai.core.models import ImportJob
from leitai.ledger.admin import ReadOnlyAdmin


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "kind", "status", "actor", "created_at", "problem_count")
    list_filter = ("kind", "status")
