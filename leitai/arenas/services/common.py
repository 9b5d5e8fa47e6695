"""Pieces every arena service uses: the ledger entry, the version bump, the push after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from leitai.arenas.models import Arena
from leitai.ledger.chain import append, arena_chain


def actor_label(user: Any) -> str:
    if user is None:
        return "system"
    return f"user:{user.username}"


def record(arena: Arena, kind: str, data: dict[str, Any], actor: str) -> int:
    """Write the ledger entry of a change in the same transaction; returns its sequence number."""
    return append(chain=arena_chain(arena.pk), kind=kind, data=data, actor=actor).seq


def touch(arena: Arena) -> None:
    """Bump the arena's version (screens drop older states) and push the new state after commit.

    The UPDATE also takes the arena's row lock on PostgreSQL, so changes to one arena queue
    behind each other while other arenas go on.
    """
    Arena.objects.filter(pk=arena.pk).update(version=F("version") + 1)
    arena_id = arena.pk

    def push() -> None:
        from leitai.arenas.publish import request_publish

        request_publish(arena_id)

    transaction.on_commit(push)


def lock_arena(arena_id: int) -> Arena:
    """The arena, re-read inside the transaction (row-locked on PostgreSQL)."""
    # of=("self",): lock the arena's row only. Without it PostgreSQL also locks the joined
    # programme and host rows, and every arena of a programme queues behind every other.
    return (
        Arena.objects.select_for_update(of=("self",))
        .select_related("host", "programme")
        .get(pk=arena_id)
    )
