"""Django admin for the tree: viewable, not editable here.

A unit's path and its ancestors' subtree counts change together through the tree services and
imports; an edit in the admin would leave them inconsistent. Change the tree by import (with its
preview) or through the services.
"""

from __future__ import annotations

from django.contrib import admin

from leitai.ledger.admin import ReadOnlyAdmin
from leitai.orgs.models import Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "sector", "secretary", "is_evaluating", "depth")
    list_filter = ("kind", "sector", "is_evaluating")
    search_fields = ("code", "name", "secretary")
    ordering = ("path",)
    show_full_result_count = False  # a million units: no COUNT(*) on every page
