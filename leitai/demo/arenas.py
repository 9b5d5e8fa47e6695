"""The demo programme and its arenas for `leitai demo`: one finished with results, one ready to run.

Everything goes through the real services, so the ledger of the finished arena is complete and
verifies, its draw can be checked with `leitai draw verify`, and its results can be recomputed
from the ledger. Each function is idempotent: it finds what an earlier run made (by programme
name and year, by arena title) and makes only what is missing. An arena is built in one
transaction, so an interrupted run leaves nothing half made.

Both arenas are hosted by 金湖路街道党工委, so the demo host account (`jinhulu-host`) can open the
finished one's results and run the other from its console or with `leitai simulate`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from leitai.arenas.models import Arena, Judge, Participant
from leitai.arenas.panel import panel_status
from leitai.arenas.services import console, draw, setup, sheets
from leitai.demo.generate import DEMO_UNITS
from leitai.demo.rubric import DEMO_RUBRIC
from leitai.orgs.models import Unit
from leitai.programs.models import Programme, default_rule
from leitai.simulation import plausible_marks

PROGRAMME_NAME = "青岛市五星级基层党组织"
PROGRAMME_YEAR = 2026
FINISHED_TITLE = "金湖路街道党支部书记擂台比武"
READY_TITLE = "金湖路街道党支部书记擂台比武（第二场）"
VENUE = "金湖路街道党群服务中心三楼会议室"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Entrant:
    code: str
    presenter: str = ""  # empty: the unit's secretary presents
    role: str = "党支部书记"
    no_notes: bool = True
    quality: float = 0.8  # where the panel's marks centre, as a share of each maximum


@dataclass(frozen=True)
class PanelSeat:
    name: str
    affiliation: str = ""  # a unit code, or empty for an external judge
    external: str = ""
    head: bool = False
    lean: float = 0.0  # the judge's severity (negative) or leniency, as a share of each maximum


FINISHED_ENTRANTS = [
    Entrant(DEMO_UNITS["taizhoulu_branch"], quality=0.9),  # 郑素秀, the article's branch
    Entrant("370202090101", quality=0.78),
    Entrant("370202090201", presenter="刘海燕", role="党支部副书记", no_notes=False, quality=0.7),
    Entrant("370202090303", quality=0.83),
    Entrant("370202090401", quality=0.74),
    Entrant("370202090402", no_notes=False, quality=0.81),
]
READY_ENTRANTS = [
    Entrant("370202090102"),
    Entrant("370202090103"),
    Entrant("370202090104", no_notes=False),
    Entrant("370202090202"),
    Entrant("370202090301"),
    Entrant("370202090302", presenter="孙丽", role="党支部组织委员"),
    Entrant("370202090304"),
]
FINISHED_PANEL = [
    PanelSeat("李建国", affiliation=DEMO_UNITS["shinan"], head=True),
    PanelSeat("王秀英", external="中共青岛市委党校"),
    # Belongs to 泰州路社区党委: recused from its two branches automatically.
    PanelSeat("张伟", affiliation="3702020901", lean=0.01),
    PanelSeat("刘芳", external="市南区人大代表", lean=-0.01),
    PanelSeat("孙志强", external="辖区企业代表", lean=0.005),
    # A lenient judge, so that the results page has a deviation to flag.
    PanelSeat("杨静", external="居民代表", lean=0.065),
    PanelSeat("赵明", affiliation=DEMO_UNITS["jinhulu"], lean=-0.005),
]
READY_PANEL = [
    PanelSeat("周德平", affiliation=DEMO_UNITS["shinan"], head=True),
    PanelSeat("陈丽华", external="中共青岛市委党校"),
    # Belongs to 梅州苑社区党委: recused from its branch automatically.
    PanelSeat("高永胜", affiliation="3702020902"),
    PanelSeat("于海燕", external="市南区政协委员"),
    PanelSeat("曲春梅", external="辖区企业代表"),
    PanelSeat("宋学文", external="居民代表"),
    PanelSeat("马俊", affiliation=DEMO_UNITS["jinhulu"]),
]
# The finished day's small mishaps, recorded as they would be: a judge's phone that died (the host
# typed in the paper sheet) and a mark typed wrongly, reopened with a reason and corrected.
PAPER_SHEET = (4, "J5")  # position, judge
CORRECTION = (2, "J2", "评委录入笔误，申请更正")


def ensure_demo_programme(root: Unit) -> Programme:
    programme = Programme.objects.filter(name=PROGRAMME_NAME, year=PROGRAMME_YEAR).first()
    if programme is None:
        programme = Programme.objects.create(
            name=PROGRAMME_NAME,
            year=PROGRAMME_YEAR,
            root=root,
            rubric=DEMO_RUBRIC,
            rule=default_rule(),
        )
    return programme


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _build(
    programme: Programme,
    *,
    title: str,
    starts_at: dt.datetime,
    entrants: list[Entrant],
    panel: list[PanelSeat],
    host_user: Any,
) -> tuple[Arena, list[Participant]]:
    arena = setup.create_arena(
        programme=programme,
        title=title,
        host=_unit(DEMO_UNITS["jinhulu"]),
        venue=VENUE,
        starts_at=starts_at,
        by=host_user,
    )
    participants = []
    for entrant in entrants:
        unit = _unit(entrant.code)
        participants.append(
            setup.add_participant(
                arena=arena,
                unit=unit,
                presenter=entrant.presenter or unit.secretary,
                presenter_role=entrant.role,
                no_notes=entrant.no_notes,
                by=host_user,
            )
        )
    for seat in panel:
        setup.add_judge(
            arena=arena,
            name=seat.name,
            affiliation=_unit(seat.affiliation) if seat.affiliation else None,
            external_affiliation=seat.external,
            is_head=seat.head,
            by=host_user,
        )
    return arena, participants


def ensure_finished_arena(programme: Programme, *, host_user: Any) -> Arena:
    """金湖路街道's arena, held and closed: draw, every sheet, confirmations, results shown."""
    existing = Arena.objects.filter(programme=programme, title=FINISHED_TITLE).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        arena, participants = _build(
            programme,
            title=FINISHED_TITLE,
            starts_at=dt.datetime(2026, 11, 20, 14, 30, tzinfo=SHANGHAI),
            entrants=FINISHED_ENTRANTS,
            panel=FINISHED_PANEL,
            host_user=host_user,
        )
        draw.freeze_list(arena=arena, by=host_user)
        draw.draw(arena=arena, public="739215", by=host_user)
        draw.reveal_seed(arena=arena, by=host_user)
        console.go_live(arena=arena, by=host_user)
        quality = {p.pk: e.quality for p, e in zip(participants, FINISHED_ENTRANTS, strict=True)}
        for _ in participants:
            _hold_one(arena, host_user, quality)
        return console.close_arena(arena=arena, by=host_user)


def _hold_one(arena: Arena, host_user: Any, quality: dict[int, float]) -> None:
    arena.refresh_from_db()
    current = console.call_next(arena=arena, expected_current=arena.current_id, by=host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=host_user)
    judges = list(Judge.objects.filter(arena=arena).order_by("code"))
    severity = {f"J{n}": seat.lean for n, seat in enumerate(FINISHED_PANEL, start=1)}
    for judge in panel_status(current, judges).expected:
        rng = random.Random(f"{arena.title}:{current.unit.code}:{judge.code}")
        marks = plausible_marks(
            arena.rubric, quality=quality[current.pk], severity=severity[judge.code], rng=rng
        )
        key = f"demo-{current.position}-{judge.code}"
        if (current.position, judge.code) == PAPER_SHEET:
            sheets.enter_paper_sheet(
                judge=judge, participant_id=current.pk, marks=marks, key=key, by=host_user
            )
            continue
        if (current.position, judge.code) == CORRECTION[:2]:
            slip = {**marks, "achievements": "3"}  # meant 30: the correction follows
            sheets.submit_sheet(judge=judge, participant_id=current.pk, marks=slip, key=key)
            sheets.reopen_sheet(
                judge=judge, participant_id=current.pk, reason=CORRECTION[2], by=host_user
            )
            key += "-corrected"
        sheets.submit_sheet(judge=judge, participant_id=current.pk, marks=marks, key=key)
    head = next(j for j in judges if j.is_head)
    sheets.confirm_result(participant_id=current.pk, judge=head)
    console.show_result(arena=arena, participant_id=current.pk, by=host_user)


def ensure_ready_arena(programme: Programme, *, host_user: Any) -> Arena:
    """金湖路街道's second arena: seven participants and seven judges, the draw still to come
    (the host runs it on the set-up page, or `leitai simulate` does)."""
    existing = Arena.objects.filter(programme=programme, title=READY_TITLE).first()
    if existing is not None:
        return existing
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with transaction.atomic():
        arena, _ = _build(
            programme,
            title=READY_TITLE,
            starts_at=dt.datetime.combine(tomorrow, dt.time(14, 30), tzinfo=SHANGHAI),
            entrants=READY_ENTRANTS,
            panel=READY_PANEL,
            host_user=host_user,
        )
    return arena
