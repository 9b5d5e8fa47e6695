"""A programme's evidence settings in Chromium: an organiser changes the honours' cap and a
metric's weights, a refusal names the field and the value, the change is on the page's history
and in the unit's honours score — in Chinese and English, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from leitai.accounts.models import Role
from leitai.orgs.services import set_unit_facts
from leitai.programs.models import Programme
from tests.browser.test_foundation import sign_in
from tests.factories import make_user, small_city
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_an_organiser_changes_the_evidence_settings(
    served: ServerProcess, page: Page, artefacts_dir: Path
) -> None:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    set_unit_facts(unit=city["branch"], founded=None, members=23, has_party_groups=True)
    set_unit_facts(
        unit=city["branch"], founded=None, members=25, has_party_groups=False, by=organiser
    )
    programme = Programme.objects.create(
        name="五星级党组织评选", year=2026, root=city["root"], rubric=[]
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, served, "org")
    page.goto(f"{served.url}/programmes/")
    page.click(f"a[href='/programmes/{programme.pk}/evidence']")
    expect(page.locator("h1")).to_have_text("佐证材料计分规则")
    screenshot(page, path=str(artefacts_dir / "programme-evidence-zh-1366.png"), full_page=True)

    # A weight that breaks the sum, and a cap of 0: the first refusal, nothing saved.
    page.fill("#id_cap", "0")
    page.fill("#id_reason", "市委组织部部务会决定")
    page.click("#evidence-settings button[type=submit]")
    expect(page.locator("#honours-settings .errorlist")).to_contain_text("cap：“0”小于 1。")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(
        page, path=str(artefacts_dir / "programme-evidence-error-zh-390.png"), full_page=True
    )

    page.fill("#id_cap", "20")
    page.fill("#id_weight_committee_meeting", "20")
    page.fill("#id_weight_theme_day", "10")
    page.fill("#id_reason", "市委组织部部务会决定")
    page.click("#evidence-settings button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#settings-history")).to_contain_text("重要荣誉 · 封顶：15 → 20")
    expect(page.locator("#id_cap")).to_have_value("20")
    screenshot(
        page, path=str(artefacts_dir / "programme-evidence-saved-zh-390.png"), full_page=True
    )

    page.click(".lang-switch button[value=en]")
    page.goto(f"{served.url}/programmes/{programme.pk}/evidence")
    expect(page.locator("#settings-history")).to_contain_text("Honours · cap: 15 → 20")
    screenshot(page, path=str(artefacts_dir / "programme-evidence-en-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, path=str(artefacts_dir / "programme-evidence-en-1366.png"), full_page=True)

    # The unit's honours page names the programme and its cap; its page, the facts' history.
    page.goto(f"{served.url}/evidence/units/{city['branch'].pk}/")
    expect(page.locator("#rules-source")).to_contain_text("2026 五星级党组织评选")
    expect(page.locator("#honours-score")).to_contain_text("20")
    screenshot(page, path=str(artefacts_dir / "programme-unit-honours-en-1366.png"), full_page=True)
    page.goto(f"{served.url}/orgs/units/3702020101/")
    page.click("#facts-history summary")
    expect(page.locator("#facts-history")).to_contain_text("Members: 23 → 25")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, path=str(artefacts_dir / "unit-facts-history-en-390.png"), full_page=True)
