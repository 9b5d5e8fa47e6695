"""The part of the tree a user sees: its top units and, for search, their subtree sizes."""

from __future__ import annotations

from typing import Any

from leitai.orgs import access
from leitai.orgs.models import Unit
from leitai.orgs.paths import path_ids


def scope_tops(user: Any) -> list[Unit]:
    """The highest units the user reaches (the roots for a superuser)."""
    if access.is_superuser(user):
        return list(Unit.objects.filter(parent__isnull=True).order_by("code"))
    ids = [path_ids(p)[-1] for p in access.top_paths(user)]
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def search_roots(user: Any) -> list[tuple[int, int]] | None:
    """(unit id, subtree size) per top unit; a secretary's unit counts alone. None: everything."""
    if access.is_superuser(user):
        return None
    roots = []
    for unit in scope_tops(user):
        only_itself = not access.reaches_subtree(user, unit)
        roots.append((unit.pk, 1 if only_itself else int(unit.counts.get("total", 1))))
    return roots
