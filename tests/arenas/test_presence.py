"""Who sits on the panel for which participant, by position in the drawn order."""

from __future__ import annotations

import pytest

from leitai.arenas.presence import present_for


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
