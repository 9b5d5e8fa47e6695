"""The daily data as people use it in Chromium: an organiser imports a small file (a preview,
then the import), and the unit's month-by-metric grid is read in Chinese and English, on a phone
(390 px) and a desktop (1366 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from leitai.accounts.models import Role
from leitai.evidence.queries_daily import judged_window
from leitai.evidence.rules_daily import daily_rule_for
from tests.factories import make_user, small_city
from tests.screens.test_host_pages_browser import DESKTOP, PHONE, signed_in
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_organiser_imports_then_the_grid_is_read(
    served: ServerProcess, browser: Browser, tmp_path: Path, artefacts_dir: Path
) -> None:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    secretary = make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    first, _last = judged_window(daily_rule_for())
    metrics = ",".join(m.name for m in daily_rule_for().metrics)
    header = f"单位编码,期间,{metrics}\n"
    lines = []
    for offset in range(12):
        month = first.plus(offset)
        if offset == 7:
            continue  # a month with nothing entered
        quarterly = "1" if offset % 3 == 1 else ""
        yearly = "1" if offset == 1 else ""
        lines.append(
            f"{city['branch'].code},{month},1,{quarterly},1,{quarterly},1,{yearly},{yearly},"
            f"0.9{offset % 10},0.95\n"
        )
    upload = tmp_path / "灯塔日常数据.csv"
    upload.write_bytes((header + "".join(lines)).encode("gb18030"))

    page = signed_in(browser, served, organiser, language="zh-hans", device=DESKTOP)
    page.goto(f"{served.url}/imports/daily/new")
    page.set_input_files("input[type=file]", str(upload))
    page.click("main form button[type=submit]")
    expect(page.locator("#plan-counts [data-key=periods] .value")).to_have_text("11")
    screenshot(page, path=str(artefacts_dir / "daily-import-preview-zh-1366.png"), full_page=True)
    page.click("#confirm-import")
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{served.url}/evidence/daily/")
    expect(page.locator("#daily-totals")).to_contain_text("2")
    screenshot(page, path=str(artefacts_dir / "daily-overview-zh-1366.png"), full_page=True)
    page.context.close()

    for language, device, width in (
        ("zh-hans", PHONE, 390),
        ("zh-hans", DESKTOP, 1366),
        ("en", PHONE, 390),
        ("en", DESKTOP, 1366),
    ):
        page = signed_in(browser, served, secretary, language=language, device=device)
        page.goto(f"{served.url}/evidence/units/{city['branch'].pk}/daily/")
        grid = page.locator("#daily-grid")
        expect(grid.locator("tbody tr")).to_have_count(9)
        missed = grid.locator(f"td.missed[data-months='{first.plus(7)}']")
        expect(missed.first).to_be_visible()
        quarter = f"{first.plus(0)} – {first.plus(2)}"
        expect(
            grid.locator(f"tr[data-metric=general_meeting] td[data-months='{quarter}']")
        ).to_have_class("met")
        expect(page.locator("#daily-sources")).to_contain_text("灯塔日常数据.csv")
        if language == "en":
            expect(page.locator("h1")).to_have_text("Daily data (灯塔-党建在线)")
            expect(page.locator(".daily-legend")).to_contain_text("missed")
        else:
            expect(page.locator(".daily-legend")).to_contain_text("未达标")
        screenshot(
            page, path=str(artefacts_dir / f"daily-unit-{language}-{width}.png"), full_page=True
        )
        page.context.close()
