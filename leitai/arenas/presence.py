"""Whether a judge sits on the panel for a participant: the one rule, without Django, for the
arena (leitai.arenas.models.Judge) and the ledger's offline replay alike."""

from __future__ import annotations


def present_for(position: int | None, joins_at: int, leaves_after: int | None) -> bool:
    """A judge who arrives late joins at `joins_at`; one who leaves early scores up to and
    including `leaves_after`. A participant not yet drawn (no position) counts as present."""
    if position is None:
        return True
    if position < joins_at:
        return False
    return leaves_after is None or position <= leaves_after
