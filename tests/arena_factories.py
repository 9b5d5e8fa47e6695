"""Factories for arena tests: a programme, an arena with participants and a panel, a live day."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from leitai.accounts.models import Role, User
from leitai.arenas.models import (
    Absence,
    Arena,
    ConflictDeclaration,
    Judge,
    Participant,
    Recusal,
    Reopening,
    Sheet,
)
from leitai.arenas.services import console, draw, setup, sheets
from leitai.demo.rubric import DEMO_RUBRIC
from leitai.ledger.models import LedgerEntry
from leitai.orgs.models import Sector, Unit, UnitKind
from leitai.programs.models import Programme
from tests.factories import make_unit, make_user

_keys = itertools.count(1)


def make_programme(root: Unit) -> Programme:
    return Programme.objects.create(
        name="青岛市五星级基层党组织", year=2026, root=root, rubric=DEMO_RUBRIC
    )


@dataclass
class ArenaWorld:
    arena: Arena
    host_user: User
    host_unit: Unit
    participants: list[Participant]
    judges: list[Judge]
    tokens: dict[str, str] = field(default_factory=dict)

    def judge(self, code: str) -> Judge:
        return Judge.objects.get(arena=self.arena, code=code)

    def refresh(self) -> Arena:
        self.arena.refresh_from_db()
        return self.arena


def make_arena_world(
    *,
    participants: int = 3,
    judges: int = 5,
    go_live: bool = True,
    judge_affiliations: dict[int, Unit] | None = None,
) -> ArenaWorld:
    root = make_unit(
        code=f"R{next(_keys)}", name="中共青岛市委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER
    )
    street = make_unit(root, name="金湖路街道党工委", kind=UnitKind.WORKING_COMMITTEE)
    branches = [
        make_unit(street, name=f"第{i + 1}网格党支部", secretary=f"书记{i + 1}")
        for i in range(participants)
    ]
    host_user = make_user(role=Role.HOST, unit=street)
    arena = setup.create_arena(
        programme=make_programme(root),
        title="金湖路街道党支部书记擂台比武",
        host=street,
        venue="街道会议室",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        by=host_user,
    )
    people = [
        setup.add_participant(
            arena=arena, unit=unit, presenter=unit.secretary, presenter_role="书记", by=host_user
        )
        for unit in branches
    ]
    tokens: dict[str, str] = {}
    panel = []
    for i in range(judges):
        judge, token = setup.add_judge(
            arena=arena,
            name=f"评委{i + 1}",
            by=host_user,
            is_head=(i == 0),
            affiliation=(judge_affiliations or {}).get(i),
        )
        tokens[judge.code] = token
        panel.append(judge)
    world = ArenaWorld(
        arena=arena,
        host_user=host_user,
        host_unit=street,
        participants=people,
        judges=panel,
        tokens=tokens,
    )
    if go_live:
        draw.freeze_list(arena=arena, by=host_user)
        draw.draw(arena=arena, public="20260711", by=host_user)
        draw.reveal_seed(arena=arena, by=host_user)
        console.go_live(arena=arena, by=host_user)
        world.refresh()
    return world


def make_closed_arena_world() -> ArenaWorld:
    """An arena closed with nobody scored: every presenter marked absent."""
    world = make_arena_world(participants=2, judges=3)
    for participant in in_order(world):
        console.call_next(
            arena=world.refresh(), expected_current=world.arena.current_id, by=world.host_user
        )
        console.mark_absent(arena=world.arena, participant_id=participant.pk, by=world.host_user)
    console.close_arena(arena=world.refresh(), by=world.host_user)
    world.refresh()
    return world


def in_order(world: ArenaWorld) -> list[Participant]:
    return list(world.arena.participants.exclude(position=None).order_by("position"))


def marks(
    achievements: str, spirit: str = "15", ideas: str = "20", effects: str = "20"
) -> dict[str, str]:
    return {"achievements": achievements, "spirit": spirit, "ideas": ideas, "effects": effects}


def score_current(world: ArenaWorld, per_judge: dict[str, dict[str, str]]) -> Participant:
    """Next presenter, open scoring, every judge's sheet, the head's confirmation, shown."""
    arena = world.refresh()
    following = console.call_next(
        arena=arena, expected_current=arena.current_id, by=world.host_user
    )
    console.open_scoring(arena=arena, participant_id=following.pk, by=world.host_user)
    for code, sheet in per_judge.items():
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=following.pk, marks=sheet, key=f"k{next(_keys)}"
        )
    sheets.confirm_result(participant_id=following.pk, judge=world.judge("J1"))
    console.show_result(arena=arena, participant_id=following.pk, by=world.host_user)
    following.refresh_from_db()
    return following


def any_user() -> Any:
    return make_user()


def everything() -> tuple[Any, ...]:
    """What any arena write could change, in every arena: a refused one leaves it equal."""
    return (
        list(LedgerEntry.objects.order_by("chain", "seq").values_list("chain", "seq")),
        list(Arena.objects.order_by("pk").values()),
        list(Participant.objects.order_by("pk").values()),
        list(Judge.objects.order_by("pk").values()),
        list(Recusal.objects.order_by("pk").values()),
        list(Absence.objects.order_by("pk").values()),
        list(Sheet.objects.order_by("pk").values_list("pk", "active")),
        list(Reopening.objects.order_by("pk").values()),
        list(ConflictDeclaration.objects.order_by("pk").values()),
    )
