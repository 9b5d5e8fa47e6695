"""A whole arena in Chromium, as the people in the hall live it.

The host sets it up and runs it from the browser (set-up page and console); five judges score
on phone-sized pages (one on a LAN-style, non-secure origin); the big screen and a public phone
follow by push. Three presenters: one ordinary, one with a judge recused by affiliation (and a
paper sheet, then a correction shown again), one absent. A judge loses their phone mid-arena and
gets a new link. After the close, a set-up page left open tries an edit and is refused; then the
results, and the draw checked with the public page's own file and printed command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from leitai.accounts.models import Role
from leitai.arenas.models import Arena, Judge, Participant, Sheet, SheetSource
from leitai.ledger.chain import entries_of
from leitai.ledger.checks import check_chain
from leitai.ledger.models import ChainHead
from leitai.orgs.models import Sector, UnitKind
from tests.arena_factories import make_programme
from tests.factories import PASSWORD, make_unit, make_user
from tests.screens.hall import LAN_HOST
from tests.screens.test_screen import PHONE, PROJECTOR, Watch, carries_marks
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
CRITERIA = ("achievements", "spirit", "ideas", "effects")


def score_on_phone(page: Page, values: tuple[str, str, str, str]) -> None:
    expect(page.locator("#review-btn")).to_be_enabled()
    for key, value in zip(CRITERIA, values, strict=True):
        page.fill(f"#mark-{key}", value)
    page.click("#review-btn")
    page.click("#submit-btn")
    expect(page.locator("#app")).to_have_attribute("data-mode", "locked")


def console_click(host: Page, button: str) -> None:
    host.click(f"#{button}")
    expect(host.locator("#console-error")).to_be_hidden()


def judge_row(setup_page: Page, code: str) -> Locator:
    return setup_page.locator("#judge-table tbody tr").filter(
        has=setup_page.locator("strong", has_text=re.compile(rf"^{code}$"))
    )


def run_leitai(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`leitai …` as a person types it, as its own process (the venv's console script)."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("leitai")), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_a_whole_arena_day_in_the_browser(
    lan_server: ServerProcess,
    browser: Browser,
    lan_browser: Browser,
    artefacts_dir: Path,
    tmp_path: Path,
) -> None:
    server = lan_server
    root = make_unit(
        code="370200", name="中共青岛市委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER
    )
    street = make_unit(
        root, code="37020209", name="金湖路街道党工委", kind=UnitKind.WORKING_COMMITTEE
    )
    branches = [
        make_unit(street, code=f"3702020901{i}", name=name, secretary=secretary)
        for i, (name, secretary) in enumerate(
            [
                ("泰州路居民区党支部", "郑素秀"),
                ("香港中路第二网格党支部", "李芳"),
                ("东海路社区党支部", "王强"),
            ]
        )
    ]
    make_programme(root)
    make_user("host", role=Role.HOST, unit=street)
    shots = artefacts_dir / "arena-day"
    shots.mkdir(exist_ok=True)

    # -- set-up, in the host's browser ---------------------------------------------------
    host = browser.new_context(**DESKTOP).new_page()
    host.goto(f"{server.url}/accounts/login/")
    host.fill("#id_username", "host")
    host.fill("#id_password", PASSWORD)
    host.click(".auth-card button[type=submit]")
    host.goto(f"{server.url}/arenas/new")
    host.select_option("#id_programme", index=1)
    host.fill("#id_title", "金湖路街道党支部书记擂台比武")
    host.fill("#id_host", street.code)
    host.fill("#id_venue", "金湖路街道会议室")
    host.fill(
        "#id_starts_at", (timezone.localtime() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    host.click("main form button[type=submit]")
    expect(host.locator("h1")).to_have_text("金湖路街道党支部书记擂台比武")
    arena = Arena.objects.get()
    for unit in branches:
        host.fill("#participant-form [name=unit]", unit.code)
        host.fill("#participant-form [name=presenter]", unit.secretary)
        host.click("#participant-form button[type=submit]")
        expect(host.locator("#participant-table")).to_contain_text(unit.name)
    for index, name in enumerate(["王建国", "李红", "赵敏", "孙立", "周洁"]):
        host.fill("#judge-form [name=name]", name)
        if index == 0:
            host.check("#judge-form [name=is_head]")
        if index == 4:  # works in the second presenter's branch: recused from it automatically
            host.fill("#judge-form [name=affiliation]", branches[1].code)
        host.click("#judge-form button[type=submit]")
        expect(host.locator("#judge-table")).to_contain_text(name)
    expect(host.locator("#recusal-table")).to_contain_text(branches[1].name)
    links = host.locator(".judge-link").all_inner_texts()
    assert len(links) == 5
    screenshot(host, path=str(shots / "setup-zh.png"), full_page=True)

    # The screens are up before the draw, as in a hall.
    url = f"{server.url}/arenas/{arena.pk}"
    screen = Watch(lan_browser.new_context(**PROJECTOR).new_page(), f"{url}/screen")
    public = Watch(lan_browser.new_context(**PHONE, locale="zh-CN").new_page(), f"{url}/live")

    # -- the draw ---------------------------------------------------------------------------
    host.click("#freeze-list")
    expect(host.locator("#commitment")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    host.fill("#public-contribution", "3 8 1 5")
    host.click("#do-draw")
    host.click("#reveal-seed")
    expect(host.locator("#verify-command")).to_contain_text("leitai draw verify --seed")
    # The hall follows the draw on the big screen, not on the host's set-up page.
    seed = host.locator("#seed").inner_text()
    expect(screen.page.locator("[data-field=draw-seed]")).to_have_text(seed)
    expect(screen.page.locator("[data-field=draw-public]")).to_have_text("3 8 1 5")
    # Scheduled an hour ahead: the host is warned and confirms going live early.
    expect(host.locator("#early-warning")).to_be_visible()
    host.once("dialog", lambda dialog: dialog.accept())
    host.click("#go-live")
    expect(screen.page.locator("[data-view=order]")).to_be_visible()
    expect(host).to_have_url(re.compile(rf"/arenas/{arena.pk}/console(#.*)?$"))
    expect(host.locator("#conn-state")).to_have_class(re.compile(r"\bgreen\b"))

    # -- the judges' phones (J5's on the venue's plain-HTTP address) -----------------------
    phones: dict[str, Page] = {}
    for code, link in zip(["J1", "J2", "J3", "J4", "J5"], links, strict=True):
        maker = lan_browser if code == "J5" else browser
        page = maker.new_context(**PHONE, locale="zh-CN").new_page()
        target = link.replace("127.0.0.1", LAN_HOST) if code == "J5" else link
        page.goto(target)
        expect(page.locator(".pill-ok")).to_be_visible()
        phones[code] = page
    assert phones["J5"].evaluate("window.isSecureContext") is False

    order = list(Participant.objects.filter(arena=arena).order_by("position"))
    by_unit = {p.unit_id: p for p in order}
    ordinary, recused_from, absent = (
        by_unit[branches[0].pk],
        by_unit[branches[1].pk],
        by_unit[branches[2].pk],
    )

    # -- the presenters, in drawn order -----------------------------------------------------
    # The host keeps the set-up page open in a second tab, for the judges' links.
    setup_tab = host.context.new_page()
    setup_tab.goto(f"{url}/")
    for participant in order:
        if participant.pk == recused_from.pk:
            # J4's phone is lost: a new link for a new phone; the lost one is signed out at once
            # and says why.
            lost = phones["J4"]
            judge_row(setup_tab, "J4").get_by_role("button", name="新链接").click()
            expect(setup_tab.locator(".alert-success")).to_be_visible()
            new_link = judge_row(setup_tab, "J4").locator(".judge-link").inner_text()
            assert new_link not in links
            expect(lost.locator("#app")).to_have_attribute("data-mode", "signed-out")
            expect(lost.locator("[data-field=signed-out-reason]")).to_have_text(
                "该评委链接已重新发放到另一部手机，在本机已失效。请向主办方索取您当前的链接。"
            )
            expect(lost.locator("#scoring form.sheet")).to_have_count(0)
            screenshot(lost, path=str(shots / "judge-lost-phone-signed-out-zh.png"), full_page=True)
            phones["J4"] = browser.new_context(**PHONE, locale="zh-CN").new_page()
            phones["J4"].goto(new_link)
            expect(phones["J4"].locator(".pill-ok")).to_be_visible()
            lost.context.close()
        expect(host.locator("#call-next")).to_be_enabled()
        called = time.monotonic()
        console_click(host, "call-next")
        expect(host.locator("#current-unit")).to_have_text(participant.unit.name)
        expect(screen.page.locator("[data-view=presenter] [data-field=unit]")).to_have_text(
            participant.unit.name
        )
        if participant.pk == absent.pk:
            host.once("dialog", lambda dialog: dialog.accept())
            console_click(host, "mark-absent")
            expect(host.locator("#current-status")).to_have_text("缺席")
            continue
        console_click(host, "timer-start")
        expect(screen.page.locator("#timer")).to_have_class(re.compile(r"\brunning\b"))
        console_click(host, "open-scoring")
        if participant.pk == ordinary.pk:
            for code, values in {
                "J1": ("26", "17", "21", "22"),
                "J2": ("27", "17", "21", "22"),
                "J3": ("28", "17", "21", "22"),
                "J4": ("25", "17", "21", "22"),
                "J5": ("29", "17", "21", "22"),
            }.items():
                score_on_phone(phones[code], values)
            expected = "87.00"  # totals 85..89, the highest and lowest dropped
        else:
            expect(phones["J5"].locator("[data-field=excluded]")).to_have_attribute(
                "data-status", "recused"
            )
            for code, values in {
                "J1": ("24", "16", "20", "20"),
                "J2": ("25", "16", "20", "20"),
                "J4": ("26", "16", "20", "20"),
            }.items():
                score_on_phone(phones[code], values)
            # J3's phone has failed: the host types in the signed paper sheet.
            host.select_option("#paper-judge", "J3")
            for key, value in zip(CRITERIA, ("23", "16", "20", "20"), strict=True):
                host.fill(f"#paper-{key}", value)
            host.once("dialog", lambda dialog: dialog.accept())
            host.click("#paper-form button[type=submit]")
            expect(host.locator("#console-error")).to_be_hidden()
            expected = "80.50"  # 4 judges (J5 recused): nothing dropped, mean of 79, 80, 81, 82
        expect(phones["J1"].locator("[data-field=pending-score]")).to_have_text(expected)
        phones["J1"].click("[data-action=confirm]")
        expect(host.locator("#show-result")).to_be_visible()
        before_show = time.monotonic()
        console_click(host, "show-result")
        result = screen.page.locator("[data-view=result]")
        expect(result.locator("[data-field=score]")).to_have_text(expected)
        expect(public.page.locator("[data-view=result] [data-field=score]")).to_have_text(expected)
        # From this presenter's call to the show, no frame to the screens carried a mark.
        early = [
            json.loads(text)
            for at, text in screen.frames + public.frames
            if called <= at < before_show
        ]
        assert early
        assert not any(carries_marks(frame.get("data")) for frame in early)
        screenshot(screen.page, path=str(shots / f"screen-result-{participant.position}.png"))

    # A correction: J2's sheet for a presenter already shown (not the last one called, who is
    # still on stage) is reopened and corrected.
    corrected = recused_from if recused_from.pk != order[-1].pk else ordinary
    # J2's total for the recused-from presenter 81 → 83: the mean of 79, 80, 82, 83; for the
    # ordinary one 87 → 89: 85 and 89 dropped, the mean of 86, 88, 89.
    achievements, corrected_score = (
        ("27", "81.00") if corrected == recused_from else ("29", "87.67")
    )
    host.select_option("#reopen-judge", "J2")
    host.select_option("#reopen-participant", str(corrected.pk))
    host.fill("#reopen-reason", "评委J2录入笔误")
    host.once("dialog", lambda dialog: dialog.accept())
    host.click("#reopen-form button[type=submit]")
    expect(phones["J2"].locator("[data-field=reopened]")).to_be_visible()
    # Its result leaves the hall's live ranking for now; the others close up, no hole.
    ranking = screen.page.locator("[data-field=ranking]")
    expect(ranking.locator(".rank-no")).to_have_text(["1"])
    phones["J2"].fill("#mark-achievements", achievements)
    phones["J2"].click("#review-btn")
    phones["J2"].click("#submit-btn")
    expect(phones["J1"].locator("[data-field=pending-score]")).to_have_text(corrected_score)
    phones["J1"].click("[data-action=confirm]")
    # The corrected result is shown again from its row in the console's order table; the
    # hall's live ranking ranks it again, without a hole.
    show_again = host.locator(
        f"#order-table tbody tr:nth-child({corrected.position}) button[data-action=show]"
    )
    expect(show_again).to_have_text("再次展示")
    screenshot(host, path=str(shots / "console-show-again-zh.png"), full_page=True)
    show_again.click()
    expect(show_again).to_have_count(0)
    expect(ranking.locator(".rank-no")).to_have_text(["1", "2"])
    expect(
        ranking.locator(f".rank-row[data-participant='{corrected.pk}'] .rank-score")
    ).to_have_text(corrected_score)
    # The hall sees the corrected card itself, labelled, until the host's next action.
    spotlight = screen.page.locator(f"[data-view=spotlight][data-participant='{corrected.pk}']")
    expect(spotlight.locator("[data-field=corrected]")).to_have_text("更正后成绩")
    expect(spotlight.locator("[data-field=score]")).to_have_text(corrected_score)
    screenshot(screen.page, path=str(shots / "screen-result-shown-again-zh.png"))

    host.once("dialog", lambda dialog: dialog.accept())
    console_click(host, "close-arena")
    expect(screen.page.locator("[data-view=closed] .rank-row")).to_have_count(2)
    expect(public.page.locator("[data-view=closed]")).to_be_visible()
    screenshot(screen.page, path=str(shots / "screen-final.png"))
    screenshot(public.page, path=str(shots / "public-final.png"), full_page=True)
    # The screens followed every step by push: no request after they loaded.
    assert screen.requests == []
    assert public.requests == []

    arena.refresh_from_db()
    assert arena.state == "closed"
    assert Sheet.objects.filter(participant=recused_from, source=SheetSource.PAPER).count() == 1
    assert Sheet.objects.filter(participant=corrected, judge__code="J2").count() == 2
    ranked = {p.unit_id: (p.rank, p.score) for p in arena.participants.all()}
    assert ranked[branches[0].pk][0] == 1
    assert f"{ranked[corrected.unit_id][1]:.2f}" == corrected_score
    assert ranked[branches[2].pk][0] is None
    host.goto(f"{url}/results")
    expect(host.locator("main")).to_contain_text("泰州路居民区党支部")
    screenshot(host, path=str(shots / "results-zh.png"), full_page=True)
    chain = f"arena:{arena.pk}"
    assert check_chain(chain, entries_of(chain)) == []

    # After the close, the set-up tab left open since the morning tries to make J2 head judge:
    # refused with the reason, nothing written, the page now shows its forms disabled.
    head = ChainHead.objects.get(chain=chain)
    judge_row(setup_tab, "J2").get_by_role("button", name="设为组长").click()
    expect(setup_tab.locator(".alert-error")).to_have_text(
        "本场擂台已结束：结果已最终确定并签字，不能再做任何修改。"
    )
    expect(setup_tab.locator("#arena-locked")).to_be_visible()
    expect(judge_row(setup_tab, "J2").locator("button").first).to_be_disabled()
    screenshot(setup_tab, path=str(shots / "setup-closed-edit-refused-zh.png"), full_page=True)
    assert ChainHead.objects.get(chain=chain).hash == head.hash
    assert Judge.objects.get(arena=arena, is_head=True).code == "J1"
    status, out = run_leitai("ledger", "verify", cwd=tmp_path, env=server.env)
    assert status == 0, out
    assert "ledger verify: all" in out

    # Anyone checks the draw with the public page's own files and the command it prints.
    checker = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
    checker.goto(f"{url}/public")
    for link in ("#draw-list-file", "#draw-order-file"):
        with checker.expect_download() as download:
            checker.click(link)
        download.value.save_as(tmp_path / download.value.suggested_filename)
    screenshot(checker, path=str(shots / "public-draw-check-zh.png"), full_page=True)
    command = shlex.split(checker.locator("#verify-command").inner_text())
    assert command[:3] == ["leitai", "draw", "verify"]
    status, out = run_leitai(*command[1:], cwd=tmp_path)
    assert status == 0, out
    assert "commitment: ok" in out.splitlines()
    assert "order: ok" in out.splitlines()
    checker.context.close()

    for context_page in [host, *phones.values(), screen.page, public.page]:
        context_page.context.close()
