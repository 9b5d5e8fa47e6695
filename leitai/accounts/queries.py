"""Reads over accounts and roles that other apps need, as plain values."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count

from leitai.accounts.models import Membership

# Ids per query, below SQLite's limit on the parameters of one statement.
CHUNK = 5000


def memberships_per_unit(unit_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(unit id, number of memberships) for those of the units that have any."""
    found: list[tuple[int, int]] = []
    for start in range(0, len(unit_ids), CHUNK):
        chunk = unit_ids[start : start + CHUNK]
        found.extend(
            Membership.objects.filter(unit_id__in=chunk)
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    return found
