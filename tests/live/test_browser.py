"""The check page in Chromium: live messages arrive, and the page survives a server restart."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_user
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]


def send_check(page: Page, server: ServerProcess, text: str, channel: str) -> None:
    page.goto(f"{server.url}/live/")
    page.fill("#id_text", text)
    page.fill("#id_channel", channel)
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()


def test_check_page_shows_messages_and_reconnects_after_a_restart_without_reload(
    served: ServerProcess, page: Page, browser: Browser, artefacts_dir: Path
) -> None:
    make_user("org", superuser=True)
    channel = f"t-{uuid.uuid4().hex[:10]}"
    page.goto(f"{served.url}/accounts/login/")
    page.fill("#id_username", "org")
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    phone.goto(f"{served.url}/live/check/?channel={channel}")
    check = phone.locator("#live-check")
    expect(check).to_have_attribute("data-state", "open")
    phone.evaluate("window.__sameDocument = true")

    send_check(page, served, "第一次检查", channel)
    expect(phone.locator('[data-field="text"]')).to_have_text("第一次检查")
    seq = int(check.get_attribute("data-seq") or 0)
    assert seq >= 1
    expect(phone.locator('[data-field="latency"]')).to_have_text(re.compile(r"^\d+$"))
    screenshot(phone, path=str(artefacts_dir / "live-check-phone.png"))
    screenshot(page, path=str(artefacts_dir / "live-status.png"), full_page=True)

    served.stop()
    expect(check).to_have_attribute("data-state", "reconnecting")
    restarted = served.restart()
    try:
        expect(check).to_have_attribute("data-state", "open", timeout=20_000)
        send_check(page, restarted, "重启之后", channel)
        expect(phone.locator('[data-field="text"]')).to_have_text("重启之后")
        # Without Redis the sequence lives in the process's cache and starts again.
        assert int(check.get_attribute("data-seq") or 0) >= 1
        assert phone.evaluate("window.__sameDocument") is True  # no reload happened
    finally:
        restarted.stop()
