"""An honour as people handle it in Chromium: a secretary enters it on a phone with its scan, a
reviewer verifies it from the queue on a desktop with the scan shown inline, and the unit's page
explains the sum — in Chinese and in English (screenshots at 390 px and 1366 px)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from leitai.accounts.models import Role, User
from leitai.demo.evidence_files import scan_png
from leitai.evidence.models import Honour, HonourState
from tests.factories import make_user, small_city
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WORDS = {
    "zh-hans": {
        "enter": "登记荣誉",
        "verify": "审核通过",
        "pending": "待审核",
        "verified": "已审核",
    },
    "en": {
        "enter": "Enter an honour",
        "verify": "Verify",
        "pending": "Pending verification",
        "verified": "Verified",
    },
}
EXPLAINED = {
    "zh-hans": "计入 1 项荣誉：5 → 荣誉得分 33.33",
    "en": "1 honour counted: 5 → component 33.33",
}


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


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_enter_verify_and_read_an_honour(
    served: ServerProcess,
    browser: Browser,
    artefacts_dir: Path,
    tmp_path: Path,
    language: str,
) -> None:
    city = small_city()
    branch = city["branch"]
    secretary = make_user("zheng", role=Role.SECRETARY, unit=branch, display_name="郑素秀")
    reviewer = make_user("review", role=Role.REVIEWER, unit=city["shinan"], display_name="初评组")
    words = WORDS[language]
    shots = artefacts_dir / "evidence"
    shots.mkdir(exist_ok=True)

    # The secretary, on a phone: from the unit's page to the form, with the scan.
    phone = signed_in(browser, served, secretary, language=language, device=PHONE)
    phone.goto(f"{served.url}/orgs/units/{branch.code}/")
    phone.locator("#unit-evidence").click()
    expect(phone.locator("#evidence-tabs")).to_be_visible()
    phone.get_by_role("link", name=words["enter"]).click()
    scan = tmp_path / "scan.png"
    scan.write_bytes(scan_png("browser"))
    day = timezone.localdate() - timedelta(days=100)
    phone.fill("#id_title", "青岛市先进基层党组织")
    phone.select_option("#id_level", "municipal")
    phone.fill("#id_conferred_by", "中共青岛市委")
    phone.fill("#id_document", "青组发〔2026〕12号")
    phone.fill("#id_conferred_on", day.isoformat())
    phone.set_input_files("#id_file", str(scan))
    fits(phone, 390)
    screenshot(phone, path=str(shots / f"honour-form-390-{language}.png"), full_page=True)
    phone.locator("#honour-form button[type=submit]").click()
    expect(phone.locator("#honour-state")).to_have_text(words["pending"])
    honour = Honour.objects.get()
    assert (honour.entered_by, honour.file_type) == (secretary, "image/png")
    # The one who entered it is not offered the verification.
    expect(phone.locator("#verify")).to_have_count(0)
    fits(phone, 390)
    screenshot(phone, path=str(shots / f"honour-entered-390-{language}.png"), full_page=True)

    # The reviewer, on a desktop: the queue, the record with its scan inline, verified.
    desk = signed_in(browser, served, reviewer, language=language, device=DESKTOP)
    desk.goto(f"{served.url}/evidence/honours/queue")
    screenshot(desk, path=str(shots / f"queue-1366-{language}.png"), full_page=True)
    desk.locator("#queue").get_by_role("link", name="青岛市先进基层党组织").click()
    image = desk.locator("img.evidence-view")
    expect(image).to_be_visible()
    desk.wait_for_function("document.querySelector('img.evidence-view').complete")
    assert desk.evaluate("document.querySelector('img.evidence-view').naturalWidth") == 240
    screenshot(desk, path=str(shots / f"honour-verify-1366-{language}.png"), full_page=True)
    desk.locator("#verify").click()
    expect(desk.locator("#honour-state")).to_have_text(words["verified"])
    honour.refresh_from_db()
    assert (honour.state, honour.verified_by) == (HonourState.VERIFIED, reviewer)

    # The unit's page explains the sum, on both.
    for page, width in ((phone, 390), (desk, 1366)):
        page.goto(f"{served.url}/evidence/units/{branch.pk}/")
        expect(page.locator("#honours-explanation")).to_have_text(EXPLAINED[language])
        fits(page, width)
        screenshot(page, path=str(shots / f"unit-{width}-{language}.png"), full_page=True)
