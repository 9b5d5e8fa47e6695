"""A full hall's arena day on the projector: 17 branches of one street (long names that all start
with the street's own), a panel of 9 judges (two rows of chips), and the big screen at 1920×1080
in Chinese and in English side by side, following the day by push without a reload: the draw,
each presenter called and scored, an absent presenter, every result with the live ranking, and
the final ranking. At each step nothing on either screen leaves the frame or overlaps anything
else, and no name is cut (the bounding-box check of test_screen_layout). The host and the judges
act through the server's HTTP API, as the console and the phones do. Screenshots go to
test-artifacts/arena-day/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from leitai.arenas.models import ArenaState, ParticipantStatus
from tests.arena_factories import in_order, make_arena_world, marks
from tests.screens.hall import Hall
from tests.screens.test_screen import PROJECTOR, Watch
from tests.screens.test_screen_layout import LAYOUT_PROBLEMS, READ, long_names
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ("zh-hans", "en")
ABSENT_AT = 6  # the sixth presenter does not come


class Hall16x9:
    """The projector in each language, looked at after each step of the day."""

    def __init__(self, browser: Browser, hall: Hall, shots: Path) -> None:
        self.shots = shots
        self.screens: dict[str, Watch] = {}
        url = hall.server.url
        for language in LANGUAGES:
            context = browser.new_context(**PROJECTOR)
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
            )
            page = context.new_page()
            self.screens[language] = Watch(page, f"{url}/arenas/{hall.world.arena.pk}/screen")

    def look(self, label: str, version: int, *, view: str) -> None:
        """Both screens show `version` in `view`, and it fits the frame."""
        problems: dict[str, list[str]] = {}
        for language, screen in self.screens.items():
            page = screen.page
            page.wait_for_function(
                "v => Number(document.getElementById('stage').dataset.version) >= v",
                arg=version,
            )
            expect(page.locator(f'[data-view="{view}"]')).to_be_visible()
            try:  # the screen fits its lists after rendering: give it the time it takes
                page.wait_for_function(
                    f"selector => ({LAYOUT_PROBLEMS})(selector).length === 0",
                    arg=READ,
                    timeout=5000,
                )
            except PlaywrightTimeout:
                problems[language] = page.evaluate(LAYOUT_PROBLEMS, READ)
            screenshot(page, path=str(self.shots / f"full-hall-{label}-{language}-1920.png"))
        assert problems == {}, label

    def close(self) -> None:
        for screen in self.screens.values():
            assert screen.requests == []  # followed the whole day by push
            screen.page.context.close()


def panel_sheets(index: int, judges: int) -> dict[str, dict[str, str]]:
    """Sheets that differ by presenter and by judge, so the ranking has no ties to hide."""
    return {
        f"J{j}": marks(str(12 + (index * 7 + j) % 17), str(10 + index % 9))
        for j in range(1, judges + 1)
    }


def test_a_full_hall_on_the_projector_in_both_languages(
    served: ServerProcess, browser: Browser, artefacts_dir: Path
) -> None:
    shots = artefacts_dir / "arena-day"
    shots.mkdir(exist_ok=True)
    world = make_arena_world(participants=17, judges=9, go_live=False)
    long_names(world)
    hall = Hall(served, world)
    projector = Hall16x9(browser, hall, shots)

    # -- the draw, step by step on the big screen ---------------------------------------------
    projector.look("frozen", hall.act("freeze")["version"], view="draw")
    hall.act("draw", public="3 8 1 5 9 2")
    projector.look("drawn", hall.act("reveal")["version"], view="draw")
    projector.look("order", hall.act("go_live")["version"], view="order")

    # -- seventeen presenters -------------------------------------------------------------------
    order = in_order(world)
    assert len(order) == 17
    for index, participant in enumerate(order, start=1):
        version = hall.next()["version"]
        if index == ABSENT_AT:
            version = hall.act("absent", participant=participant.pk)["version"]
            projector.look("absent", version, view="presenter")
            continue
        hall.act("open", participant=participant.pk)
        sheets = panel_sheets(index, 9)
        for code, sheet in sheets.items():
            if index == 12 and code == "J5":  # half the panel in, the other chips waiting
                version = hall.act("timer_start")["version"]
                projector.look("scoring", version, view="presenter")
            hall.sheet(code, participant.pk, sheet)
        assert hall.judge("J1", "confirm", {"participant": participant.pk}).status == 200
        version = hall.act("show", participant=participant.pk)["version"]
        if index in (5, 12, 17):  # a short ranking, a longer one, the longest
            projector.look(f"result-{index}", version, view="result")

    projector.look("final", hall.act("close_arena")["version"], view="closed")
    projector.close()

    arena = world.refresh()
    assert arena.state == ArenaState.CLOSED
    ranks = sorted(p.rank for p in arena.participants.exclude(rank=None))
    assert (len(ranks), ranks[0]) == (16, 1)
    assert arena.participants.get(pk=order[ABSENT_AT - 1].pk).status == ParticipantStatus.ABSENT
