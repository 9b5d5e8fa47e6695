"""Django admin for the ledger: look, never touch.

Nothing recorded can be added, changed or deleted here, whoever signs in: the admin offers no
form and no action, and the database triggers would refuse the write anyway. Results change only
through the arena services, which write the ledger entry in the same transaction.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from leitai.ledger.models import ChainHead, LedgerEntry


class NoWrites:
    """Admin pages that show and never add, change or delete (the ledger, marks)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    """Viewable by staff with the view permission (and superusers); no add, change or delete."""


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False


def _body(entry: LedgerEntry) -> dict[str, Any]:
    try:
        parsed = json.loads(entry.body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("chain", "seq", "kind", "recorded_at", "actor", "short_hash")
    list_filter = ("kind",)
    search_fields = ("=chain", "kind")
    ordering = ("chain", "seq")
    list_per_page = 100
    show_full_result_count = False  # a city's ledger is long; counting it on every page is not
    fields = ("chain", "seq", "kind", "recorded_at", "actor", "data", "body", "prev_hash", "hash")
    readonly_fields = fields

    @admin.display(description=_("recorded at"))
    def recorded_at(self, entry: LedgerEntry) -> str:
        return str(_body(entry).get("at", ""))

    @admin.display(description=_("by"))
    def actor(self, entry: LedgerEntry) -> str:
        return str(_body(entry).get("actor", ""))

    @admin.display(description=_("hash"))
    def short_hash(self, entry: LedgerEntry) -> str:
        return f"{entry.hash[:16]}…"

    @admin.display(description=_("recorded data"))
    def data(self, entry: LedgerEntry) -> str:
        pretty = json.dumps(_body(entry).get("data"), ensure_ascii=False, indent=2)
        return format_html("<pre>{}</pre>", pretty)


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("chain", "seq", "hash")
    search_fields = ("=chain",)
    ordering = ("chain",)
    fields = ("chain", "seq", "hash")
    readonly_fields = fields
