"""Reusable reads of the organisation tree; every subtree read is a path range."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from leitai.orgs.models import Unit
from leitai.orgs.paths import path_ids, subtree_range


def subtree_q(path: str, *, prefix: str = "") -> Q:
    """Q for a unit's subtree (the unit included); `prefix` walks a relation, e.g. "unit__"."""
    low, high = subtree_range(path)
    return Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})


def any_subtree_q(paths: Iterable[str], *, prefix: str = "") -> Q:
    """Q for the union of several subtrees; an empty union matches nothing."""
    combined = Q(pk__in=[])
    for path in paths:
        combined |= subtree_q(path, prefix=prefix)
    return combined


def is_in_subtree(path: str, root_path: str) -> bool:
    return path.startswith(root_path)


def units_in_subtree(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(subtree_q(unit.path))


def ancestors_of(unit: Unit) -> list[Unit]:
    """Root first, the unit itself excluded; one query."""
    ids = path_ids(unit.path)[:-1]
    if not ids:
        return []
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def evaluating_unit_of(unit: Unit, ancestors: list[Unit] | None = None) -> Unit | None:
    """The nearest unit flagged as evaluating on the unit's path, the unit itself included."""
    if unit.is_evaluating:
        return unit
    chain = ancestors if ancestors is not None else ancestors_of(unit)
    for ancestor in reversed(chain):
        if ancestor.is_evaluating:
            return ancestor
    return None


def children_of(unit: Unit | None) -> QuerySet[Unit]:
    if unit is None:
        return Unit.objects.filter(parent__isnull=True).order_by("code")
    return Unit.objects.filter(parent=unit).order_by("code")


def roots() -> QuerySet[Unit]:
    return Unit.objects.filter(parent__isnull=True).order_by("code")
