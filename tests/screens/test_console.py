"""The host's console in Chromium: showing a corrected earlier result again, and an outage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from leitai.arenas.live.state import ArenaSnapshot
from tests.arena_factories import make_arena_world, marks
from tests.screens.hall import Hall
from tests.screens.test_screen import judged
from tests.screens.test_screen_layout import LAYOUT_PROBLEMS, READ
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def open_console(browser: Browser, hall: Hall, *, language: str, device: dict[str, Any]) -> Page:
    context = browser.new_context(**device)
    url = hall.server.url
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": hall.session, "url": url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url},
        ]
    )
    page = context.new_page()
    page.goto(f"{hall.server.url}/arenas/{hall.world.arena.pk}/console")
    expect(page.locator("#conn-state")).to_have_class("badge green")
    return page


def day_of_three(served: ServerProcess) -> tuple[Hall, list[int]]:
    world = make_arena_world(participants=3, judges=3)
    world.arena.participants.update(no_notes=True)  # all speak without notes
    hall = Hall(served, world)
    ids = []
    for achievements in ("30", "25", "20"):
        hall.next()
        current = hall.current_id()
        assert current is not None
        judged(hall, current, {f"J{i}": marks(achievements) for i in range(1, 4)})
        ids.append(current)
    return hall, ids


def row(page: Page, position: int) -> Any:
    return page.locator("#order-table tbody tr").nth(position - 1)


def test_console_shows_a_corrected_earlier_result_again(
    served: ServerProcess, browser: Browser, artefacts_dir: Path
) -> None:
    hall, ids = day_of_three(served)
    first = hall.world.arena.participants.get(pk=ids[0])
    page = open_console(browser, hall, language="zh-hans", device=DESKTOP)

    page.select_option("#reopen-judge", "J2")
    page.select_option("#reopen-participant", str(ids[0]))
    page.fill("#reopen-reason", "录入错误")
    page.click("#reopen-form button[type=submit]")
    expect(row(page, first.position)).to_contain_text("评分中")

    hall.sheet("J2", ids[0], marks("26"))
    assert hall.judge("J1", "confirm", {"participant": ids[0]}).status == 200
    show_again = row(page, first.position).locator("button[data-action=show]")
    expect(show_again).to_have_text("再次展示")
    screenshot(page, path=str(artefacts_dir / "console-show-again-zh-1366.png"), full_page=True)
    show_again.click()
    expect(row(page, first.position)).to_contain_text("已公布")
    expect(show_again).to_have_count(0)
    assert [r["rank"] for r in ArenaSnapshot(hall.world.arena.pk).screen()["ranking"]] == [1, 2, 3]
    # The hall sees the corrected card large, labelled, with the whole ranking beside it.
    first.refresh_from_db()
    for language, label in (("zh-hans", "更正后成绩"), ("en", "Corrected result")):
        screen = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        screen.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": served.url}]
        )
        screen.goto(f"{served.url}/arenas/{hall.world.arena.pk}/screen")
        card = screen.locator(f'[data-view="spotlight"][data-participant="{first.pk}"]')
        expect(card.locator('[data-field="corrected"]')).to_have_text(label)
        expect(card.locator('[data-field="score"]')).to_have_text(first.result["score"])
        expect(screen.locator(".rank-row .rank-no")).to_have_text(["1", "2", "3"])
        assert screen.evaluate(LAYOUT_PROBLEMS, READ) == []
        screenshot(screen, path=str(artefacts_dir / f"screen-shown-again-{language}-1920.png"))
        screen.context.close()

    phone = open_console(browser, hall, language="en", device=PHONE)
    expect(phone.locator("#current-judges")).to_contain_text("Submitted")
    expect(phone.locator("#current-presenter")).to_contain_text("No notes")
    expect(phone.locator("#paper-form")).to_contain_text("Achievements")
    screenshot(phone, path=str(artefacts_dir / "console-en-390.png"), full_page=True)
    desktop = open_console(browser, hall, language="en", device=DESKTOP)
    screenshot(desktop, path=str(artefacts_dir / "console-en-1366.png"))
    zh_phone = open_console(browser, hall, language="zh-hans", device=PHONE)
    expect(zh_phone.locator("#current-presenter")).to_contain_text("脱稿")
    screenshot(zh_phone, path=str(artefacts_dir / "console-zh-390.png"), full_page=True)


def test_console_disables_its_buttons_under_a_banner_during_an_outage(
    served: ServerProcess, browser: Browser, artefacts_dir: Path
) -> None:
    world = make_arena_world(participants=2, judges=3)
    hall = Hall(served, world)
    page = open_console(browser, hall, language="zh-hans", device=DESKTOP)
    expect(page.locator("#call-next")).to_be_enabled()
    expect(page.locator("#console-offline")).to_be_hidden()

    served.stop()
    expect(page.locator("#console-offline")).to_be_visible()
    expect(page.locator("#call-next")).to_be_disabled()
    expect(page.locator("#paper-form button[type=submit]")).to_be_disabled()
    expect(page.locator("#close-arena")).to_be_disabled()
    screenshot(page, path=str(artefacts_dir / "console-offline-zh-1366.png"))

    served.restart()
    expect(page.locator("#console-offline")).to_be_hidden(timeout=30_000)
    expect(page.locator("#call-next")).to_be_enabled()
    expect(page.locator("#paper-form button[type=submit]")).to_be_enabled()
