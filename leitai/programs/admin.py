from __future__ import annotations

from django.contrib import admin

from leitai.programs.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "year", "root")
    raw_id_fields = ("root",)
    # Changed only on the programme's evidence page, where each change goes on the ledger.
    readonly_fields = ("evidence",)
