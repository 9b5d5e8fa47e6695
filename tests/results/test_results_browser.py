"""The results page and the public results page in Chromium, on a phone and on a projector-sized
desktop, in Chinese and in English; screenshots go to test-artifacts/results/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from leitai.ledger.chain import arena_chain, head_of
from tests.factories import PASSWORD
from tests.results.days import full_day
from tests.support.screenshots import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1920, "height": 1080}


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    expect(page.locator(".userbox")).to_contain_text(username)


def no_sideways_scroll(page: Page) -> None:
    """The page itself never scrolls sideways; wide tables scroll inside their own box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow


@pytest.fixture
def shots(artefacts_dir: Path) -> Path:
    path = artefacts_dir / "results"
    path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_results_and_public_pages_on_a_phone_and_a_desktop(
    live_server: Any, browser: Browser, shots: Path, language: str
) -> None:
    day = full_day()
    arena = day.world.arena
    base = live_server.url
    _seq, chain_hash = head_of(arena_chain(arena.pk))
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size, locale="zh-CN")
        context.add_cookies([{"name": "leitai_language", "value": language, "url": base}])
        page = context.new_page()

        page.goto(f"{base}/arenas/{arena.pk}/public")
        expect(page.locator("#podium li")).to_have_count(3)
        expect(page.locator("#podium li").first).to_contain_text(day.first.unit.name)
        expect(page.locator("#podium li").first).to_contain_text("79.50")
        expect(page.locator("#chain-hash")).to_have_text(chain_hash)
        expect(page.locator("#verify-command")).to_contain_text("leitai draw verify")
        no_sideways_scroll(page)
        screenshot(page, path=str(shots / f"public-{size_name}-{language}.png"), full_page=True)

        sign_in(page, base, day.world.host_user.username)
        page.goto(f"{base}/arenas/{arena.pk}/results")
        expect(page.locator("#ranking-table tbody tr")).to_have_count(4)
        # J1 marks 4 above the others and J4 4.4 below: both outside the corridor, with why.
        flagged = page.locator("#deviations tr.judge-row.flagged")
        expect(flagged).to_have_count(2)
        expect(flagged.nth(0)).to_have_attribute("data-judge", "J1")
        expect(flagged.nth(1)).to_have_attribute("data-judge", "J4")
        expect(page.locator("#deviations tr.flag-detail .flag-reason")).to_have_count(4)
        expect(page.locator(f"#sheet-{day.second.pk} tr.recused")).to_have_count(1)
        expect(page.locator(f"#sheet-{day.fourth.pk} .tag.corrected")).to_have_count(1)
        expect(page.locator(f"#sheet-{day.second.pk} .tag.paper")).to_have_count(1)
        no_sideways_scroll(page)
        screenshot(page, path=str(shots / f"results-{size_name}-{language}.png"), full_page=True)
        context.close()
