"""Who sits on the panel for which participant: presence by position, a recusal first."""

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
    ("recused", "position", "seated"),
    [
        (False, 2, Seat.EXPECTED),
        (True, 2, Seat.RECUSED),
        (False, 5, Seat.NOT_PRESENT),  # left after the fourth
        (True, 5, Seat.RECUSED),  # a recusal is named first
        (False, None, Seat.EXPECTED),  # not yet drawn
    ],
)
def test_seat(recused: bool, position: int | None, seated: Seat) -> None:
    assert seat(recused=recused, position=position, joins_at=1, leaves_after=4) is seated
    expected = is_expected(recused=recused, position=position, joins_at=1, leaves_after=4)
    assert expected is (seated is Seat.EXPECTED)
