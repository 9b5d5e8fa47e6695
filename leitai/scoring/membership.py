"""Who is expected to score a participant: the panel rule, over plain values.

The write path (a sheet is refused from a judge who is not expected), the live state (who is
still awaited), the results page (why a cell is empty) and the ledger's replay (a result is
confirmed only with every expected sheet) all ask this module, so the rule is written once.

A judge is expected for a participant unless recused from it (an active recusal, whatever its
source) or not present for its position in the drawn order (arrived late, left early). A recusal
comes first: a recused judge is named recused even where they were not present either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Seat(StrEnum):
    EXPECTED = "expected"
    RECUSED = "recused"  # an active recusal for this participant
    NOT_PRESENT = "not_present"  # not on the panel at this position (arrived late, left early)


def present_for(position: int | None, joins_at: int, leaves_after: int | None) -> bool:
    """A judge who arrives late joins at `joins_at`; one who leaves early scores up to and
    including `leaves_after`. A participant not yet drawn (no position) counts as present."""
    if position is None:
        return True
    if position < joins_at:
        return False
    return leaves_after is None or position <= leaves_after


def seat(*, recused: bool, position: int | None, joins_at: int, leaves_after: int | None) -> Seat:
    """Where one judge stands for one participant."""
    if recused:
        return Seat.RECUSED
    if not present_for(position, joins_at, leaves_after):
        return Seat.NOT_PRESENT
    return Seat.EXPECTED


class PanelMember(Protocol):
    """A judge as the rule reads them: the arena's Judge row, or the replay's plain record."""

    @property
    def joins_at(self) -> int: ...

    @property
    def leaves_after(self) -> int | None: ...


def seat_of(judge: PanelMember, position: int | None, *, recused: bool) -> Seat:
    """`seat` for one judge's presence."""
    return seat(
        recused=recused, position=position, joins_at=judge.joins_at, leaves_after=judge.leaves_after
    )


def is_expected(
    *, recused: bool, position: int | None, joins_at: int, leaves_after: int | None
) -> bool:
    """Whether the judge is expected to score the participant."""
    seated = seat(recused=recused, position=position, joins_at=joins_at, leaves_after=leaves_after)
    return seated is Seat.EXPECTED
