"""The organiser's and host's pages as a person sees them in Chromium: the navigation on a phone,
the judges' links sheet on screen, the set-up and results pages (screenshots, zh and en)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from leitai.accounts.models import Role, User
from leitai.arenas.models import Participant
from leitai.orgs.models import Unit
from tests.arena_factories import make_arena_world, marks, score_current
from tests.factories import make_user
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def signed_in(
    browser: Browser, server: ServerProcess, user: User, *, language: str, device: dict[str, Any]
) -> Page:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(**device)
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server.url},
        ]
    )
    return context.new_page()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_organisers_navigation_shows_every_item_on_a_phone(
    served: ServerProcess, browser: Browser, artefacts_dir: Path, language: str
) -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    organiser = make_user(role=Role.ORGANISER, unit=world.arena.programme.root)
    page = signed_in(browser, served, organiser, language=language, device=PHONE)
    page.goto(f"{served.url}/arenas/")
    links = page.locator("nav.nav a")
    assert links.count() == 7
    for index in range(links.count()):
        link = links.nth(index)
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0, link.inner_text()
        assert box["x"] + box["width"] <= 390, link.inner_text()
        expect(link).to_be_in_viewport(ratio=1)
    screenshot(page, path=str(artefacts_dir / f"nav-organiser-390-{language}.png"))


def test_judge_links_sheet_is_styled_on_screen_and_leads_back(
    served: ServerProcess, browser: Browser, artefacts_dir: Path
) -> None:
    world = make_arena_world(participants=1, judges=3, go_live=False)
    page = signed_in(browser, served, world.host_user, language="zh-hans", device=DESKTOP)
    page.goto(f"{served.url}/arenas/{world.arena.pk}/judge-links")
    # On screen the sheet is an A4 page on a desk, not bare text across the window.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    back = page.locator("#back-to-setup")
    expect(back).to_be_visible()
    screenshot(page, path=str(artefacts_dir / "judge-links-zh-1366.png"), full_page=True)
    back.click()
    expect(page.locator("h1")).to_have_text(world.arena.title)
    expect(page).to_have_url(f"{served.url}/arenas/{world.arena.pk}/#panel")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_setup_and_results_pages_read_in_each_language(
    served: ServerProcess, browser: Browser, artefacts_dir: Path, language: str
) -> None:
    world = make_arena_world(participants=3, judges=3)
    Participant.objects.filter(pk=world.participants[0].pk).update(no_notes=True)
    score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 4)})
    page = signed_in(browser, served, world.host_user, language=language, device=DESKTOP)
    page.goto(f"{served.url}/arenas/{world.arena.pk}/")
    rule = page.locator("#rule-summary")
    expect(rule).to_contain_text("规则：" if language == "zh-hans" else "Rule: ")
    screenshot(page, path=str(artefacts_dir / f"setup-{language}-1366.png"), full_page=True)
    page.goto(f"{served.url}/arenas/{world.arena.pk}/results")
    expect(page.locator("#headline-w")).to_be_visible()
    screenshot(page, path=str(artefacts_dir / f"results-{language}-1366.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_arena_list_reads_on_a_phone(
    served: ServerProcess, browser: Browser, artefacts_dir: Path, language: str
) -> None:
    world = make_arena_world(participants=2, judges=1, go_live=False)
    page = signed_in(browser, served, world.host_user, language=language, device=PHONE)
    page.goto(f"{served.url}/arenas/")
    title = page.locator("#arenas a", has_text=world.arena.title)
    expect(title).to_be_visible()
    # The title reads in lines of words, not one character a line; the page never scrolls sideways.
    box = title.bounding_box()
    assert box is not None
    assert box["width"] >= 150, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, path=str(artefacts_dir / f"arena-list-{language}-390.png"), full_page=True)


def test_the_short_name_field_shows_its_whole_placeholder(
    served: ServerProcess, browser: Browser, artefacts_dir: Path
) -> None:
    world = make_arena_world(participants=2, judges=1, go_live=False)
    long = "金湖路街道泰州路社区第十六网格第二党支部委员会"
    Unit.objects.filter(pk=world.participants[0].unit_id).update(name=long)
    page = signed_in(browser, served, world.host_user, language="zh-hans", device=DESKTOP)
    page.goto(f"{served.url}/arenas/{world.arena.pk}/")
    field = page.locator(
        f'.short-name-form[data-participant="{world.participants[0].pk}"] input[name="short_name"]'
    )
    expect(field).to_be_visible()
    cut = field.evaluate(
        """(input) => {
          const probe = document.createElement("span");
          probe.style.font = getComputedStyle(input).font;
          probe.style.whiteSpace = "pre";
          probe.textContent = input.placeholder;
          document.body.appendChild(probe);
          const text = probe.getBoundingClientRect().width;
          probe.remove();
          const style = getComputedStyle(input);
          const room = input.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          return text > room + 0.5 ? `${input.placeholder} needs ${text}px, has ${room}` : "";
        }"""
    )
    assert cut == ""
    screenshot(field, path=str(artefacts_dir / "setup-short-name-zh.png"))
