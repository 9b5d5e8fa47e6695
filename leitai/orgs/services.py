"""Every change to the organisation tree outside a bulk import goes through these functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from leitai.orgs.models import TreeState, Unit, empty_counts
from leitai.orgs.paths import MAX_DEPTH, child_path, depth_of, segment, subtree_range


class TreeError(Exception):
    """A change that would break the tree (a cycle, too deep)."""


def bump_tree_version() -> None:
    updated = TreeState.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        TreeState.objects.get_or_create(pk=1, defaults={"version": 1})


def tree_version() -> int:
    state = TreeState.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(state or 0)


def _add_counts(
    target: dict[str, object], delta: dict[str, object], sign: int
) -> dict[str, object]:
    result: dict[str, object] = {"total": int(target.get("total", 0)) + sign * int(delta["total"])}
    for key in ("sector", "kind"):
        merged = dict(target.get(key, {}))  # type: ignore[call-overload]
        for name, value in dict(delta[key]).items():  # type: ignore[call-overload]
            merged[name] = merged.get(name, 0) + sign * value
            if merged[name] == 0:
                del merged[name]
        result[key] = merged
    return result


def _own_counts(unit: Unit) -> dict[str, object]:
    return {"total": 1, "sector": {unit.sector: 1}, "kind": {unit.kind: 1}}


def _apply_to_ancestors(path: str, delta: dict[str, object], sign: int) -> None:
    from leitai.orgs.paths import path_ids

    ancestor_ids = path_ids(path)
    for ancestor in Unit.objects.filter(pk__in=ancestor_ids).select_for_update():
        ancestor.counts = _add_counts(ancestor.counts, delta, sign)
        ancestor.save(update_fields=["counts"])


@transaction.atomic
def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    sector: str,
    parent: Unit | None,
    secretary: str = "",
    is_evaluating: bool | None = None,
) -> Unit:
    """Add one unit under `parent` (or as a root), keeping paths and counts right."""
    depth = 0 if parent is None else parent.depth + 1
    if depth > MAX_DEPTH:
        raise TreeError(f"the tree may not be deeper than {MAX_DEPTH + 1} levels")
    flag = depth == 1 if is_evaluating is None else is_evaluating
    # The path holds the unit's own id, known only after the insert: a placeholder first.
    unit = Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        secretary=secretary,
        parent=parent,
        is_evaluating=flag,
        path=f"pending-{code}",
        depth=depth,
        counts=empty_counts(),
    )
    unit.path = segment(unit.pk) if parent is None else child_path(parent.path, unit.pk)
    unit.counts = _own_counts(unit)
    unit.save(update_fields=["path", "counts"])
    if parent is not None:
        _apply_to_ancestors(parent.path, _own_counts(unit), +1)
    bump_tree_version()
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit | None) -> Unit:
    """Move a unit and its subtree; paths below it are rewritten in one statement."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise TreeError(f"{new_parent.code} lies below {unit.code}: the move would be a cycle")
    old_path = unit.path
    new_path = segment(unit.pk) if new_parent is None else child_path(new_parent.path, unit.pk)
    if new_path == old_path:
        return unit
    low, high = subtree_range(old_path)
    deepest = (
        Unit.objects.filter(path__gte=low, path__lt=high)
        .order_by("-depth")
        .values_list("depth", flat=True)
        .first()
    ) or unit.depth
    shift = depth_of(new_path) - unit.depth
    if deepest + shift > MAX_DEPTH:
        raise TreeError(f"the tree may not be deeper than {MAX_DEPTH + 1} levels")
    subtree = dict(unit.counts)
    if unit.parent_id is not None:
        _apply_to_ancestors(old_path[: -len(segment(unit.pk))], subtree, -1)
    # One UPDATE rewrites every path in the subtree: new prefix + the old path's tail.
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    Unit.objects.filter(path__gte=low, path__lt=high).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + shift,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    if new_parent is not None:
        _apply_to_ancestors(new_parent.path, subtree, +1)
    bump_tree_version()
    unit.refresh_from_db()
    return unit


@transaction.atomic
def set_unit_facts(
    *,
    unit: Unit,
    founded: dt.date | None,
    members: int | None,
    has_party_groups: bool | None,
    by: Any = None,
) -> Unit:
    """Set a unit's three facts (None: not known), the edit on the unit's ledger chain (who —
    `by`, or "system" for a change no person made —, when, each fact's old and new value;
    nothing when no fact changes). The tree's shape does not change, so neither its version nor
    any count does."""
    from leitai.ledger.changes import record_change
    from leitai.orgs.audit import chain_of, facts_record

    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old = facts_record(unit.founded, unit.members, unit.has_party_groups)
    unit.founded = founded
    unit.members = members
    unit.has_party_groups = has_party_groups
    unit.save(update_fields=["founded", "members", "has_party_groups", "updated_at"])
    record_change(
        chain=chain_of(unit.pk),
        old=old,
        new=facts_record(founded, members, has_party_groups),
        actor=getattr(by, "username", None) or "system",
    )
    return unit
