"""Who sits on the panel for which participant: a recusal first, then an absence recorded, then
presence by position."""

from __future__ import annotations

import pytest

from leitai.scoring.membership import Seat, is_expected, present_for, seat


@pytest.mark.parametrize(
    ("position", "joins_at", "leaves_after", "present"),
    [
        (None, 3, 4, True),  # not yet drawn
        (1, 1, None, True),
        (2, 3, None, False),  # arrived late, from the third presenter on
        (3, 3, None, True),
        (4, 1, 4, True),  # left early, after the fourth
        (5, 1, 4, False),
    ],
)
def test_present_for(position: int | None, joins_at: int, leaves_after: int | None, present: bool):
    assert present_for(position, joins_at, leaves_after) is present


@pytest.mark.parametrize(
    ("recused", "absent", "position", "seated"),
    [
        (False, False, 2, Seat.EXPECTED),
        (True, False, 2, Seat.RECUSED),
        (False, True, 2, Seat.ABSENT),  # scoring closed without the judge's sheet
        (False, False, 5, Seat.NOT_PRESENT),  # left after the fourth
        (True, False, 5, Seat.RECUSED),  # a recusal is named first
        (True, True, 2, Seat.RECUSED),
        (False, True, 5, Seat.ABSENT),  # an absence recorded before a presence not there
        (False, False, None, Seat.EXPECTED),  # not yet drawn
        (False, True, None, Seat.ABSENT),
    ],
)
def test_seat(recused: bool, absent: bool, position: int | None, seated: Seat) -> None:
    rows = {"joins_at": 1, "leaves_after": 4}
    assert seat(recused=recused, absent=absent, position=position, **rows) is seated
    expected = is_expected(recused=recused, absent=absent, position=position, **rows)
    assert expected is (seated is Seat.EXPECTED)
