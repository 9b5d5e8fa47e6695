"""The set-up page in Chromium: a conflict declared after a sheet and the host's decision, and a
closed arena's page with its forms disabled and the reason; on a phone and a desktop, in Chinese
and in English. Screenshots go to test-artifacts/arenas/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from leitai.arenas.models import Absence, Recusal, RecusalSource
from leitai.arenas.services import console, declarations, sheets
from tests.arena_factories import make_arena_world, make_closed_arena_world, marks
from tests.results.test_results_browser import DESKTOP, PHONE, no_sideways_scroll, sign_in
from tests.support.screenshots import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(artefacts_dir: Path) -> Path:
    path = artefacts_dir / "arenas"
    path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_host_accepts_a_late_declaration_on_the_set_up_page(
    live_server: Any, browser: Browser, shots: Path, language: str
) -> None:
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=current.pk, marks=marks("20"), key="j2"
    )
    declarations.declare_conflict(
        judge=world.judge("J2"), participant_id=current.pk, reason="亲属在该单位工作"
    )
    base = live_server.url
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size, locale="zh-CN")
        context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
        page = context.new_page()
        sign_in(page, base, world.host_user.username)
        page.goto(f"{base}/arenas/{world.arena.pk}/")
        rows = page.locator("#declaration-list li")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("亲属在该单位工作")
        no_sideways_scroll(page)
        screenshot(page, path=str(shots / f"declaration-{size_name}-{language}.png"))
        context.close()
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
    page = context.new_page()
    sign_in(page, base, world.host_user.username)
    page.goto(f"{base}/arenas/{world.arena.pk}/")
    page.locator("#declaration-list button.btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#declaration-list")).to_have_count(0)
    recusal = Recusal.objects.get(judge=world.judge("J2"), participant=current)
    assert (recusal.active, recusal.source) == (True, RecusalSource.DECLARED)
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_closed_arenas_set_up_page_shows_its_forms_disabled(
    live_server: Any, browser: Browser, shots: Path, language: str
) -> None:
    world = make_closed_arena_world()
    base = live_server.url
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size, locale="zh-CN")
        context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
        page = context.new_page()
        sign_in(page, base, world.host_user.username)
        page.goto(f"{base}/arenas/{world.arena.pk}/")
        expect(page.locator("#arena-locked")).to_be_visible()
        expect(page.locator("#details-form input[name=title]")).to_be_disabled()
        expect(page.locator("#details-form button[type=submit]")).to_be_disabled()
        expect(page.locator("#judge-table button").first).to_be_disabled()
        no_sideways_scroll(page)
        screenshot(page, path=str(shots / f"closed-{size_name}-{language}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_host_lifts_an_absence_on_the_set_up_page(
    live_server: Any, browser: Browser, shots: Path, language: str
) -> None:
    """Scoring closed without J3's sheet: the table of recusals and absences names J3 absent
    (not recused), and its Lift lifts the absence."""
    world = make_arena_world(participants=2, judges=3)
    host = world.host_user
    current = console.call_next(arena=world.arena, expected_current=None, by=host)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=host)
    for code in ("J1", "J2"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("20"), key=code
        )
    console.close_scoring(arena=world.arena, participant_id=current.pk, by=host, reason="评委离场")
    base = live_server.url
    absent = "未评分（缺席）" if language == "zh-hans" else "Did not score (absent)"
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size, locale="zh-CN")
        context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
        page = context.new_page()
        sign_in(page, base, host.username)
        page.goto(f"{base}/arenas/{world.arena.pk}/")
        row = page.locator("#recusal-table tbody tr")
        expect(row).to_have_count(1)
        expect(row.first).to_contain_text(absent)
        expect(row.first).to_contain_text("评委离场")
        no_sideways_scroll(page)
        screenshot(page, path=str(shots / f"absence-{size_name}-{language}.png"), full_page=True)
        context.close()
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
    page = context.new_page()
    sign_in(page, base, host.username)
    page.goto(f"{base}/arenas/{world.arena.pk}/")
    page.locator("#recusal-table input[name=reason]").fill("评委回场")
    page.locator("#recusal-table button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#recusal-table tbody tr").first).to_contain_text("评委回场")
    absence = Absence.objects.get(judge=world.judge("J3"), participant=current)
    assert (absence.active, absence.lifted_reason) == (False, "评委回场")
    assert not Recusal.objects.filter(judge__arena=world.arena).exists()
    screenshot(page, path=str(shots / f"absence-lifted-{language}.png"), full_page=True)
    context.close()
