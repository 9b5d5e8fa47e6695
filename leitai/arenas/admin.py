"""Django admin for arenas: everything viewable, nothing editable.

An arena's state, its participants' results and its judges' marks change only through the
arena services, each writing its ledger entry in the same transaction; an edit here would be a
change with no record. A mark changes only through a recorded correction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from leitai.arenas.models import (
    Absence,
    Arena,
    ConflictDeclaration,
    Judge,
    Mark,
    Participant,
    Recusal,
    Reopening,
    Sheet,
)
from leitai.ledger.admin import ReadOnlyAdmin, ReadOnlyInline


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("position", "unit", "presenter", "status", "score", "rank", "tied")
    readonly_fields = fields
    ordering = ("position",)


class JudgeInline(ReadOnlyInline):
    model = Judge
    fields = ("code", "name", "affiliation", "external_affiliation", "is_head")
    readonly_fields = fields


@admin.register(Arena)
class ArenaAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "host", "starts_at", "state", "closed_at")
    list_filter = ("state",)
    search_fields = ("title", "host__name", "host__code")
    list_select_related = ("host",)
    date_hierarchy = "starts_at"
    exclude = ("draw_seed",)  # secret until the host reveals it; the ledger has it then
    inlines = (JudgeInline, ParticipantInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Arena._meta.fields if f.name != "draw_seed"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("arena", "position", "unit", "presenter", "status", "score", "rank", "tied")
    list_filter = ("status",)
    search_fields = ("unit__name", "unit__code", "presenter")
    list_select_related = ("arena", "unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Participant._meta.fields]


@admin.register(Judge)
class JudgeAdmin(ReadOnlyAdmin):
    list_display = ("arena", "code", "name", "affiliation", "is_head", "token_revoked")
    search_fields = ("name", "arena__title")
    list_select_related = ("arena", "affiliation")
    fields = (
        "arena",
        "code",
        "name",
        "affiliation",
        "external_affiliation",
        "is_head",
        "joins_at",
        "leaves_after",
        "token_version",
        "token_revoked",
    )
    readonly_fields = fields


@admin.register(Recusal)
class RecusalAdmin(ReadOnlyAdmin):
    list_display = ("judge", "participant", "source", "reason", "active")
    list_filter = ("source", "active")
    list_select_related = ("judge", "participant__unit")
    fields = ("judge", "participant", "source", "reason", "active", "lifted_reason", "created_at")
    readonly_fields = fields


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ("judge", "participant", "reason", "active")
    list_filter = ("active",)
    list_select_related = ("judge", "participant__unit")
    fields = ("judge", "participant", "reason", "active", "lifted_reason", "created_at")
    readonly_fields = fields


class MarkInline(ReadOnlyInline):
    model = Mark
    fields = ("criterion", "value")
    readonly_fields = fields


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = (
        "participant",
        "judge",
        "total",
        "source",
        "active",
        "ledger_seq",
        "submitted_at",
    )
    list_filter = ("source", "active")
    search_fields = ("participant__unit__name", "judge__name", "judge__code")
    list_select_related = ("participant__unit", "judge")
    fields = (
        "participant",
        "judge",
        "total",
        "source",
        "entered_by",
        "active",
        "ledger_seq",
        "idempotency_key",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = (MarkInline,)


@admin.register(Mark)
class MarkAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "criterion", "value")
    list_select_related = ("sheet__judge", "sheet__participant")
    fields = ("sheet", "criterion", "value")
    readonly_fields = fields


@admin.register(Reopening)
class ReopeningAdmin(ReadOnlyAdmin):
    list_display = ("judge", "participant", "reason", "by", "used", "created_at")
    list_select_related = ("judge", "participant__unit", "by")
    fields = ("judge", "participant", "reason", "by", "used", "created_at")
    readonly_fields = fields


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("judge", "participant", "reason", "state", "decided_by", "created_at")
    list_filter = ("state",)
    list_select_related = ("judge", "participant__unit", "decided_by")
    fields = ("judge", "participant", "reason", "state", "decided_by", "created_at", "decided_at")
    readonly_fields = fields
