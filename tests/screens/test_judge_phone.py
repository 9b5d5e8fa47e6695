"""A judge's phone in Chromium at 390×844 on a LAN-style plain-HTTP origin: the link, the marks,
the review, the locked sheet; the head judge's confirmation; a declared conflict; and a sheet
that survives a network that goes away or loses the server's answer."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from leitai.arenas.models import Participant, ParticipantStatus, Recusal, Sheet
from leitai.arenas.services import console, draw, setup
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import ArenaWorld, in_order, make_arena_world, marks
from tests.screens.hall import LAN_HOST, Hall, lan_url
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


def open_judge_phone(
    browser: Any, server: ServerProcess, world: ArenaWorld, code: str, language: str = "zh"
) -> Page:
    context = browser.new_context(**PHONE)
    if language == "en":
        context.add_cookies([{"name": "leitai_language", "value": "en", "url": lan_url(server)}])
    page = context.new_page()
    page.goto(f"{lan_url(server)}/j/{world.tokens[code]}")
    expect(page).to_have_url(re.compile(rf"/arenas/{world.arena.pk}/judge/$"))
    # Connected to the judge's own topic before the test acts.
    expect(page.locator(".pill-ok")).to_be_visible()
    return page


def sheets_of(world: ArenaWorld, code: str) -> list[Sheet]:
    return list(Sheet.objects.filter(judge__arena=world.arena, judge__code=code))


def fill_sheet(page: Page, values: dict[str, str]) -> None:
    for key, value in values.items():
        page.fill(f"#mark-{key}", value)


def test_judge_scores_from_the_link_to_a_locked_sheet_and_the_head_judge_confirms(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    world = make_arena_world(participants=3, judges=5, go_live=False)
    # Effects on a 0.1 grid with weight 3: in binary floating point 0.7 × 3 is
    # 2.0999999999999996; the phone's total must still read exactly what the server stores.
    rubric = [dict(c) for c in world.arena.rubric]
    rubric[3] = {**rubric[3], "maximum": "10", "step": "0.1", "weight": "3"}
    setup.update_rubric(arena=world.arena, by=world.host_user, rubric=rubric)
    draw.freeze_list(arena=world.arena, by=world.host_user)
    draw.draw(arena=world.arena, public="8 3 1", by=world.host_user)
    draw.reveal_seed(arena=world.arena, by=world.host_user)
    console.go_live(arena=world.arena, by=world.host_user)
    hall = Hall(server=lan_server, world=world)
    first, second = in_order(world)[:2]

    page = open_judge_phone(lan_browser, lan_server, world, "J2")
    # A venue's plain-HTTP address: not a secure context, so no crypto.randomUUID.
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("typeof crypto.randomUUID") == "undefined"
    expect(page.locator("[data-field=no-current]")).to_be_visible()
    screenshot(page, path=str(artefacts_dir / "judge-waiting-zh.png"), full_page=True)

    hall.next()
    expect(page.locator("#current [data-field=unit]")).to_have_text(first.unit.name)
    # Marks may be drafted during the presentation; sending waits for scoring to open.
    page.fill("#mark-achievements", "27.5")
    expect(page.locator("#review-btn")).to_be_disabled()
    hall.act("open", participant=first.pk)
    expect(page.locator("#review-btn")).to_be_enabled()
    expect(page.locator("#draft-hint")).to_be_hidden()

    # "−" from empty starts at the maximum; one more step down.
    page.click("[data-action=minus][data-key=spirit]")
    page.click("[data-action=minus][data-key=spirit]")
    expect(page.locator("#mark-spirit")).to_have_value("19.5")
    page.fill("#mark-ideas", "22。5")  # a Chinese keyboard's full stop
    page.fill("#mark-effects", "0.75")
    expect(page.locator("[data-error=effects]")).not_to_be_empty()
    page.fill("#mark-effects", "0.6")
    page.click("[data-action=plus][data-key=effects]")
    expect(page.locator("#mark-effects")).to_have_value("0.7")
    expect(page.locator("#mark-ideas")).to_have_value("22.5")  # written as people write it
    expect(page.locator("[data-error=effects]")).to_be_empty()
    expect(page.locator("#live-total")).to_have_text("71.6")
    assert page.locator("#mark-spirit").get_attribute("inputmode") == "decimal"
    for selector in (".step-btn", ".mark-input", "#review-btn"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None
        assert box["height"] >= 48, selector
    screenshot(page, path=str(artefacts_dir / "judge-form-zh.png"), full_page=True)

    page.click("#review-btn")
    expect(page.locator(".review [data-field=my-total]")).to_have_text("71.6")
    screenshot(page, path=str(artefacts_dir / "judge-review-zh.png"), full_page=True)
    page.click("#submit-btn")
    expect(page.locator("[data-field=locked] [data-field=my-total]")).to_have_text("71.6")
    expect(page.locator("#app")).to_have_attribute("data-mode", "locked")
    (sheet,) = sheets_of(world, "J2")
    assert sheet.total == Decimal("71.6")
    assert {m.criterion: m.value for m in sheet.marks.all()} == {
        "achievements": Decimal("27.5"),
        "spirit": Decimal("19.5"),
        "ideas": Decimal("22.5"),
        "effects": Decimal("0.7"),
    }
    expect(page.locator(".history-total")).to_have_text(["71.6"])
    screenshot(page, path=str(artefacts_dir / "judge-locked-zh.png"), full_page=True)

    # The host reopens the sheet for a correction: the phone starts from what it sent.
    hall.reopen("J2", first.pk, "评委要求更正比成绩")
    expect(page.locator("[data-field=reopened]")).to_be_visible()
    expect(page.locator("[data-field=reopened-reason]")).to_have_text(
        "主办方说明的原因：评委要求更正比成绩"
    )
    expect(page.locator("#mark-spirit")).to_have_value("19.5")
    page.fill("#mark-achievements", "28")
    expect(page.locator("#live-total")).to_have_text("72.1")
    screenshot(page, path=str(artefacts_dir / "judge-reopened-zh.png"))
    page.click("#review-btn")
    page.click("#submit-btn")
    expect(page.locator("[data-field=locked] [data-field=my-total]")).to_have_text("72.1")
    expect(page.locator("#app")).to_have_attribute("data-mode", "locked")
    assert [(s.total, s.active) for s in sheets_of(world, "J2")] == [
        (Decimal("71.6"), False),
        (Decimal("72.1"), True),
    ]

    # The head judge's phone: once every sheet is in, the result to confirm.
    head = open_judge_phone(lan_browser, lan_server, world, "J1")
    for code in ("J1", "J3", "J4", "J5"):
        hall.sheet(code, first.pk, {**marks("25"), "effects": "5"})
    expect(head.locator("[data-field=pending]")).to_be_visible()
    # Totals 75 × 4 and 72.1: 72.1 and one 75 dropped, the mean of three 75s.
    expect(head.locator("[data-field=pending-score]")).to_have_text("75.00")
    expect(head.locator(".totals-table tr.dropped")).to_have_count(2)
    screenshot(head, path=str(artefacts_dir / "judge-head-confirm-zh.png"), full_page=True)
    head.click("[data-action=confirm]")
    expect(head.locator("[data-field=pending]")).to_have_count(0)
    first.refresh_from_db()
    assert first.status == ParticipantStatus.CONFIRMED
    hall.act("show", participant=first.pk)
    expect(page.locator("[data-field=result-score]")).to_have_text("75.00")

    # The next presenter: J2 declares a conflict and stands aside.
    hall.next()
    expect(page.locator("#current [data-field=unit]")).to_have_text(second.unit.name)
    page.click("[data-action=declare-open]")
    page.click("[data-action=declare-send]")
    expect(page.locator("#declare-error")).not_to_be_empty()  # a reason is required
    page.fill("#declare-reason", "本人曾在该支部工作")
    page.click("[data-action=declare-send]")
    expect(page.locator("[data-field=excluded]")).to_have_attribute("data-status", "recused")
    expect(page.locator("[data-field=reason]")).to_contain_text("本人曾在该支部工作")
    recusal = Recusal.objects.get(judge__code="J2", judge__arena=world.arena, participant=second)
    assert (recusal.source, recusal.reason) == ("declared", "本人曾在该支部工作")
    screenshot(page, path=str(artefacts_dir / "judge-recused-zh.png"), full_page=True)

    # The same phone in English: labels from the rubric's English names.
    page.context.add_cookies(
        [{"name": "leitai_language", "value": "en", "url": lan_url(lan_server)}]
    )
    hall.act("absent", participant=second.pk)
    third = in_order(world)[2]
    hall.next()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#current [data-field=unit]")).to_have_text(third.unit.name)
    expect(page.locator(".criterion-label").first).to_have_text("Achievements")
    screenshot(page, path=str(artefacts_dir / "judge-form-en.png"), full_page=True)
    page.locator(".history-list summary").first.click()
    expect(page.locator(".history-list dt").first).to_have_text("Achievements")

    # A link that no longer works: a friendly page, in either language.
    for phone, language in ((page, "en"), (head, "zh")):
        response = phone.goto(f"{lan_url(lan_server)}/j/{world.judge('J3').pk}-9-0000")
        assert response is not None
        assert response.status == 403
        expect(phone.locator("[data-field=signed-out]")).to_be_visible()
        screenshot(phone, path=str(artefacts_dir / f"judge-signed-out-{language}.png"))


def start_scoring(world: ArenaWorld, hall: Hall) -> Participant:
    first = in_order(world)[0]
    hall.next()
    hall.act("open", participant=first.pk)
    return first


def test_sheets_survive_a_network_that_goes_away_or_loses_the_answer(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    """Three phones of one panel on one server (one server start instead of three): J3 goes
    offline, J2's first answer is lost, J1 holds a key already used with other marks, J4's link
    is revoked while the page is open."""
    world = make_arena_world(participants=2, judges=4)
    hall = Hall(server=lan_server, world=world)
    phones = {
        code: open_judge_phone(lan_browser, lan_server, world, code)
        for code in ("J1", "J2", "J3", "J4")
    }
    first = start_scoring(world, hall)
    for phone in phones.values():
        expect(phone.locator("#review-btn")).to_be_enabled()

    # -- J3: offline when submitting; the sheet waits on the phone and arrives once.
    page = phones["J3"]
    fill_sheet(page, marks("28", "18.5", "21", "22.5"))
    page.click("#review-btn")
    page.context.set_offline(True)
    page.click("#submit-btn")
    expect(page.locator("[data-field=outbox]")).to_be_visible()
    expect(page.locator("#app")).to_have_attribute("data-mode", "queued")
    # Waiting, not "submitted": nothing has reached the server.
    expect(page.locator("[data-field=waiting] [data-field=my-total]")).to_have_text("90")
    expect(page.locator("[data-field=locked]")).to_have_count(0)
    page.wait_for_timeout(1500)  # at least one automatic retry fails while offline
    assert sheets_of(world, "J3") == []
    outbox = f"leitai.judge.{world.judge('J3').pk}.outbox"
    queued = json.loads(page.evaluate(f"localStorage.getItem('{outbox}')"))
    assert [entry["marks"] for entry in queued] == [marks("28", "18.5", "21", "22.5")]
    screenshot(page, path=str(artefacts_dir / "judge-offline-queued-zh.png"), full_page=True)
    page.context.set_offline(False)
    expect(page.locator("[data-field=outbox]")).to_have_count(0)
    expect(page.locator("#app")).to_have_attribute("data-mode", re.compile("locked|delivered"))
    (sheet,) = sheets_of(world, "J3")
    assert (sheet.participant_id, sheet.total, sheet.idempotency_key) == (
        first.pk,
        Decimal("90"),
        queued[0]["key"],
    )
    assert json.loads(page.evaluate(f"localStorage.getItem('{outbox}')")) == []

    # -- J2: the server stores the sheet but the answer is lost; the phone resends, stored once.
    page = phones["J2"]
    sent: list[dict[str, Any]] = []
    first_status: list[int] = []
    later_status: list[int] = []

    def lose_the_first_answer(route: Route) -> None:
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            # Playwright sends it on (from outside Chromium, hence the loopback address); the
            # server commits; the phone sees the connection reset.
            response = route.fetch(url=route.request.url.replace(LAN_HOST, "127.0.0.1"))
            first_status.append(response.status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/judge/sheets", lose_the_first_answer)
    page.on(
        "response",
        lambda r: later_status.append(r.status) if r.url.endswith("/api/judge/sheets") else None,
    )
    fill_sheet(page, marks("24", "16", "20", "20"))
    page.click("#review-btn")
    page.click("#submit-btn")
    expect(page.locator("[data-field=outbox]")).to_have_count(0)
    expect(page.locator("#app")).to_have_attribute("data-mode", "locked")
    assert len(sent) == 2
    assert sent[0] == sent[1]  # the same key and marks, resent
    assert first_status == [201]
    assert later_status == [200]  # the server's answer to a repeat: the stored sheet
    assert [s.total for s in sheets_of(world, "J2")] == [Decimal("80")]

    # -- J1: the key was already used with other marks (another tab, a restored outbox):
    # refused, and shown as such; the stored sheet stands.
    page = phones["J1"]
    stored = hall.judge(
        "J1", "sheets", {"participant": first.pk, "marks": marks("20"), "key": "ph-shared"}
    )
    assert stored.status == 201
    entry = {
        "participant": first.pk,
        "unit": first.unit.name,
        "position": first.position,
        "marks": marks("29"),
        "total": "84",
        "key": "ph-shared",
        "queuedAt": 0,
    }
    page.evaluate(
        "([name, entry]) => localStorage.setItem(name, JSON.stringify([entry]))",
        [f"leitai.judge.{world.judge('J1').pk}.outbox", entry],
    )
    page.reload()
    refused = page.locator("[data-field=rejected]")
    expect(refused).to_have_attribute("data-code", "key_reused")
    expect(refused.locator("[data-field=my-total]")).to_have_text("84")
    expect(page.locator("#app")).to_have_attribute("data-mode", "locked")
    expect(page.locator("[data-field=locked] [data-field=my-total]")).to_have_text("75")
    screenshot(page, path=str(artefacts_dir / "judge-key-reused-zh.png"), full_page=True)
    assert [s.total for s in sheets_of(world, "J1")] == [Decimal("75")]

    # -- J4: a sheet waits on the phone (the venue's network drops it) when the host revokes
    # the link: the phone is signed out at once, with the reason; the sheet stays on the phone
    # (for the host's paper entry) and is never sent.
    page = phones["J4"]
    block_sheets(page)
    submit_on_phone(page, marks("25", "17", "20", "21"))
    expect(page.locator("[data-field=waiting]")).to_be_visible()
    hall.judge_link("revoke", "J4")
    expect(page.locator("[data-field=signed-out]")).to_contain_text("主办方已收回该评委链接")
    expect(page.locator("[data-field=outbox]")).to_have_attribute("data-state", "refused")
    expect(page.locator("[data-field=outbox] [data-field=my-total]")).to_have_text("83")
    expect(page.locator("#scoring form.sheet")).to_have_count(0)
    page.unroute("**/api/judge/sheets")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    screenshot(page, path=str(artefacts_dir / "judge-link-revoked-zh.png"), full_page=True)
    assert sheets_of(world, "J4") == []
    assert LedgerEntry.objects.filter(chain=f"arena:{world.arena.pk}", kind="sheet").count() == 3


def record_frames(page: Page) -> list[str]:
    """Every WebSocket frame the page receives from the server, as it arrives."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    return frames


def test_a_new_link_or_revoking_signs_the_old_phone_out_at_once(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    """The host presses "New link" for J2 (a lost phone) and "Revoke" for J3 while both phones
    show the scoring form: each old phone is closed at once, says why in its language, shows no
    form, and never receives another frame; J2's new link works on a new phone."""
    world = make_arena_world(participants=2, judges=4)
    hall = Hall(server=lan_server, world=world)
    old_links = dict(world.tokens)
    phones: dict[str, Page] = {}
    frames: dict[str, list[str]] = {}
    for code, language in (("J2", "zh"), ("J3", "en")):
        context = lan_browser.new_context(**PHONE)
        if language == "en":
            context.add_cookies(
                [{"name": "leitai_language", "value": "en", "url": lan_url(lan_server)}]
            )
        page = context.new_page()
        frames[code] = record_frames(page)
        page.goto(f"{lan_url(lan_server)}/j/{world.tokens[code]}")
        expect(page.locator(".pill-ok")).to_be_visible()
        phones[code] = page
    first = start_scoring(world, hall)
    for page in phones.values():
        expect(page.locator("#review-btn")).to_be_enabled()

    hall.judge_link("reissue", "J2")
    hall.judge_link("revoke", "J3")
    reasons = {
        "J2": "该评委链接已重新发放到另一部手机，在本机已失效。请向主办方索取您当前的链接。",
        "J3": "The host revoked this judge link. Ask the host.",
    }
    for code, page in phones.items():
        expect(page.locator("[data-field=signed-out-reason]")).to_have_text(reasons[code])
        expect(page.locator("#scoring form.sheet")).to_have_count(0)
        expect(page.locator("#current [data-field=unit]")).to_have_count(0)
        expect(page.locator("#app")).to_have_attribute("data-mode", "signed-out")
    screenshot(phones["J2"], path=str(artefacts_dir / "judge-link-reissued-zh.png"), full_page=True)
    screenshot(phones["J3"], path=str(artefacts_dir / "judge-link-revoked-en.png"), full_page=True)
    seen = {code: len(received) for code, received in frames.items()}

    # The arena goes on: sheets, scoring closed, the result confirmed.
    new_phone = open_judge_phone(lan_browser, lan_server, world, "J2")
    submit_on_phone(new_phone, marks("26"))
    expect(new_phone.locator("[data-state=received]")).to_be_visible()
    hall.sheet("J1", first.pk, marks("27"))
    hall.sheet("J4", first.pk, marks("25"))
    hall.act("close", participant=first.pk, reason="评委链接已收回")
    hall.act("confirm", participant=first.pk)
    expect(new_phone.locator("#current [data-field=phase]")).to_have_text("结果已确认")
    assert {code: len(received) for code, received in frames.items()} == seen
    # Opening the old link again: refused, with the reason, in the page's language.
    response = phones["J2"].goto(f"{lan_url(lan_server)}/j/{old_links['J2']}")
    assert response is not None
    assert response.status == 403
    expect(phones["J2"].locator("[data-field=reason]")).to_have_text(reasons["J2"])


def submit_on_phone(page: Page, values: dict[str, str]) -> None:
    fill_sheet(page, values)
    page.click("#review-btn")
    page.click("#submit-btn")


def expect_sheet_state(page: Page, card: Any, state: str, heading: str, shot: Path) -> None:
    """The sheet's card is in `state`, under its heading; the phone is photographed so."""
    expect(card).to_have_attribute("data-state", state)
    expect(card.locator(".state-head")).to_have_text(re.compile(re.escape(heading)))
    screenshot(page, path=str(shot), full_page=True)


def block_sheets(page: Page) -> None:
    """The venue's network loses every sheet the phone sends (the live socket stays up)."""
    page.route("**/api/judge/sheets", lambda route: route.abort("internetdisconnected"))


def test_a_sheet_says_whether_it_waits_was_received_or_was_refused(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    """Waiting to send (with the count), received (only after the server's answer), refused
    (with the reason and what to do): three states a judge tells apart at a glance, in Chinese
    (J1) and English (J2)."""
    world = make_arena_world(participants=2, judges=3)
    hall = Hall(server=lan_server, world=world)
    phones = {
        "zh": open_judge_phone(lan_browser, lan_server, world, "J1"),
        "en": open_judge_phone(lan_browser, lan_server, world, "J2", language="en"),
    }
    words = {
        "zh": {
            "waiting": "尚未送达：等待发送",
            "count": "1 份评分表待发送",
            "received": "服务器已收到，已锁定",
            "refused": "评分表未被接受",
            "reason": "该单位的评分尚未开启。",
        },
        "en": {
            "waiting": "Not sent yet: waiting to send",
            "count": "1 sheet waiting to be sent",
            "received": "Received by the server and locked",
            "refused": "Your sheet was not accepted",
            "reason": "Scoring is not open for this participant.",
        },
    }
    first = start_scoring(world, hall)
    for language, page in phones.items():
        block_sheets(page)
        submit_on_phone(page, marks("28", "18.5", "21", "22.5"))
        expect(page.locator("[data-field=queued-count]")).to_have_text(words[language]["count"])
        expect(page.locator("[data-state=received]")).to_have_count(0)
        expect(page.locator("body")).not_to_contain_text(words[language]["received"])
        expect_sheet_state(
            page,
            page.locator("[data-field=waiting]"),
            "waiting",
            words[language]["waiting"],
            artefacts_dir / f"judge-sheet-waiting-{language}.png",
        )
    assert Sheet.objects.filter(participant=first).count() == 0

    # Scoring closes before the sheets arrive: the server refuses them when they do.
    hall.sheet("J3", first.pk, marks("20"))
    hall.act("close", participant=first.pk, reason="网络故障")
    for language, page in phones.items():
        page.unroute("**/api/judge/sheets")
        # The network is back (the phone may also have retried by itself meanwhile).
        page.evaluate("window.dispatchEvent(new Event('online'))")
        refused = page.locator("#scoring [data-field=rejected]")
        expect(refused.locator("[data-field=refused-reason]")).to_have_text(
            words[language]["reason"]
        )
        expect(refused.locator(".what-to-do")).not_to_be_empty()
        expect(refused.locator("[data-field=my-total]")).to_have_text("90")
        expect(page.locator("[data-field=outbox]")).to_have_count(0)
        expect(page.locator("body")).not_to_contain_text(words[language]["received"])
        expect_sheet_state(
            page,
            refused,
            "refused",
            words[language]["refused"],
            artefacts_dir / f"judge-sheet-refused-{language}.png",
        )

    # The next presenter: a sheet the server acknowledges is received, and only then.
    hall.act("confirm", participant=first.pk)
    hall.act("show", participant=first.pk)
    hall.next()
    second = in_order(world)[1]
    hall.act("open", participant=second.pk)
    for language, page in phones.items():
        expect(page.locator("#review-btn")).to_be_enabled()
        submit_on_phone(page, marks("25"))
        expect_sheet_state(
            page,
            page.locator("[data-field=locked]"),
            "received",
            words[language]["received"],
            artefacts_dir / f"judge-sheet-received-{language}.png",
        )
    assert Sheet.objects.filter(participant=second).count() == 2


def test_the_language_switch_works_signed_in_and_signed_out(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    world = make_arena_world(participants=2, judges=2)
    page = open_judge_phone(lan_browser, lan_server, world, "J1")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.click(".lang button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/arenas/{world.arena.pk}/judge/$"))
    expect(page.locator(".pill-ok")).to_have_text("Connected")
    page.click(".lang button[value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".pill-ok")).to_have_text("已连接")

    # The signed-out page (a link that no longer works) switches too, and stays.
    bad_link = f"{lan_url(lan_server)}/j/{world.judge('J1').pk}-9-0000"
    page.goto(bad_link)
    expect(page.locator("[data-field=signed-out]")).to_be_visible()
    page.click(".lang button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-field=signed-out] h1")).to_have_text(
        "This judge link is no longer valid"
    )
    assert page.url == bad_link
    screenshot(page, path=str(artefacts_dir / "judge-signed-out-switched-en.png"))
    page.click(".lang button[value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("[data-field=signed-out]")).to_be_visible()


def test_the_head_judge_sees_a_likely_slip_before_confirming(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    world = make_arena_world(participants=2, judges=5)
    hall = Hall(server=lan_server, world=world)
    head = open_judge_phone(lan_browser, lan_server, world, "J1")
    first = start_scoring(world, hall)
    # Totals 88, 89, 90, 91 and a 69: J5 typed 4 for 24 in "ideas".
    for code, (achievements, spirit) in {
        "J1": ("28", "18"),
        "J2": ("29", "18"),
        "J3": ("30", "18"),
        "J4": ("30", "19"),
    }.items():
        hall.sheet(code, first.pk, marks(achievements, spirit, "22", "20"))
    hall.sheet("J5", first.pk, marks("27", "18", "4", "20"))
    card = head.locator("[data-field=pending]")
    expect(card).to_be_visible()
    expect(card.locator("tr.outlier")).to_have_count(1)
    expect(card.locator("tr.outlier")).to_have_attribute("data-judge", "J5")
    expect(card.locator("[data-field=outlier]")).to_have_text(
        "⚠ J5 的总分 69 比其他评委的平均分 89.5 低 20.5（超过 10），可能有误。"
        "请先与该评委核对，再确认结果。"
    )
    screenshot(head, path=str(artefacts_dir / "judge-head-slip-zh.png"), full_page=True)
    head.context.add_cookies(
        [{"name": "leitai_language", "value": "en", "url": lan_url(lan_server)}]
    )
    head.reload()
    expect(head.locator("[data-field=outlier]")).to_contain_text(
        "J5's total 69 is 20.5 below the other judges' mean 89.5 (more than 10)"
    )
    screenshot(head, path=str(artefacts_dir / "judge-head-slip-en.png"), full_page=True)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_new_link_closes_the_old_phones_socket_on_every_server(
    server_factory: Any,
) -> None:
    """Two server processes bridged by Redis: the host re-issues J2's link on one; the old
    phone's sockets on both are closed with the reason, and the new link connects."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    channel = {"LEITAI_LIVE_REDIS_CHANNEL": f"leitai:live:test:{uuid.uuid4().hex[:12]}"}
    a, b = server_factory(env=channel), server_factory(env=channel)
    world = make_arena_world(participants=2, judges=3)
    hall = Hall(server=a, world=world)
    judge = world.judge("J2")
    topic = f"arena:{world.arena.pk}:judge:{judge.pk}"
    old = world.tokens["J2"]
    with (
        connect(f"{a.ws_url}/ws/live/{topic}?token={old}") as on_a,
        connect(f"{b.ws_url}/ws/live/{topic}?token={old}") as on_b,
    ):
        for ws in (on_a, on_b):
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        hall.judge_link("reissue", "J2")
        for ws in (on_a, on_b):
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=10)  # the close, not the new state
            assert (ws.close_code, ws.close_reason) == (4401, "link_reissued")
    with connect(f"{b.ws_url}/ws/live/{topic}?token={world.tokens['J2']}") as ws:
        assert json.loads(ws.recv(timeout=10))["data"]["me"]["code"] == "J2"


def test_a_sheet_for_a_participant_not_in_the_arena_is_refused_once_not_resent(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    """A sheet waiting on the phone for an id the server does not know in this arena (a restored
    database, another arena's participant): the API answers 404, and the phone shows it as
    refused, with the reason, instead of resending it for ever."""
    world = make_arena_world(participants=2, judges=3)
    theirs = in_order(make_arena_world(participants=2, judges=3))[0]
    hall = Hall(server=lan_server, world=world)
    start_scoring(world, hall)
    page = open_judge_phone(lan_browser, lan_server, world, "J1")
    judge = world.judge("J1").pk
    entry = {
        "participant": theirs.pk,
        "unit": theirs.unit.name,
        "position": 1,
        "marks": marks("20"),
        "total": "80",
        "key": "foreign-1",
        "queuedAt": 0,
    }
    page.evaluate(
        "([name, outbox]) => localStorage.setItem(name, JSON.stringify(outbox))",
        [f"leitai.judge.{judge}.outbox", [entry]],
    )
    posts: list[int] = []
    page.on(
        "response",
        lambda r: posts.append(r.status) if r.url.endswith("/api/judge/sheets") else None,
    )
    page.reload()
    refused = page.locator("#outbox [data-field=rejected]")
    expect(refused).to_have_attribute("data-code", "not_found")
    expect(refused.locator("[data-field=refused-reason]")).to_have_text("本场比武没有该参赛单位。")
    expect(refused.locator("[data-field=my-total]")).to_have_text("80")
    expect(page.locator("[data-field=queued-count]")).to_have_count(0)
    screenshot(page, path=str(artefacts_dir / "judge-sheet-not-in-arena-zh.png"), full_page=True)
    # The first retry would come after about a second: none comes.
    page.wait_for_timeout(2500)
    assert posts == [404]
    assert page.evaluate(f"localStorage.getItem('leitai.judge.{judge}.outbox')") == "[]"
    assert not Sheet.objects.filter(idempotency_key="foreign-1").exists()


def test_a_conflict_declared_after_the_sheet_is_shown_as_sent_to_the_host(
    lan_server: ServerProcess,
    lan_browser: Any,
    artefacts_dir: Path,
) -> None:
    """The API answers 202: the phone says the declaration went to the host for a decision, as
    news rather than an error, and says so again after a reload; the sheet stays received."""
    from leitai.arenas.models import ConflictDeclaration, DeclarationState

    world = make_arena_world(participants=2, judges=3)
    hall = Hall(server=lan_server, world=world)
    first = start_scoring(world, hall)
    words = {
        "zh": ("J1", "回避申请已报主办方决定", "服务器已收到，已锁定"),
        "en": ("J2", "Sent to the host for a decision", "Received by the server and locked"),
    }
    for language, (code, notice_text, received) in words.items():
        page = open_judge_phone(lan_browser, lan_server, world, code, language=language)
        submit_on_phone(page, marks("28", "18.5", "21", "22.5"))
        expect(page.locator("[data-field=locked]")).to_have_attribute("data-state", "received")
        page.click("[data-action=declare-open]")
        page.fill("#declare-reason", "本人曾在该支部工作")
        page.click("[data-action=declare-send]")
        notice = page.locator("[data-field=declaration-pending]")
        expect(notice).to_contain_text(notice_text)
        expect(page.locator("#declare-error")).to_have_count(0)
        expect(page.locator(".alert-bad")).to_have_count(0)
        expect(page.locator("[data-field=locked] .state-head")).to_contain_text(received)
        screenshot(
            page,
            path=str(artefacts_dir / f"judge-declaration-pending-{language}.png"),
            full_page=True,
        )
        page.reload()
        expect(page.locator("[data-field=declaration-pending]")).to_contain_text(notice_text)
        expect(page.locator("[data-action=declare-open]")).to_have_count(0)
        page.context.close()
    pending = ConflictDeclaration.objects.filter(participant=first, state=DeclarationState.PENDING)
    assert sorted(d.judge.code for d in pending) == ["J1", "J2"]
    assert Sheet.objects.filter(participant=first, active=True).count() == 2
