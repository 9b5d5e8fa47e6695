"""Reads of the arena app that views (and, later, other apps) call: the rows and the scope rules
behind the host's pages, the registration page and the results, with their joins in one place.

Writes are in `services`; who may do what is in `permissions`; these only read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from leitai.arenas.models import (
    Absence,
    Arena,
    ConflictDeclaration,
    DeclarationState,
    DrawState,
    Participant,
    ParticipantStatus,
    Recusal,
)
from leitai.arenas.permissions import (
    can_register,
    host_grants,
    secretary_grants,
    visible_arenas_q,
)
from leitai.orgs.models import Unit
from leitai.orgs.paths import path_ids


def arena_or_none(arena_id: int) -> Arena | None:
    """The arena with what every page of it shows (its host and programme), or None."""
    return Arena.objects.select_related("host", "programme").filter(pk=arena_id).first()


def arenas_listed_for(user: Any) -> QuerySet[Arena]:
    """The arena list: arenas hosted in the user's staff scope, newest first, with entrants."""
    withdrawn = Q(participants__status=ParticipantStatus.WITHDRAWN)
    return (
        Arena.objects.filter(visible_arenas_q(user))
        .select_related("host", "programme")
        .annotate(entrants=Count("participants", filter=~withdrawn))
        .order_by("-starts_at")
    )


def open_for_registration(user: Any) -> list[Arena]:
    """Arenas a secretary may enter: hosted above one of their units, registration open."""
    grants = secretary_grants(user)
    if not grants:
        return []
    host_ids = {i for g in grants for i in path_ids(g.path)[:-1]}
    candidates = Arena.objects.filter(
        host_id__in=host_ids, registration_open=True, draw_state=DrawState.NONE
    ).select_related("host")
    units = list(Unit.objects.filter(pk__in=[g.unit_id for g in grants]))
    return [a for a in candidates if any(can_register(user, a, u) for u in units)]


def registrable_units(user: Any, arena: Arena) -> list[Unit]:
    """The units the user may register into `arena`: their secretary units below the host (or
    any unit below it for those who run the arena)."""
    units = Unit.objects.filter(pk__in=[g.unit_id for g in secretary_grants(user)])
    return [u for u in units if can_register(user, arena, u)]


def registered_entries(arena: Arena, units: list[Unit]) -> list[Participant]:
    """The entries `units` have in `arena` (the registration page lists them)."""
    return list(arena.participants.filter(unit__in=units).select_related("unit"))


def host_units(user: Any) -> list[Unit]:
    """The units the user holds an organiser's or host's membership at."""
    return list(Unit.objects.filter(pk__in={g.unit_id for g in host_grants(user)}))


def recusals_and_absences_of(arena: Arena) -> list[Recusal | Absence]:
    """Every recusal and every absence in the arena (the set-up page lists them in one table), in
    the order of presentation (participants not yet drawn first), then judge."""
    rows: list[Recusal | Absence] = [
        *Recusal.objects.filter(judge__arena=arena).select_related("judge", "participant__unit"),
        *Absence.objects.filter(judge__arena=arena).select_related("judge", "participant__unit"),
    ]

    def order(row: Recusal | Absence) -> tuple[bool, int, str, bool]:
        position = row.participant.position
        return (position is not None, position or 0, row.judge.code, row.is_absence)

    return sorted(rows, key=order)


def pending_declarations(arena: Arena) -> list[ConflictDeclaration]:
    """Judges' conflict declarations waiting for the host's decision, oldest first."""
    return list(
        ConflictDeclaration.objects.filter(judge__arena=arena, state=DeclarationState.PENDING)
        .select_related("judge", "participant__unit")
        .order_by("created_at")
    )
