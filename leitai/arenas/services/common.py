"""Pieces every arena service uses: the ledger entry, the version bump, the announcement after
commit."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal, NotInArena
from leitai.arenas.models import Arena, ArenaState, Participant
from leitai.arenas.signals import announce_change
from leitai.ledger.chain import append, arena_chain


def actor_label(user: Any) -> str:
    if user is None:
        return "system"
    return f"user:{user.username}"


def record(arena: Arena, kind: str, data: dict[str, Any], actor: str) -> int:
    """Write the ledger entry of a change in the same transaction; returns its sequence number."""
    return append(chain=arena_chain(arena.pk), kind=kind, data=data, actor=actor).seq


def touch(arena: Arena, *, judges: bool = False) -> None:
    """Bump the arena's version (screens drop older states) and announce the change: the live
    views read the state being committed now, and are pushed after the commit (signals.py).

    A service's last write: what is written after it would be missing from the views' state.
    The UPDATE also takes the arena's row lock on PostgreSQL, so changes to one arena queue
    behind each other while other arenas go on.

    `judges`: the change added or altered a judge, so the live views' copy of the judges (kept
    under the arena's `judges_key`) is stale: every service that writes a judge says so.
    """
    bump: dict[str, Any] = {"version": F("version") + 1}
    if judges:
        bump["judges_key"] = uuid.uuid4()
    Arena.objects.filter(pk=arena.pk).update(**bump)
    announce_change(arena.pk)


def lock_arena(arena_id: int) -> Arena:
    """The arena, re-read inside the transaction (row-locked on PostgreSQL), for a change.

    Every write service starts here, so this is the one guard of a closed arena: its ranking
    is final, its chain head is printed on the signed score sheet and anchored in the global
    chain, and any later entry would move the head off the signed one. The state is read
    under the lock, so a change that queued behind the close is refused too.
    """
    # of=("self",): lock the arena's row only. Without it PostgreSQL also locks the joined
    # programme and host rows, and every arena of a programme queues behind every other.
    arena = (
        Arena.objects.select_for_update(of=("self",))
        .select_related("host", "programme")
        .get(pk=arena_id)
    )
    if arena.state == ArenaState.CLOSED:
        raise ArenaRefusal("closed", closed_reason())
    return arena


def closed_reason() -> str:
    return _(
        "The arena is closed: its results are final and signed, so nothing in it can be "
        "changed any more."
    )


def participant_in(arena: Arena, participant_id: int) -> Participant:
    """A participant of this arena, by id; another arena's or an unknown id is answered 404."""
    participant = (
        Participant.objects.select_related("unit").filter(pk=participant_id, arena=arena).first()
    )
    if participant is None:
        raise unknown_participant()
    return participant


def unknown_participant() -> NotInArena:
    return NotInArena("not_found", _("No such participant in this arena."))


def unknown_judge() -> NotInArena:
    return NotInArena("not_found", _("No such judge in this arena."))
