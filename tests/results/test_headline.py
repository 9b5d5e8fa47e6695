"""The results page's headline Kendall's W says what it rests on, and is left out when that is
fewer than half the participants."""

from __future__ import annotations

import re

import pytest

from tests.arena_factories import make_arena_world, marks, score_current
from tests.results.test_results_views import client_for, url

pytestmark = pytest.mark.django_db

# Three judges who agree on the order: W is 1.000 on any number of participants.
ORDERED = [("28", "26", "24"), ("25", "23", "21"), ("22", "20", "18"), ("19", "17", "15")]


def headline(scored: int) -> str:
    world = make_arena_world(participants=6, judges=3)
    for achievements in ORDERED[:scored]:
        score_current(world, {f"J{i + 1}": marks(a) for i, a in enumerate(achievements)})
    html = client_for(world.host_user).get(url("arenas:results", world.arena)).content.decode()
    found = re.search(r'<div class="stat" id="headline-w">(.*?)</div>\s*</div>', html, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_headline_w_from_three_of_six_participants_is_left_out() -> None:
    assert headline(3) == "Kendall's W — on 3 of 6 participants · too few for a headline"


def test_headline_w_from_four_of_six_participants_names_its_basis() -> None:
    assert headline(4) == "Kendall's W 1.000 on 4 of 6 participants"
