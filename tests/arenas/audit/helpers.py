"""A whole arena day with every kind of entry that changes a result, for the tests of the arena's
audit (its ledger chain replayed, compared with the database, exported)."""

from __future__ import annotations

from leitai.arenas.services import console, setup, sheets
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current


def play_full_day() -> ArenaWorld:
    """Four participants, five judges: a host recusal, a paper sheet, a correction after the
    result was shown, an absent participant, a judge who leaves early, a sheet missing at the
    close of scoring, and the arena closed with its final ranking."""
    world = make_arena_world(participants=4, judges=5)
    host = world.host_user
    first = score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 6)})

    arena = world.refresh()
    second = console.call_next(arena=arena, expected_current=first.pk, by=host)
    console.open_scoring(arena=arena, participant_id=second.pk, by=host)
    setup.set_recusal(
        judge=world.judge("J5"),
        participant=second,
        active=True,
        reason="同一社区",
        source="host",
        by=host,
    )
    for code in ("J1", "J2", "J3"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=second.pk, marks=marks("26.5"), key=f"2{code}"
        )
    sheets.enter_paper_sheet(
        judge=world.judge("J4"), participant_id=second.pk, marks=marks("24"), key="paper", by=host
    )
    sheets.confirm_result(participant_id=second.pk, judge=world.judge("J1"))
    console.show_result(arena=arena, participant_id=second.pk, by=host)

    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=first.pk, reason="录入错误", by=host
    )
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=first.pk, marks=marks("28"), key="fix"
    )
    sheets.confirm_result(participant_id=first.pk, judge=None, by=host)
    console.show_result(arena=arena, participant_id=first.pk, by=host)

    third = console.call_next(arena=arena, expected_current=second.pk, by=host)
    console.mark_absent(arena=arena, participant_id=third.pk, by=host)

    setup.set_judge_presence(judge=world.judge("J3"), joins_at=1, leaves_after=3, by=host)
    fourth = console.call_next(arena=arena, expected_current=third.pk, by=host)
    console.open_scoring(arena=arena, participant_id=fourth.pk, by=host)
    for code in ("J1", "J2", "J4"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=fourth.pk, marks=marks("22.5"), key=f"4{code}"
        )
    console.close_scoring(arena=arena, participant_id=fourth.pk, by=host, reason="评委离场")
    sheets.confirm_result(participant_id=fourth.pk, judge=world.judge("J1"))
    console.show_result(arena=arena, participant_id=fourth.pk, by=host)
    console.close_arena(arena=world.refresh(), by=host)
    world.refresh()
    return world
