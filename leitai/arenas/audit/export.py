"""`leitai ledger export ARENA`: an arena's chain as a file anyone can check offline (the format
is the ledger's, leitai.ledger.exporting)."""

from __future__ import annotations

from typing import Any

from leitai.ledger.exporting import EmptyChain, export_chain


class UnknownArena(LookupError):
    pass


def parse_arena(text: str) -> int:
    """ "12" or "arena:12" → 12."""
    number = text.strip().removeprefix("arena:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not an arena number (12, or arena:12)")
    return int(number)


def export_arena(arena_id: int) -> dict[str, Any]:
    from leitai.ledger.chain import arena_chain

    chain = arena_chain(arena_id)
    try:
        return export_chain(chain, {"arena": arena_id})
    except EmptyChain:
        raise UnknownArena(
            f"no ledger chain {chain}: no arena {arena_id} was ever created"
        ) from None


def export_named(text: str) -> dict[str, Any]:
    """The registered export: the arena a person names ("12" or "arena:12")."""
    return export_arena(parse_arena(text))
