"""When the public sees each judge's total: one rule (Arena.marks_are_public), read by the big
screen's state and by the public results page alike."""

from __future__ import annotations

import pytest

from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import Arena, ArenaState, RevealMarks
from leitai.arenas.results.tables import Audience, build_results
from tests.arena_factories import in_order

EXPECTED = {
    # (setting, state): shown?
    (RevealMarks.NEVER, ArenaState.LIVE): False,
    (RevealMarks.NEVER, ArenaState.CLOSED): False,
    (RevealMarks.ON_CONFIRM, ArenaState.LIVE): True,
    (RevealMarks.ON_CONFIRM, ArenaState.CLOSED): True,
    (RevealMarks.AT_END, ArenaState.LIVE): False,
    (RevealMarks.AT_END, ArenaState.CLOSED): True,
}


@pytest.mark.parametrize(("setting", "state"), list(EXPECTED))
def test_the_rule(setting: RevealMarks, state: ArenaState) -> None:
    assert Arena(reveal_marks=setting, state=state).marks_are_public() is EXPECTED[setting, state]


@pytest.mark.django_db
def test_the_screen_and_the_public_results_follow_it_together() -> None:
    from leitai.arenas.services import console
    from tests.results.days import scored_day

    world = scored_day(2, 3, close=False)
    for state in (ArenaState.LIVE, ArenaState.CLOSED):
        if state == ArenaState.CLOSED:
            console.close_arena(arena=world.refresh(), by=world.host_user)
        for setting in RevealMarks:
            Arena.objects.filter(pk=world.arena.pk).update(reveal_marks=setting)
            arena = world.refresh()
            assert arena.state == state
            snapshot = ArenaSnapshot(arena.pk)
            first = next(p for p in snapshot.participants if p.pk == in_order(world)[0].pk)
            on_screen = snapshot.shown_result(first)
            assert on_screen is not None
            public = build_results(arena, audience=Audience.PUBLIC)
            expected = EXPECTED[setting, state]
            assert ("marks" in on_screen) is expected, (setting, state)
            assert bool(public.ranked[0].public_marks) is expected, (setting, state)
