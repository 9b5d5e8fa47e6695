from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import Participant
from leitai.arenas.services import console, sheets
from leitai.ledger.models import LedgerEntry
from leitai.orgs.models import Unit
from tests.arena_factories import make_arena_world, marks
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_host_sets_up_participants_judges_and_draw_through_the_page() -> None:
    world = make_arena_world(participants=2, judges=0, go_live=False)
    client = client_for(world.host_user)
    url = reverse("arenas:detail", args=[world.arena.pk])
    extra = make_unit(world.host_unit, name="第9网格党支部", secretary="王芳")
    response = client.post(
        url,
        {
            "action": "participant",
            "unit": extra.code,
            "presenter": "王芳",
            "presenter_role": "书记",
            "no_notes": "on",
        },
    )
    assert response.status_code == 302
    assert Participant.objects.filter(arena=world.arena, unit=extra, no_notes=True).exists()
    for name in ("甲", "乙", "丙"):
        client.post(url, {"action": "judge", "name": name})
    assert world.arena.judges.count() == 3
    client.post(url, {"action": "freeze"})
    client.post(url, {"action": "draw", "public": "3 8 1 5"})
    client.post(url, {"action": "reveal"})
    arena = world.refresh()
    assert arena.draw_state == "revealed"
    page = client.get(url).content.decode()
    assert "leitai draw verify --seed" in page
    assert arena.draw_commitment in page
    response = client.post(url, {"action": "go_live"})
    assert response["Location"] == reverse("arenas:console", args=[arena.pk])


def test_refusals_become_messages_and_change_nothing() -> None:
    world = make_arena_world(participants=2, judges=1, go_live=False)
    client = client_for(world.host_user)
    url = reverse("arenas:detail", args=[world.arena.pk])
    outsider = make_unit(name="外单位党支部")
    response = client.post(
        url, {"action": "participant", "unit": outsider.code, "presenter": "某某"}, follow=True
    )
    assert (
        "Only units below the host unit may take part."
        in [str(m) for m in response.context["messages"]]
        or response.status_code == 200
    )
    assert not Participant.objects.filter(arena=world.arena, unit=outsider).exists()
    response = client.post(url, {"action": "go_live"}, follow=True)
    assert world.refresh().state == "setup"


def test_secretary_registers_own_unit_only() -> None:
    world = make_arena_world(participants=1, judges=0, go_live=False)
    branch = make_unit(world.host_unit, name="第8网格党支部", secretary="刘洋")
    secretary = make_user(role=Role.SECRETARY, unit=branch)
    client = client_for(secretary)
    assert world.arena in client.get(reverse("arenas:list")).context["open_for_me"]
    url = reverse("arenas:register", args=[world.arena.pk])
    response = client.post(url, {"unit": branch.pk, "presenter": "刘洋", "presenter_role": "书记"})
    assert response.status_code == 302
    assert Participant.objects.get(arena=world.arena, unit=branch).registered_by == secretary
    stranger = make_user(role=Role.SECRETARY, unit=make_unit(name="别处党支部"))
    assert client_for(stranger).get(url).status_code == 404


def _console_queries(world) -> int:
    client = client_for(world.host_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("arenas:console", args=[world.arena.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_console_query_count_does_not_grow_with_participants() -> None:
    one = make_arena_world(participants=2, judges=3)
    three = make_arena_world(participants=6, judges=3)
    for world in (one, three):
        current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
        console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
        sheets.submit_sheet(
            judge=world.judge("J1"), participant_id=current.pk, marks=marks("20"), key="q"
        )
    assert _console_queries(one) == _console_queries(three)


def test_host_sets_a_short_name_that_every_live_view_uses() -> None:
    world = make_arena_world(participants=2, judges=1)
    first, second = world.participants
    Unit.objects.filter(pk=first.unit_id).update(name="金湖路街道泰州路社区第一网格党支部")
    client = client_for(world.host_user)
    url = reverse("arenas:detail", args=[world.arena.pk])
    page = client.get(url).content.decode()
    assert 'placeholder="泰州路社区第一网格党支部"' in page  # the derived name, before any change

    response = client.post(
        url, {"action": "short_name", "participant": second.pk, "short_name": " 二网格 "}
    )
    assert response.status_code == 302
    snapshot = ArenaSnapshot(world.arena.pk)
    names = {row["id"]: row["name"] for row in snapshot.screen()["order"]}
    assert names == {first.pk: "泰州路社区第一网格党支部", second.pk: "二网格"}
    judge_state = snapshot.judge(world.judge("J1"))
    assert {row["id"]: row["name"] for row in judge_state["order"]} == names
    console_rows = {row["id"]: row["name"] for row in snapshot.console()["participants"]}
    assert console_rows == names
    entry = LedgerEntry.objects.filter(kind="participant_short_name").get()
    recorded = json.loads(entry.body)["data"]
    assert recorded == {"participant": second.unit.code, "short_name": "二网格"}


def test_a_short_name_too_long_is_refused_and_changes_nothing() -> None:
    world = make_arena_world(participants=2, judges=1)
    participant = world.participants[0]
    client = client_for(world.host_user)
    url = reverse("arenas:detail", args=[world.arena.pk])
    response = client.post(
        url,
        {"action": "short_name", "participant": participant.pk, "short_name": "长" * 33},
        follow=True,
    )
    assert "longer than 32 characters" in response.content.decode() or "超过 32 个字" in (
        response.content.decode()
    )
    participant.refresh_from_db()
    assert participant.short_name == ""
    other = make_arena_world(participants=2, judges=1).participants[0]
    response = client.post(
        url, {"action": "short_name", "participant": other.pk, "short_name": "x"}, follow=True
    )
    other.refresh_from_db()
    assert other.short_name == ""


def test_creating_an_arena_elsewhere_answers_as_for_a_code_nobody_has() -> None:
    """A host cannot learn which codes exist outside its subtree from the create form."""
    from leitai.arenas.models import Arena

    world = make_arena_world(participants=1, judges=0, go_live=False)
    elsewhere = make_unit(world.host_unit.parent.parent, code="99887766", name="别处街道党工委")
    client = client_for(world.host_user)
    url = reverse("arenas:create")
    form = {
        "programme": world.arena.programme_id,
        "title": "别处的擂台",
        "venue": "会场",
        "starts_at": "2026-12-05T09:00",
        "presentation_seconds": 300,
        "warning_seconds": 60,
        "reveal_marks": world.arena.reveal_marks,
    }
    before = Arena.objects.count()
    answers = {}
    for code in (elsewhere.code, "00000000"):
        response = client.post(url, {**form, "host": code})
        assert response.status_code == 200
        answers[code] = response.context["form"].errors["host"][0].replace(code, "CODE")
    assert answers[elsewhere.code] == answers["00000000"]
    assert Arena.objects.count() == before
