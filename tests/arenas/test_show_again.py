"""A shown result reopened, corrected and confirmed again: the host shows it again, and the live
ranking never skips a place in between."""

from __future__ import annotations

import pytest

from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import ParticipantStatus
from leitai.arenas.services import console, sheets
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current
from tests.ledger.helpers import run_verify

pytestmark = pytest.mark.django_db


def live_ranks(world: ArenaWorld) -> list[tuple[int, str]]:
    return [(row["rank"], row["unit"]) for row in ArenaSnapshot(world.arena.pk).screen()["ranking"]]


def score_all(world: ArenaWorld, achievements: list[str]) -> list[int]:
    return [score_current(world, {f"J{i}": marks(a) for i in range(1, 4)}).pk for a in achievements]


def test_a_corrected_result_leaves_no_hole_and_is_shown_again() -> None:
    world = make_arena_world(participants=4, judges=3)
    ids = score_all(world, ["30", "25", "20", "15"])
    assert [rank for rank, _ in live_ranks(world)] == [1, 2, 3, 4]

    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=ids[1], reason="录入错误", by=world.host_user
    )
    # The withdrawn result leaves the ranking and the others close up behind it.
    assert [rank for rank, _ in live_ranks(world)] == [1, 2, 3]

    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=ids[1], marks=marks("26"), key="fix"
    )
    sheets.confirm_result(participant_id=ids[1], judge=world.judge("J1"))
    assert [rank for rank, _ in live_ranks(world)] == [1, 2, 3]

    # The corrected presenter is not the current one: the host shows it again all the same.
    assert world.refresh().current_id == ids[3]
    shown = console.show_result(arena=world.arena, participant_id=ids[1], by=world.host_user)
    assert shown.status == ParticipantStatus.SHOWN
    assert [rank for rank, _ in live_ranks(world)] == [1, 2, 3, 4]
    status, output = run_verify()
    assert status == 0, output


def test_a_confirmed_result_not_yet_shown_takes_no_place_in_the_live_ranking() -> None:
    world = make_arena_world(participants=3, judges=3)
    ids = score_all(world, ["30", "20"])
    sheets.reopen_sheet(
        judge=world.judge("J1"), participant_id=ids[0], reason="录入错误", by=world.host_user
    )
    sheets.submit_sheet(
        judge=world.judge("J1"), participant_id=ids[0], marks=marks("29"), key="fix"
    )
    sheets.confirm_result(participant_id=ids[0], judge=world.judge("J1"))
    # The next result is shown while the corrected one waits, confirmed: no place is kept for it.
    score_all(world, ["10"])
    assert [rank for rank, _ in live_ranks(world)] == [1, 2]
    arena = console.close_arena(arena=world.refresh(), by=world.host_user)
    assert [rank for rank, _ in live_ranks(world)] == [1, 2, 3]
    assert arena.participants.get(pk=ids[0]).rank == 1
    status, output = run_verify()
    assert status == 0, output


def test_a_result_shown_again_is_on_the_screens_until_the_hosts_next_action() -> None:
    world = make_arena_world(participants=4, judges=3)
    ids = score_all(world, ["30", "25", "20"])
    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=ids[0], reason="录入错误", by=world.host_user
    )
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=ids[0], marks=marks("22"), key="fix"
    )
    sheets.confirm_result(participant_id=ids[0], judge=world.judge("J1"))
    # The next presenter is on and scoring is open when the host shows the corrected result.
    arena = world.refresh()
    following = console.call_next(arena=arena, expected_current=ids[2], by=world.host_user)
    console.open_scoring(arena=arena, participant_id=following.pk, by=world.host_user)
    console.show_result(arena=arena, participant_id=ids[0], by=world.host_user)

    screen = ArenaSnapshot(world.arena.pk).screen()
    spotlight = screen["spotlight"]
    assert spotlight["id"] == ids[0]
    corrected = world.arena.participants.get(pk=ids[0]).result["score"]
    assert spotlight["result"]["score"] == corrected
    placed = {row["id"]: row["rank"] for row in screen["ranking"]}
    assert spotlight["result"]["rank"] == placed[ids[0]]
    assert sorted(placed.values()) == [1, 2, 3]
    # The current presenter's flow is untouched underneath.
    assert screen["current"]["id"] == following.pk
    assert screen["current"]["status"] == ParticipantStatus.SCORING

    for code in ("J1", "J2", "J3"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=following.pk, marks=marks("10"), key=code
        )
    console.close_scoring(arena=world.refresh(), participant_id=following.pk, by=world.host_user)
    screen = ArenaSnapshot(world.arena.pk).screen()
    assert screen["spotlight"] is None
    assert screen["current"]["status"] == ParticipantStatus.SCORED


def test_showing_the_current_presenters_result_puts_up_no_spotlight() -> None:
    world = make_arena_world(participants=2, judges=3)
    score_all(world, ["30"])
    assert ArenaSnapshot(world.arena.pk).screen()["spotlight"] is None
