"""Who is expected to score a participant: the panel rule, over plain values.

The write path (a sheet is refused from a judge who is not expected), the live state (who is
still awaited), the results page (why a cell is empty) and the ledger's replay (a result is
confirmed only with every expected sheet) all ask this module, so the rule is written once.

A judge is expected for a participant unless
- recused from it: an active recusal (a conflict of interest: by affiliation, set by the host,
  declared by the judge);
- recorded absent for it: the host closed its scoring without the judge's sheet, with a reason
  (an absence is no conflict of interest: the judge was expected, and did not score);
- or not present for its position in the drawn order (arrived late, left early).

They are named in that order: a recused judge is named recused even where they were recorded
absent or not present too, and a judge recorded absent is named so even where a later change of
presence says they were not there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Seat(StrEnum):
    EXPECTED = "expected"
    RECUSED = "recused"  # an active recusal for this participant (a conflict of interest)
    ABSENT = "absent"  # recorded absent for this participant (scoring closed without the sheet)
    NOT_PRESENT = "not_present"  # not on the panel at this position (arrived late, left early)


def present_for(position: int | None, joins_at: int, leaves_after: int | None) -> bool:
    """A judge who arrives late joins at `joins_at`; one who leaves early scores up to and
    including `leaves_after`. A participant not yet drawn (no position) counts as present."""
    if position is None:
        return True
    if position < joins_at:
        return False
    return leaves_after is None or position <= leaves_after


def seat(
    *,
    recused: bool,
    absent: bool,
    position: int | None,
    joins_at: int,
    leaves_after: int | None,
) -> Seat:
    """Where one judge stands for one participant."""
    if recused:
        return Seat.RECUSED
    if absent:
        return Seat.ABSENT
    if not present_for(position, joins_at, leaves_after):
        return Seat.NOT_PRESENT
    return Seat.EXPECTED


class PanelMember(Protocol):
    """A judge as the rule reads them: the arena's Judge row, or the replay's plain record."""

    @property
    def joins_at(self) -> int: ...

    @property
    def leaves_after(self) -> int | None: ...


def seat_of(judge: PanelMember, position: int | None, *, recused: bool, absent: bool) -> Seat:
    """`seat` for one judge's presence."""
    return seat(
        recused=recused,
        absent=absent,
        position=position,
        joins_at=judge.joins_at,
        leaves_after=judge.leaves_after,
    )


def is_expected(
    *, recused: bool, absent: bool, position: int | None, joins_at: int, leaves_after: int | None
) -> bool:
    """Whether the judge is expected to score the participant."""
    seated = seat(
        recused=recused,
        absent=absent,
        position=position,
        joins_at=joins_at,
        leaves_after=leaves_after,
    )
    return seated is Seat.EXPECTED
