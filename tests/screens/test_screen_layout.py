"""The big screen holds its 16:9 frame at realistic sizes: 3 to 15 judges, 17 and 30 participants
with long unit names, Chinese and English, 1920×1080 and 1280×720, through the draw, scoring,
a result with the live ranking, an absent presenter and the final ranking. Measured in Chromium
by bounding boxes: no element leaves the frame (or the main area), none overlaps another, no
unit name is cut. Screenshots go to test-artifacts/screen-layout/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from leitai.arenas.models import Participant
from leitai.arenas.services import console, draw, sheets
from leitai.orgs.models import Unit
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

SIZES = {"1920": {"width": 1920, "height": 1080}, "1280": {"width": 1280, "height": 720}}
LANGUAGES = ("zh-hans", "en")

# Everything a person reads on the projector; each must stay inside the frame, apart.
READ = ", ".join(
    [
        ".stage-head",
        ".position",
        ".corrected",
        ".view .unit",
        ".view .presenter",
        ".timer",
        ".up-next",
        ".absent-word",
        ".judges-head",
        ".chip",
        ".phase",
        ".result-label",
        ".result-score",
        ".result-rank",
        ".totals-label",
        ".total",
        ".note",
        ".ranking h2",
        ".order h2",
        ".rank-row",
        ".order-row",
        ".more",
        ".empty",
        ".closed-banner",
        ".order-banner",
        ".not-ranked",
        ".draw-steps h2",
        ".draw-step",
        ".draw-help",
        ".conn",
        ".sound-hint",
    ]
)

LAYOUT_PROBLEMS = """(selector) => {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const stage = document.getElementById("stage").getBoundingClientRect();
  const mainEl = document.getElementById("main");
  const main = mainEl.getBoundingClientRect();
  // The gold frame is drawn 1rem inside the stage: nothing may cross it.
  const frame = {left: stage.left + rem, top: stage.top + rem,
                 right: stage.right - rem, bottom: stage.bottom - rem};
  const name = (el) => el.className + " «" + (el.textContent || "").trim().slice(0, 24) + "»";
  const outside = (r, box) => r.left < box.left - 0.5 || r.top < box.top - 0.5 ||
    r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5;
  const items = [...document.querySelectorAll(selector)]
    .map((el) => ({el, r: el.getBoundingClientRect()}))
    .filter(({r}) => r.width > 0 && r.height > 0);
  const problems = [];
  for (const {el, r} of items) {
    if (outside(r, frame)) problems.push(name(el) + " leaves the frame");
    else if (mainEl.contains(el) && outside(r, main)) {
      problems.push(name(el) + " leaves the main area");
    }
  }
  for (let i = 0; i < items.length; i += 1) {
    for (let j = i + 1; j < items.length; j += 1) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) problems.push(name(a.el) + " overlaps " + name(b.el));
    }
  }
  // A name is cut when its text is wider than its box (an ellipsis) or, for the presenter's
  // unit (at most two lines), when a line is clamped away.
  for (const el of document.querySelectorAll(".rank-unit, .order-unit, .view .unit")) {
    if (el.getBoundingClientRect().height === 0) continue;
    const line = parseFloat(getComputedStyle(el).lineHeight) || 0;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + line / 2) {
      problems.push(name(el) + " is cut");
    }
  }
  return problems;
}"""


def long_names(world: ArenaWorld) -> None:
    """Real units below a street: every name starts with the street's own name."""
    for i, participant in enumerate(world.participants, start=1):
        Unit.objects.filter(pk=participant.unit_id).update(
            name=f"金湖路街道泰州路社区第{i}网格党支部"
        )


def sheets_for(world: ArenaWorld, index: int) -> dict[str, dict[str, str]]:
    achievements = str(10 + (index * 7 % 41) / 2)
    return {judge.code: marks(achievements) for judge in world.judges}


class Projector:
    """The screen page in each size and language, checked and photographed on demand."""

    def __init__(self, browser: Browser, server: ServerProcess, arena_id: int, shots: Path):
        self.pages: dict[tuple[str, str], Page] = {}
        self.url = f"{server.url}/arenas/{arena_id}/screen"
        self.shots = shots
        for language in LANGUAGES:
            for size_name, size in SIZES.items():
                context = browser.new_context(viewport=size, locale="zh-CN")
                context.add_cookies(
                    [{"name": "leitai_language", "value": language, "url": server.url}]
                )
                self.pages[language, size_name] = context.new_page()

    def check(self, label: str, *, view: str, never: str = "") -> None:
        """Load the screen in each size and language: the `view` in the frame, nothing matching
        `never` on it."""
        problems: dict[str, list[str]] = {}
        for (language, size_name), page in self.pages.items():
            page.goto(self.url)
            page.wait_for_selector(f'[data-view="{view}"]')
            # The reconnecting pill is part of the layout: show it, as a dropped Wi-Fi would.
            page.evaluate(
                "() => { const c = document.getElementById('conn'); c.hidden = false;"
                " c.className = 'conn reconnecting'; c.textContent = 'Connection lost…'; }"
            )
            screenshot(page, path=str(self.shots / f"{label}-{language}-{size_name}.png"))
            found = page.evaluate(LAYOUT_PROBLEMS, READ)
            if never and page.locator(never).count():
                found.append(f"{never} is shown")
            if found:
                problems[f"{language} {size_name}"] = found
        assert problems == {}, label

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def shots(artefacts_dir: Path) -> Path:
    path = artefacts_dir / "screen-layout"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def projector_for(browser: Browser, served: ServerProcess, shots: Path) -> Iterator[Any]:
    made: list[Projector] = []

    def make(world: ArenaWorld) -> Projector:
        made.append(Projector(browser, served, world.arena.pk, shots))
        return made[-1]

    yield make
    for projector in made:
        projector.close()


@pytest.mark.parametrize(
    ("judges", "participants"), [(3, 17), (9, 17), (15, 17), (9, 30), (15, 30)]
)
def test_screen_fits_the_frame_through_the_day(
    projector_for: Any, judges: int, participants: int
) -> None:
    world = make_arena_world(participants=participants, judges=judges)
    long_names(world)
    host = world.host_user
    projector = projector_for(world)
    label = f"j{judges}-p{participants}"

    for index in range(participants - 3):
        score_current(world, sheets_for(world, index))
    arena = world.refresh()
    absent = console.call_next(arena=arena, expected_current=arena.current_id, by=host)
    console.mark_absent(arena=arena, participant_id=absent.pk, by=host)
    # Nobody scores an absent presenter: no judge is shown as waiting for them.
    projector.check(f"{label}-absent", view="presenter", never=".chip, .judges")

    # Scoring the next presenter: half the judges in, the live ranking beside them.
    scoring = console.call_next(arena=world.refresh(), expected_current=absent.pk, by=host)
    console.open_scoring(arena=world.refresh(), participant_id=scoring.pk, by=host)
    panel = sheets_for(world, participants)
    for done, (code, sheet) in enumerate(panel.items()):
        if done == judges // 2:
            projector.check(f"{label}-scoring", view="presenter")
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=scoring.pk, marks=sheet, key=f"{label}{code}"
        )
    sheets.confirm_result(participant_id=scoring.pk, judge=world.judge("J1"))
    console.show_result(arena=world.refresh(), participant_id=scoring.pk, by=host)
    projector.check(f"{label}-result", view="result")

    score_current(world, sheets_for(world, participants + 1))
    assert not Participant.objects.filter(arena=world.arena, status="waiting").exists()
    console.close_arena(arena=world.refresh(), by=host)
    projector.check(f"{label}-final", view="closed")


@pytest.mark.parametrize("participants", [17, 30])
def test_the_draw_fits_the_frame_at_each_step(projector_for: Any, participants: int) -> None:
    world = make_arena_world(participants=participants, judges=3, go_live=False)
    long_names(world)
    arena, host = world.arena, world.host_user
    projector = projector_for(world)
    draw.freeze_list(arena=arena, by=host)
    projector.check(f"draw-p{participants}-frozen", view="draw")
    draw.draw(arena=arena, public="3 8 1 5 9 2", by=host)
    draw.reveal_seed(arena=arena, by=host)
    projector.check(f"draw-p{participants}-revealed", view="draw")


def visible_ranks(page: Page) -> list[int]:
    return [int(n) for n in page.locator(".rank-row:not([hidden]) .rank-no").all_inner_texts()]


@pytest.mark.parametrize("judges", [3, 9])
def test_a_result_shown_again_is_on_the_screens_until_the_next_action(
    projector_for: Any, browser: Browser, served: ServerProcess, shots: Path, judges: int
) -> None:
    world = make_arena_world(participants=17, judges=judges)
    long_names(world)
    host = world.host_user
    ids = [score_current(world, sheets_for(world, index)).pk for index in range(6)]
    corrected = world.arena.participants.get(pk=ids[1])
    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=corrected.pk, reason="录入错误", by=host
    )
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=corrected.pk, marks=marks("5"), key="fix"
    )
    sheets.confirm_result(participant_id=corrected.pk, judge=world.judge("J1"))
    # The next presenter is being scored when the host shows the corrected result again.
    scoring = console.call_next(arena=world.refresh(), expected_current=ids[-1], by=host)
    console.open_scoring(arena=world.refresh(), participant_id=scoring.pk, by=host)
    console.show_result(arena=world.refresh(), participant_id=corrected.pk, by=host)
    corrected.refresh_from_db()
    total = corrected.result["score"]

    label = f"shown-again-j{judges}"
    projector = projector_for(world)
    projector.check(label, view="spotlight")
    for (language, _size), page in projector.pages.items():
        card = page.locator('[data-view="spotlight"]')
        expect(card.locator('[data-field="corrected"]')).to_have_text(
            "更正后成绩" if language == "zh-hans" else "Corrected result"
        )
        expect(card.locator('[data-field="score"]')).to_have_text(total)
        ranks = visible_ranks(page)
        assert ranks == list(range(1, len(ranks) + 1)), (language, ranks)
    for language in LANGUAGES:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        context.add_cookies([{"name": "leitai_language", "value": language, "url": served.url}])
        phone = context.new_page()
        phone.goto(f"{served.url}/arenas/{world.arena.pk}/live")
        card = phone.locator('[data-view="spotlight"]')
        expect(card.locator(".card-label")).to_have_text(
            "更正后成绩" if language == "zh-hans" else "Corrected result"
        )
        expect(card.locator('[data-field="score"]')).to_have_text(total)
        # The presenter being scored stays below it, and the ranking has every place.
        expect(phone.locator('[data-view="presenter"]')).to_have_attribute(
            "data-participant", str(scoring.pk)
        )
        assert visible_ranks(phone) == list(range(1, len(ids) + 1))
        screenshot(phone, path=str(shots / f"{label}-live-{language}-390.png"), full_page=True)
        context.close()

    # The host's next action takes it down: the presenter being scored is back.
    for code in [judge.code for judge in world.judges]:
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=scoring.pk, marks=marks("12"), key=code
        )
    console.close_scoring(arena=world.refresh(), participant_id=scoring.pk, by=host)
    projector.check(f"{label}-after", view="presenter", never='[data-view="spotlight"]')
