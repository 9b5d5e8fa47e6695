"""A person using the foundation in Chromium: sign in, switch language, import, find a unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from leitai.accounts.models import Role
from tests.factories import PASSWORD, make_user, small_city
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

BAD_CSV = (
    "编码,名称,上级编码,类型,领域,书记,初评单位\n"
    "37020299,新建街道党工委,370202,党工委,城市社区,王芳,\n"
    "3702029901,,37020299,党支部,城市社区,,\n"
    "3702029902,新建第二网格党支部,999999,党支部,农业,,\n"
)
GOOD_CSV = (
    "编码,名称,上级编码,类型,领域,书记,初评单位\n"
    "37020299,新建街道党工委,370202,党工委,城市社区,王芳,\n"
    "3702029901,新建第一网格党支部,37020299,党支部,城市社区,,\n"
    "3702029902,新建第二网格党支部,37020299,党支部,城市社区,,\n"
)


def sign_in(page: Page, server: ServerProcess, username: str) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    expect(page.locator(".userbox")).to_contain_text(username)


def test_sign_in_import_with_errors_fix_preview_import_and_find(
    served: ServerProcess, page: Page, tmp_path: Path, artefacts_dir: Path
) -> None:
    small_city()
    make_user("org", role=Role.ORGANISER, unit=small_root())
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, served, "org")
    expect(page.locator("h1")).to_contain_text("欢迎")

    # The language switch is remembered across pages.
    page.click(".lang-switch button[value=en]")
    expect(page.locator("h1")).to_contain_text("Welcome")
    page.goto(f"{served.url}/orgs/")
    expect(page.locator("h1")).to_have_text("Organisation tree")
    page.click(".lang-switch button[value=zh-hans]")
    expect(page.locator("h1")).to_have_text("组织架构")

    # A file with errors: every problem in a table, nothing changed.
    bad = tmp_path / "新建街道.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    page.goto(f"{served.url}/imports/orgs/new")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main form button[type=submit]")
    rows = page.locator("#problems tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("3")
    expect(rows.nth(0)).to_contain_text("名称")
    expect(page.locator("#problems")).to_contain_text("999999")
    expect(page.locator("#problems")).to_contain_text("农业")
    screenshot(page, path=str(artefacts_dir / "import-errors-zh.png"), full_page=True)

    # Fixed: a preview, then the import.
    good = tmp_path / "新建街道-修正.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    page.goto(f"{served.url}/imports/orgs/new")
    page.set_input_files("input[type=file]", str(good))
    page.click("main form button[type=submit]")
    expect(page.locator("#plan-counts [data-key=create] .value")).to_have_text("3")
    page.click("#confirm-import")
    expect(page.locator(".alert-success")).to_be_visible()

    # Find the new unit by two characters of its name and open it.
    page.goto(f"{served.url}/orgs/search")
    page.fill("#q", "第二")
    expect(page.locator("#results")).to_contain_text("新建第二网格党支部")
    page.click("#results a:has-text('新建第二网格党支部')")
    expect(page.locator("#unit-path")).to_contain_text("中共青岛市市南区委")
    expect(page.locator("#evaluating-unit")).to_contain_text("中共青岛市市南区委")
    screenshot(page, path=str(artefacts_dir / "unit-zh.png"), full_page=True)


def small_root():
    from leitai.orgs.models import Unit

    return Unit.objects.get(code="370200")
