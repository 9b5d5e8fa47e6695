"""A judge's declared conflict of interest: at once before their sheet, the host's decision
after it, none after the result is confirmed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leitai.arenas.models import (
    ConflictDeclaration,
    DeclarationState,
    Participant,
    Recusal,
    RecusalSource,
    Sheet,
)
from leitai.arenas.services import console, sheets
from leitai.ledger.chain import arena_chain, entries_of
from tests.arena_factories import ArenaWorld, everything, make_arena_world, marks
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def phone(world: ArenaWorld, code: str, path: str, body: dict[str, Any]) -> Any:
    client = Client()
    client.cookies["leitai_language"] = "en"
    return client.post(
        f"/api/judge/{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Judge-Token": world.tokens[code]},
    )


def host(world: ArenaWorld) -> Client:
    client = Client()
    client.cookies["leitai_language"] = "en"
    assert client.login(username=world.host_user.username, password=PASSWORD)
    return client


def scoring(world: ArenaWorld, *codes: str) -> Participant:
    """The first presenter open for scoring, with the sheets of `codes` in."""
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    for code in codes:
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("20"), key=code
        )
    return current


def kinds(world: ArenaWorld) -> list[str]:
    return [e["kind"] for e in entries_of(arena_chain(world.arena.pk))]


def test_a_declaration_before_the_sheet_recuses_at_once() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world)
    response = phone(world, "J2", "declare", {"participant": current.pk, "reason": "同事"})
    assert response.status_code == 200
    assert response.json() == {
        "participant": current.pk,
        "recused": True,
        "pending": False,
        "detail": "",
    }
    recusal = Recusal.objects.get(judge=world.judge("J2"), participant=current)
    assert (recusal.active, recusal.source) == (True, RecusalSource.DECLARED)
    assert kinds(world)[-1] == "recusal"


def test_a_declaration_after_the_sheet_waits_for_the_host_and_changes_nothing() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world, "J1", "J2", "J3")
    response = phone(world, "J2", "declare", {"participant": current.pk, "reason": "亲属"})
    assert response.status_code == 202
    assert response.json()["pending"] is True
    assert "your sheet stands unless the host accepts it" in response.json()["detail"]
    assert not Recusal.objects.filter(participant=current).exists()
    assert Sheet.objects.filter(judge=world.judge("J2"), participant=current, active=True).exists()
    assert kinds(world)[-1] == "conflict_declared"
    before = everything()
    again = phone(world, "J2", "declare", {"participant": current.pk, "reason": "亲属"})
    assert (again.status_code, again.json()["code"]) == (409, "declaration_pending")
    by_head = phone(world, "J1", "confirm", {"participant": current.pk})
    assert (by_head.status_code, by_head.json()["code"]) == (409, "declaration_pending")
    by_host = host(world).post(
        f"/api/arenas/{world.arena.pk}/actions/confirm",
        data=json.dumps({"participant": current.pk}),
        content_type="application/json",
    )
    assert (by_host.status_code, by_host.json()["code"]) == (409, "declaration_pending")
    assert everything() == before


@pytest.mark.parametrize(
    ("action", "judges", "state"),
    [
        ("accept_declaration", 2, DeclarationState.ACCEPTED),
        ("decline_declaration", 3, DeclarationState.DECLINED),
    ],
)
def test_the_host_decides_on_the_set_up_page(action: str, judges: int, state: str) -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world, "J1", "J2", "J3")
    phone(world, "J2", "declare", {"participant": current.pk, "reason": "亲属在该单位"})
    client = host(world)
    url = reverse("arenas:detail", args=[world.arena.pk])
    page = client.get(url).content.decode()
    assert 'id="declaration-list"' in page
    assert "亲属在该单位" in page
    response = client.post(url, {"action": action, "judge": "J2", "participant": current.pk})
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(participant=current)
    assert (declaration.state, declaration.decided_by) == (state, world.host_user)
    recused = Recusal.objects.filter(judge=world.judge("J2"), participant=current, active=True)
    assert recused.exists() == (action == "accept_declaration")
    expected_kinds = (
        ["conflict_accepted", "recusal"]
        if action == "accept_declaration"
        else ["conflict_declined"]
    )
    assert kinds(world)[-len(expected_kinds) :] == expected_kinds
    assert 'id="declaration-list"' not in client.get(url).content.decode()
    confirmed = phone(world, "J1", "confirm", {"participant": current.pk})
    assert confirmed.status_code == 200
    assert confirmed.json()["result"]["judges"] == judges


def test_no_declaration_after_the_result_is_confirmed() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world, "J1", "J2", "J3")
    sheets.confirm_result(participant_id=current.pk, judge=world.judge("J1"))
    before = everything()
    response = phone(world, "J2", "declare", {"participant": current.pk, "reason": "亲属"})
    assert response.status_code == 409
    assert response.json()["code"] == "result_confirmed"
    assert everything() == before


def test_deciding_without_a_declaration_waiting_is_refused() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world, "J1", "J2", "J3")
    before = everything()
    response = host(world).post(
        reverse("arenas:detail", args=[world.arena.pk]),
        {"action": "accept_declaration", "judge": "J2", "participant": current.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "No declaration is waiting for a decision."
    ]
    assert everything() == before


def judge_state(world: ArenaWorld, code: str) -> dict[str, Any]:
    response = Client().get("/api/judge/state", headers={"X-Judge-Token": world.tokens[code]})
    assert response.status_code == 200
    return response.json()


def test_the_judges_state_says_a_late_declaration_waits_for_the_host() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = scoring(world, "J1", "J2", "J3")
    assert judge_state(world, "J2")["current"]["declaration_pending"] is False
    phone(world, "J2", "declare", {"participant": current.pk, "reason": "亲属"})
    assert judge_state(world, "J2")["current"]["declaration_pending"] is True
    assert judge_state(world, "J3")["current"]["declaration_pending"] is False
    host(world).post(
        reverse("arenas:detail", args=[world.arena.pk]),
        {"action": "decline_declaration", "judge": "J2", "participant": current.pk},
    )
    assert judge_state(world, "J2")["current"]["declaration_pending"] is False
