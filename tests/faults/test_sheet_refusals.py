"""Bad sheets over the judges' HTTP API: a clear refusal naming the reason, and nothing stored.

Each case posts to POST /api/judge/sheets with a judge's link token in X-Judge-Token, as the
phone does, and checks the status, the code, the detail and that no sheet, mark or ledger entry
was written and the arena's version did not move (no screen was told anything).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from leitai.arenas.models import Arena, Mark, Sheet
from leitai.arenas.services import console, draw, setup, sheets
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import (
    ArenaWorld,
    in_order,
    make_arena_world,
    make_closed_arena_world,
    marks,
)

pytestmark = pytest.mark.django_db


def post_sheet(token: str, participant: int, sheet: dict[str, str], key: str = "k-1") -> Any:
    """As the phone posts it, in English (the messages' source text) rather than the default
    Chinese, so that the assertions do not follow the catalogue's wording."""
    client = Client()
    client.cookies["leitai_language"] = "en"
    return client.post(
        "/api/judge/sheets",
        data=json.dumps({"participant": participant, "marks": sheet, "key": key}),
        content_type="application/json",
        headers={"X-Judge-Token": token},
    )


def scoring_world(**kwargs: Any) -> tuple[ArenaWorld, int]:
    """A live arena whose first presenter is open for scoring."""
    world = make_arena_world(**kwargs)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    return world, current.pk


class NothingStored:
    """Snapshot of what a refused sheet must leave untouched."""

    def __init__(self, arena: Arena) -> None:
        self.arena = arena
        self.before = self.counts()

    def counts(self) -> tuple[int, int, int, int]:
        arena = Arena.objects.get(pk=self.arena.pk)
        return (
            Sheet.objects.count(),
            Mark.objects.count(),
            LedgerEntry.objects.filter(chain=f"arena:{arena.pk}").count(),
            arena.version,
        )

    def check(self) -> None:
        assert self.counts() == self.before


@pytest.mark.parametrize(
    ("sheet", "criterion", "rule", "words"),
    [
        (marks("30.5"), "achievements", "above_maximum", "above the maximum 30"),
        (marks("-1"), "achievements", "below_minimum", "below the minimum"),
        (marks("20", spirit="12.25"), "spirit", "off_step", "not a multiple of the step 0.5"),
        (
            {"achievements": "20", "spirit": "15", "ideas": "20"},
            "effects",
            "missing",
            "no mark given",
        ),
        (marks("twenty"), "achievements", "not_a_number", "is not a number"),
        ({**marks("20"), "charisma": "5"}, "charisma", "unknown_criterion", "not in the rubric"),
    ],
)
def test_invalid_marks_are_refused_with_422_naming_criterion_and_rule(
    sheet: dict[str, str], criterion: str, rule: str, words: str
) -> None:
    world, participant = scoring_world(participants=2, judges=3)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J2"], participant, sheet)
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid_marks"
    assert words in body["detail"]
    assert [(p["criterion"], p["rule"]) for p in body["problems"]] == [(criterion, rule)]
    untouched.check()


def test_every_problem_of_a_sheet_is_named_at_once() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    untouched = NothingStored(world.arena)
    response = post_sheet(
        world.tokens["J1"], participant, {"achievements": "31", "spirit": "0.3", "ideas": "x"}
    )
    problems = {(p["criterion"], p["rule"]) for p in response.json()["problems"]}
    assert response.status_code == 422
    assert problems == {
        ("achievements", "above_maximum"),
        ("spirit", "off_step"),
        ("ideas", "not_a_number"),
        ("effects", "missing"),
    }
    untouched.check()


def test_a_participant_not_open_for_scoring_is_refused() -> None:
    world, current = scoring_world(participants=3, judges=3)
    waiting = next(p for p in in_order(world) if p.pk != current)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J1"], waiting.pk, marks("20"))
    assert response.status_code == 409
    assert response.json() == {
        "code": "not_open",
        "detail": "Scoring is not open for this participant.",
    }
    untouched.check()


def test_a_sheet_for_a_presenter_before_scoring_opens_is_refused() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J1"], current.pk, marks("20"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"
    untouched.check()


def test_a_revoked_link_is_refused_before_anything_is_read() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    setup.revoke_link(judge=world.judge("J3"), by=world.host_user)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J3"], participant, marks("20"))
    assert response.status_code == 401
    assert response.json() == {
        "code": "link_revoked",
        "detail": "The host revoked this judge link. Ask the host.",
    }
    untouched.check()


def test_a_reissued_links_old_token_is_refused() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    setup.reissue_link(judge=world.judge("J2"), by=world.host_user)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J2"], participant, marks("20"))
    assert response.status_code == 401
    assert response.json()["code"] == "link_reissued"
    assert "re-issued to another phone" in response.json()["detail"]
    untouched.check()


@pytest.mark.parametrize("token", ["", "12-0-forged", "not-a-token", "999999-1-0123456789abcdef"])
def test_a_missing_or_forged_link_is_refused_without_saying_more(token: str) -> None:
    world, participant = scoring_world(participants=2, judges=3)
    untouched = NothingStored(world.arena)
    response = post_sheet(token, participant, marks("20"))
    assert response.status_code == 401
    assert response.json()["code"] == ("no_link" if not token else "bad_link")
    untouched.check()


def test_a_recused_judge_is_refused_with_the_reason() -> None:
    world, current = scoring_world(participants=2, judges=5)
    participant = next(p for p in in_order(world) if p.pk == current)
    setup.set_recusal(
        judge=world.judge("J4"),
        participant=participant,
        active=True,
        reason="曾在该支部任职",
        source="host",
        by=world.host_user,
    )
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J4"], current, marks("20"))
    assert response.status_code == 409
    assert response.json() == {
        "code": "recused",
        "detail": "You are recused from this participant: 曾在该支部任职",
    }
    untouched.check()


def test_an_automatically_recused_judge_is_refused_with_the_affiliation() -> None:
    world = make_arena_world(participants=2, judges=5, go_live=False)
    # A judge from the first participant's own branch.
    first = world.participants[0]
    _judge, token = setup.add_judge(
        arena=world.arena, name="同支部评委", affiliation=first.unit, by=world.host_user
    )
    draw.freeze_list(arena=world.arena, by=world.host_user)
    draw.draw(arena=world.arena, public="1", by=world.host_user)
    console.go_live(arena=world.arena, by=world.host_user)
    world.refresh()
    while True:
        current = console.call_next(
            arena=world.refresh(), expected_current=world.arena.current_id, by=world.host_user
        )
        if current.pk == first.pk:
            break
        console.mark_absent(arena=world.arena, participant_id=current.pk, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=first.pk, by=world.host_user)
    untouched = NothingStored(world.arena)
    response = post_sheet(token, first.pk, marks("20"))
    assert response.status_code == 409
    assert response.json()["code"] == "recused"
    assert "affiliated with the participant" in response.json()["detail"]
    untouched.check()


def test_a_judge_recorded_absent_is_refused() -> None:
    world, current = scoring_world(participants=2, judges=5)
    setup.set_judge_presence(
        judge=world.judge("J5"), joins_at=2, leaves_after=None, by=world.host_user
    )
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J5"], current, marks("20"))
    assert response.status_code == 409
    assert response.json() == {
        "code": "absent",
        "detail": "You are recorded as absent for this participant.",
    }
    untouched.check()


def test_a_judge_recorded_absent_when_scoring_closed_is_refused_as_absent() -> None:
    """Scoring closed without J3's sheet (J3 recorded absent), then opened again by a correction:
    J3 is absent, not recused (an absence is no conflict of interest)."""
    world, current = scoring_world(participants=2, judges=3)
    host = world.host_user
    for code in ("J1", "J2"):
        post_sheet(world.tokens[code], current, marks("20"), key=f"k-{code}")
    console.close_scoring(arena=world.arena, participant_id=current, by=host, reason="评委离场")
    sheets.reopen_sheet(judge=world.judge("J1"), participant_id=current, reason="录入有误", by=host)
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J3"], current, marks("20"))
    assert response.status_code == 409
    assert response.json() == {
        "code": "absent",
        "detail": "You are recorded as absent for this participant.",
    }
    untouched.check()


def test_another_arenas_judge_is_refused() -> None:
    ours, participant = scoring_world(participants=2, judges=3)
    theirs, _ = scoring_world(participants=2, judges=3)
    untouched = NothingStored(ours.arena)
    response = post_sheet(theirs.tokens["J1"], participant, marks("20"))
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "detail": "No such participant in this arena.",
    }
    untouched.check()
    assert not Sheet.objects.filter(judge__arena=theirs.arena).exists()


def test_a_second_sheet_from_the_same_judge_is_refused_and_the_first_kept() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    first = post_sheet(world.tokens["J1"], participant, marks("20"), key="first")
    untouched = NothingStored(world.arena)
    second = post_sheet(world.tokens["J1"], participant, marks("25"), key="second")
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "already_submitted"
    untouched.check()


def test_the_same_key_with_other_marks_is_refused() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    assert post_sheet(world.tokens["J1"], participant, marks("20"), key="k").status_code == 201
    untouched = NothingStored(world.arena)
    again = post_sheet(world.tokens["J1"], participant, marks("21"), key="k")
    assert again.status_code == 409
    assert again.json()["code"] == "key_reused"
    untouched.check()


def test_a_closed_arenas_link_has_expired() -> None:
    world = make_closed_arena_world()
    untouched = NothingStored(world.arena)
    response = post_sheet(world.tokens["J1"], in_order(world)[0].pk, marks("20"))
    assert response.status_code == 401
    assert response.json() == {
        "code": "arena_closed",
        "detail": "The arena has closed: its judge links have expired.",
    }
    untouched.check()
