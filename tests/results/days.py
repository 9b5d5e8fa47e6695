"""Arena days for the results tests, each built through the real services, and the independent
arithmetic the tests check the published figures against."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from leitai.arenas.models import Participant
from leitai.arenas.services import console, setup, sheets
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current

_keys = itertools.count(1)


def total(sheet: dict[str, str]) -> Decimal:
    """A judge's total under the demo rubric (every weight 1)."""
    return sum((Decimal(v) for v in sheet.values()), Decimal(0))


def trimmed_score(totals: list[Decimal], *, trim: int = 1, min_panel: int = 5) -> Decimal:
    """The default rule done by hand: drop the highest and lowest totals from five judges on,
    average the rest, round half up to 2 decimals."""
    ordered = sorted(totals)
    kept = ordered[trim : len(ordered) - trim] if len(ordered) >= min_panel else ordered
    mean = sum(kept, Decimal(0)) / len(kept)
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _submit(world: ArenaWorld, participant: Participant, code: str, sheet: dict[str, str]) -> None:
    sheets.submit_sheet(
        judge=world.judge(code), participant_id=participant.pk, marks=sheet, key=f"d{next(_keys)}"
    )


def _start(world: ArenaWorld) -> Participant:
    arena = world.refresh()
    following = console.call_next(
        arena=arena, expected_current=arena.current_id, by=world.host_user
    )
    console.open_scoring(arena=arena, participant_id=following.pk, by=world.host_user)
    return following


def _finish(world: ArenaWorld, participant: Participant) -> Participant:
    sheets.confirm_result(participant_id=participant.pk, judge=world.judge("J1"))
    console.show_result(arena=world.refresh(), participant_id=participant.pk, by=world.host_user)
    participant.refresh_from_db()
    return participant


# The marks of the full day, by position. Totals (spirit 15, ideas 20, effects 20 unless given):
FIRST = {  # six judges: J4's 75 and J1's 83 dropped → (80 + 79 + 81 + 78) / 4 = 79.50
    "J1": marks("28"),
    "J2": marks("25"),
    "J3": marks("24"),
    "J4": marks("20"),
    "J5": marks("26"),
    "J6": marks("23"),
}
SECOND = {  # J3 recused, J2 on paper: 82 and 76 dropped → (77.5 + 79.5 + 78) / 3 = 78.33
    "J1": marks("27"),
    "J2": marks("22.5"),
    "J4": marks("21"),
    "J5": marks("24.5"),
    "J6": marks("23"),
}
FOURTH = {  # J6 left after position 3; J2 corrected 65 → 80: 81 and 74.5 dropped → 78.67
    "J1": marks("26"),
    "J2": marks("25"),
    "J3": marks("22"),
    "J4": marks("19.5"),
    "J5": marks("24"),
}
J2_FIRST_TRY = marks("10")  # total 65, reopened and corrected
RECUSAL_REASON = "曾在该社区任职"
CORRECTION_REASON = "比成绩录入错误"


@dataclass
class FullDay:
    world: ArenaWorld
    first: Participant
    second: Participant
    absent: Participant
    fourth: Participant


def full_day(*, close: bool = True) -> FullDay:
    """Four participants and six judges: a full panel, a recused judge and a paper sheet, an
    absent participant, a judge who left early and a corrected sheet."""
    world = make_arena_world(participants=4, judges=6)
    host = world.host_user
    setup.set_judge_presence(judge=world.judge("J6"), joins_at=1, leaves_after=3, by=host)

    first = score_current(world, FIRST)

    second = console.call_next(arena=world.refresh(), expected_current=first.pk, by=host)
    setup.set_recusal(
        judge=world.judge("J3"),
        participant=second,
        active=True,
        reason=RECUSAL_REASON,
        source="host",
        by=host,
    )
    console.open_scoring(arena=world.refresh(), participant_id=second.pk, by=host)
    for code, sheet in SECOND.items():
        if code == "J2":
            sheets.enter_paper_sheet(
                judge=world.judge("J2"),
                participant_id=second.pk,
                marks=sheet,
                key=f"paper{next(_keys)}",
                by=host,
            )
        else:
            _submit(world, second, code, sheet)
    second = _finish(world, second)

    absent = console.call_next(arena=world.refresh(), expected_current=second.pk, by=host)
    console.mark_absent(arena=world.refresh(), participant_id=absent.pk, by=host)

    fourth = _start(world)
    for code, sheet in FOURTH.items():
        _submit(world, fourth, code, J2_FIRST_TRY if code == "J2" else sheet)
    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=fourth.pk, reason=CORRECTION_REASON, by=host
    )
    _submit(world, fourth, "J2", FOURTH["J2"])
    fourth = _finish(world, fourth)

    if close:
        console.close_arena(arena=world.refresh(), by=host)
    for participant in (first, second, absent, fourth):
        participant.refresh_from_db()
    world.refresh()
    return FullDay(world, first, second, absent, fourth)


def scored_day(participants: int, judges: int, *, close: bool = True) -> ArenaWorld:
    """Every participant scored by every judge, marks spread so that nothing ties."""
    world = make_arena_world(participants=participants, judges=judges)
    for p in range(participants):
        score_current(
            world,
            {
                f"J{j}": marks(str(15 + p + (j % 3)), str(10 + j), "18.5")
                for j in range(1, judges + 1)
            },
        )
    if close:
        console.close_arena(arena=world.refresh(), by=world.host_user)
    world.refresh()
    return world
