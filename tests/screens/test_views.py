"""The public screens and the judge's phone as pages: who gets what, and in how many queries."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leitai.arenas.live import state as live_state
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import ParticipantStatus
from leitai.arenas.services import console, setup, sheets
from leitai.arenas.tokens import token_for
from leitai.arenas.views.judge import SESSION_JUDGE, SESSION_TOKEN
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current

pytestmark = pytest.mark.django_db


def embedded(page: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert match is not None, f"no json_script #{element_id}"
    return json.loads(match.group(1))


def signed_in_judge(client: Client, world: ArenaWorld, code: str = "J2") -> None:
    response = client.get(reverse("judge_landing", args=[world.tokens[code]]))
    assert response.status_code == 302


# -- the big screen and the public phone view ---------------------------------------------------


@pytest.mark.parametrize("name", ["arenas:screen", "arenas:live"])
def test_screen_pages_are_public_and_carry_the_state(client: Client, name: str) -> None:
    world = make_arena_world(participants=2, judges=3)
    response = client.get(reverse(name, args=[world.arena.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    state = embedded(page, "arena-state")
    config = embedded(page, "arena-config")
    assert state == {**ArenaSnapshot(world.arena.pk).screen(), "server_ms": state["server_ms"]}
    assert config["topic"] == f"arena:{world.arena.pk}:screen"
    assert "<svg" in page  # the QR code, inline
    assert "leitai/arena-screen.js" in page


@pytest.mark.parametrize("name", ["arenas:screen", "arenas:live"])
def test_screen_pages_answer_404_for_an_unknown_arena(client: Client, name: str) -> None:
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_screen_qr_code_points_at_the_public_view_on_the_public_url(
    client: Client, settings
) -> None:
    from leitai.arenas.views.screens import live_url

    settings.PUBLIC_URL = "http://192.168.10.5:8000"
    world = make_arena_world(participants=2, judges=1, go_live=False)
    assert live_url(world.arena.pk) == f"http://192.168.10.5:8000/arenas/{world.arena.pk}/live"


def test_screen_state_carries_no_mark_before_the_result_is_shown(client: Client) -> None:
    world = make_arena_world(participants=2, judges=3)
    arena = world.arena
    current = console.call_next(arena=arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    for code in ("J1", "J2", "J3"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("27.5"), key=code
        )
    sheets.confirm_result(participant_id=current.pk, judge=world.judge("J1"))
    page = client.get(reverse("arenas:screen", args=[arena.pk])).content.decode()
    state = embedded(page, "arena-state")
    assert state["current"]["result"] is None
    assert '"82.5"' not in json.dumps(state)  # each judge's total
    assert [j["status"] for j in state["current"]["judges"]] == ["submitted"] * 3
    console.show_result(arena=arena, participant_id=current.pk, by=world.host_user)
    shown = embedded(
        client.get(reverse("arenas:screen", args=[arena.pk])).content.decode(), "arena-state"
    )
    assert shown["current"]["result"]["score"] == "82.50"
    assert [m["total"] for m in shown["current"]["result"]["marks"]] == ["82.5"] * 3


def _screen_queries(world: ArenaWorld, client: Client) -> tuple[int, int, int]:
    """Each read as in a process that has not read the arena's judges yet (they are kept after,
    leitai.arenas.live.state.judges_of)."""
    live_state._judges.clear()
    with CaptureQueriesContext(connection) as state_queries:
        ArenaSnapshot(world.arena.pk).screen()
    pages = []
    for name in ("arenas:screen", "arenas:live"):
        live_state._judges.clear()
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse(name, args=[world.arena.pk])).status_code == 200
        pages.append(len(page_queries))
    return len(state_queries), pages[0], pages[1]


def test_screen_state_and_pages_take_the_same_queries_for_1_and_3_participants(
    client: Client,
) -> None:
    """1 and 3 participants with a shown result (sheets and marks to read), one more on stage."""
    counts = []
    for scored in (1, 3):
        world = make_arena_world(participants=scored + 1, judges=5)
        for _ in range(scored):
            score_current(world, {f"J{i}": marks("25") for i in range(1, 6)})
        console.call_next(
            arena=world.refresh(), expected_current=world.arena.current_id, by=world.host_user
        )
        counts.append(_screen_queries(world, client))
    assert counts[0] == counts[1]
    # The pages cost the state's queries and nothing more (5 today: arena, judges,
    # participants, sheets, recusals and absences in one).
    assert counts[0] == (counts[0][0],) * 3
    assert counts[0][0] <= 5


# -- the judge's link and page ----------------------------------------------------------------


def test_judge_link_signs_the_phone_in_and_sends_it_to_the_arena(client: Client) -> None:
    world = make_arena_world(participants=2, judges=3)
    judge = world.judge("J2")
    response = client.get(reverse("judge_landing", args=[world.tokens["J2"]]))
    assert response.status_code == 302
    assert response["Location"] == reverse("arenas:judge", args=[world.arena.pk])
    assert response["Referrer-Policy"] == "same-origin"
    assert client.session[SESSION_TOKEN] == world.tokens["J2"]
    assert client.session[SESSION_JUDGE] == judge.pk
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    config = embedded(page.content.decode(), "judge-config")
    assert config["token"] == world.tokens["J2"]
    assert config["topic"] == f"arena:{world.arena.pk}:judge:{judge.pk}"
    state = embedded(page.content.decode(), "judge-state")
    assert state["me"] == {"code": "J2", "name": judge.name, "head": False}
    assert [c["key"] for c in state["rubric"]] == ["achievements", "spirit", "ideas", "effects"]


def test_judge_page_lists_only_the_judges_own_marks(client: Client) -> None:
    world = make_arena_world(participants=2, judges=3)
    arena = world.arena
    current = console.call_next(arena=arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=current.pk, marks=marks("21.5"), key="a"
    )
    sheets.submit_sheet(
        judge=world.judge("J3"), participant_id=current.pk, marks=marks("29"), key="b"
    )
    signed_in_judge(client, world, "J2")
    page = client.get(reverse("arenas:judge", args=[arena.pk])).content.decode()
    state = embedded(page, "judge-state")
    assert state["current"]["my_sheet"]["marks"]["achievements"] == "21.5"
    assert [s["total"] for s in state["my_sheets"]] == ["76.5"]
    # J3's sheet (achievements 29, total 84) appears nowhere in J2's state.
    assert '"84"' not in json.dumps(state)
    assert state["current"]["my_sheet"]["total"] == "76.5"
    assert state["pending"] is None


@pytest.mark.parametrize("change", ["reissued", "revoked", "closed", "garbled"])
def test_judge_link_no_longer_valid_gets_a_friendly_403(client: Client, change: str) -> None:
    world = make_arena_world(participants=2, judges=1)
    token = world.tokens["J1"]
    judge = world.judge("J1")
    if change == "reissued":
        setup.reissue_link(judge=judge, by=world.host_user)
    elif change == "revoked":
        setup.revoke_link(judge=judge, by=world.host_user)
    elif change == "closed":
        score_current(world, {"J1": marks("20")})
        score_current(world, {"J1": marks("21")})
        console.close_arena(arena=world.refresh(), by=world.host_user)
    else:
        token = token[:-3] + "xyz"
    client.cookies["leitai_language"] = "en"
    response = client.get(reverse("judge_landing", args=[token]))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-field="signed-out"' in page
    reason = re.search(r'<p data-field="reason">(.*?)</p>', page, re.S)
    assert reason is not None
    assert {
        "reissued": "re-issued to another phone",
        "revoked": "The host revoked this judge link",
        "closed": "The arena has closed",
        "garbled": "This is not a valid judge link",
    }[change] in reason.group(1)
    assert SESSION_TOKEN not in client.session


def test_judge_page_without_a_session_gets_the_signed_out_page(client: Client) -> None:
    world = make_arena_world(participants=2, judges=2)
    response = client.get(reverse("arenas:judge", args=[world.arena.pk]))
    assert response.status_code == 403
    assert 'data-field="signed-out"' in response.content.decode()


def test_judge_page_of_another_arena_or_after_reissue_gets_the_signed_out_page(
    client: Client,
) -> None:
    world = make_arena_world(participants=2, judges=2)
    other = make_arena_world(participants=2, judges=1)
    signed_in_judge(client, world, "J2")
    assert client.get(reverse("arenas:judge", args=[other.arena.pk])).status_code == 403
    assert client.get(reverse("arenas:judge", args=[world.arena.pk])).status_code == 200
    setup.reissue_link(judge=world.judge("J2"), by=world.host_user)
    response = client.get(reverse("arenas:judge", args=[world.arena.pk]))
    assert response.status_code == 403
    assert 'data-field="reason"' in response.content.decode()


def test_judge_page_answers_404_for_an_unknown_arena(client: Client) -> None:
    assert client.get(reverse("arenas:judge", args=[999999])).status_code == 404


def test_head_judge_page_carries_the_result_to_confirm(client: Client) -> None:
    world = make_arena_world(participants=2, judges=2)
    arena = world.arena
    current = console.call_next(arena=arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    for code in ("J1", "J2"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("20"), key=code
        )
    signed_in_judge(client, world, "J1")
    state = embedded(
        client.get(reverse("arenas:judge", args=[arena.pk])).content.decode(), "judge-state"
    )
    assert state["pending"]["participant"]["id"] == current.pk
    assert state["pending"]["result"]["note"]["outcome"] == "too_few_judges"
    current.refresh_from_db()
    assert current.status == ParticipantStatus.SCORING


@pytest.mark.parametrize(
    ("totals", "outliers"),
    [
        # A 69 among 88–91: 20.5 below the others' mean, outside the corridor of 10.
        (
            ["28", "29", "30", "30", "9"],
            [
                {
                    "judge": "J5",
                    "total": "69",
                    "deviation": "-20.5",
                    "others_mean": "89.5",
                    "corridor": "10",
                }
            ],
        ),
        # 80 among 88–91: 9.5 below, within the corridor.
        (["28", "29", "30", "30", "20"], []),
    ],
)
def test_head_judge_state_marks_a_total_far_outside_the_others(
    totals: list[str], outliers: list[dict[str, str]]
) -> None:
    world = make_arena_world(participants=2, judges=5)
    arena = world.arena
    current = console.call_next(arena=arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    spirit = {"J4": "19"}  # totals 88, 89, 90, 91 and the last one
    for index, achievements in enumerate(totals):
        code = f"J{index + 1}"
        sheets.submit_sheet(
            judge=world.judge(code),
            participant_id=current.pk,
            marks=marks(achievements, spirit.get(code, "18"), "22", "20")
            if achievements != "9"
            else marks("27", "18", "4", "20"),
            key=code,
        )
    snapshot = ArenaSnapshot(arena.pk)
    assert snapshot.judge(world.judge("J1"))["pending"]["outliers"] == outliers


def test_a_refused_form_gets_leitais_page_in_the_users_language(client: Client) -> None:
    """A POST whose Origin is "null" (a no-referrer page) or has no CSRF token: Leitai's layout
    and words, never Django's CSRF debugging page."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["leitai_language"] = "en"
    response = strict.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/"}, HTTP_ORIGIN="null"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form was not accepted" in page
    assert "CSRF verification failed" not in page  # Django's own page
    assert 'data-status="403"' in page


def test_a_bad_request_gets_leitais_page_not_djangos() -> None:
    response = Client(HTTP_HOST="not-ours.example").get("/")  # DisallowedHost: 400
    assert response.status_code == 400
    assert 'data-status="400"' in response.content.decode()


def test_judge_page_in_english_uses_the_english_rubric(client: Client) -> None:
    world = make_arena_world(participants=2, judges=1)
    client.cookies["leitai_language"] = "en"
    signed_in_judge(client, world, "J1")
    page = client.get(reverse("arenas:judge", args=[world.arena.pk])).content.decode()
    assert '<html lang="en">' in page
    state = embedded(page, "judge-state")
    assert state["rubric"][0]["label"] == "Achievements"
    assert embedded(page, "judge-config")["language"] == "en"


def test_judge_token_is_only_in_the_judges_own_page(client: Client) -> None:
    world = make_arena_world(participants=2, judges=2)
    screen = client.get(reverse("arenas:screen", args=[world.arena.pk])).content.decode()
    assert token_for(world.judge("J1")) not in screen
    assert token_for(world.judge("J2")) not in screen


# -- late joiners of an arena's topics -------------------------------------------------------


@pytest.mark.parametrize("view", ["screen", "console", "judge:{judge}"])
def test_a_joiner_gets_the_last_frame_only_while_the_arena_has_not_changed(view: str) -> None:
    from leitai.live.hub import encode_frame
    from leitai.live.topics import resolve_topic

    world = make_arena_world(participants=2, judges=3)
    topic = f"arena:{world.arena.pk}:" + view.format(judge=world.judges[1].pk)
    spec, match = resolve_topic(topic)  # type: ignore[misc]
    assert spec.still_current is not None
    assert spec.snapshot is not None
    frame = encode_frame("message", topic, spec.snapshot(match))
    with CaptureQueriesContext(connection) as queries:
        assert spec.still_current(match, frame)
    assert len(queries) == 1

    console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    assert not spec.still_current(match, frame)  # a change since: build afresh
    assert not spec.still_current(match, "not json")
    assert not spec.still_current(match, encode_frame("message", topic, {"version": "1"}))
