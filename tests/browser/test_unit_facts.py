"""A unit's facts in Chromium: an organiser reads and edits them on the unit's page, in Chinese
and English, on a phone and a desktop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from leitai.accounts.models import Role
from leitai.orgs.services import set_unit_facts
from tests.browser.test_foundation import sign_in
from tests.factories import make_user, small_city
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_an_organiser_reads_and_edits_a_unit_s_facts(
    served: ServerProcess, page: Page, artefacts_dir: Path
) -> None:
    city = small_city()
    set_unit_facts(
        unit=city["branch"], founded=dt.date(2019, 3, 1), members=23, has_party_groups=True
    )
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, served, "org")
    url = f"{served.url}/orgs/units/3702020101/"
    page.goto(url)
    expect(page.locator("#fact-founded")).to_have_text("2019年3月")
    expect(page.locator("#fact-members")).to_have_text("23")
    expect(page.locator("#fact-party-groups")).to_have_text("是")
    screenshot(page, path=str(artefacts_dir / "unit-facts-zh-1366.png"), full_page=True)

    # A refusal names the field and keeps the form open; nothing changes.
    page.click(".facts-edit summary")
    page.fill("#id_facts-founded", "2019年13月")
    page.click("#facts-form button[type=submit]")
    expect(page.locator("#facts-form .errorlist")).to_contain_text("日期不存在")
    expect(page.locator("#fact-founded")).to_have_text("2019年3月")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, path=str(artefacts_dir / "unit-facts-error-zh-390.png"), full_page=True)

    page.fill("#id_facts-founded", "1998年7月")
    page.fill("#id_facts-members", "31")
    page.select_option("#id_facts-has_party_groups", "")
    page.click("#facts-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#fact-founded")).to_have_text("1998年7月")
    expect(page.locator("#fact-members")).to_have_text("31")
    expect(page.locator("#fact-party-groups")).to_have_text("不详")

    page.click(".lang-switch button[value=en]")
    page.goto(url)
    expect(page.locator("#fact-founded")).to_have_text("July 1998")
    expect(page.locator("#fact-party-groups")).to_have_text("Not known")
    screenshot(page, path=str(artefacts_dir / "unit-facts-en-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(".facts-edit summary")
    screenshot(page, path=str(artefacts_dir / "unit-facts-en-1366.png"), full_page=True)
