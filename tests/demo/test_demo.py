"""The demo programme and arenas: built through the real services, idempotent, verifiable."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from leitai.accounts.models import Role
from leitai.arenas.models import (
    ArenaState,
    DrawState,
    ParticipantStatus,
    Recusal,
    Sheet,
    SheetSource,
)
from leitai.demo import arenas
from leitai.demo.generate import DEMO_UNITS, demo_rows
from leitai.ledger.models import LedgerEntry
from leitai.orgs.models import Unit
from leitai.scoring import canonical_codes, commitment, draw_order
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def demo_units() -> dict[str, Unit]:
    """The demo city's units the arenas use, with their real codes, names and secretaries."""
    rows = {row[0]: row for row in demo_rows()}
    wanted = {
        DEMO_UNITS["root"],
        DEMO_UNITS["shinan"],
        DEMO_UNITS["jinhulu"],
        *(e.code for e in arenas.FINISHED_ENTRANTS + arenas.READY_ENTRANTS),
        *(s.affiliation for s in arenas.FINISHED_PANEL + arenas.READY_PANEL if s.affiliation),
    }
    for code in list(wanted):  # and every ancestor, so paths nest as in the city
        parent = rows[code][2]
        while parent:
            wanted.add(parent)
            parent = rows[parent][2]
    made: dict[str, Unit] = {}
    for code in sorted(wanted, key=len):
        row = rows[code]
        made[code] = make_unit(made.get(row[2]), code=code, name=row[1], secretary=row[5])
    return made


@pytest.fixture
def city() -> dict[str, object]:
    units = demo_units()
    host_user = make_user("jinhulu-host", role=Role.HOST, unit=units[DEMO_UNITS["jinhulu"]])
    return {"root": units[DEMO_UNITS["root"]], "host_user": host_user}


def ledger_verify() -> str:
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    return out.getvalue()


def test_the_finished_arena_is_closed_with_every_result_and_a_checkable_draw(city) -> None:
    programme = arenas.ensure_demo_programme(city["root"])
    arena = arenas.ensure_finished_arena(programme, host_user=city["host_user"])

    assert (programme.name, programme.year, programme.root) == (
        "青岛市五星级基层党组织",
        2026,
        city["root"],
    )
    assert arena.state == ArenaState.CLOSED
    assert arena.host.code == DEMO_UNITS["jinhulu"]
    participants = list(arena.participants.select_related("unit").order_by("rank"))
    assert len(participants) == 6
    assert {p.status for p in participants} == {ParticipantStatus.SHOWN}
    assert [p.rank for p in participants] == [1, 2, 3, 4, 5, 6]
    zheng = next(p for p in participants if p.unit.code == DEMO_UNITS["taizhoulu_branch"])
    assert zheng.presenter == "郑素秀"
    assert arena.judges.count() == 7
    assert list(arena.judges.filter(is_head=True).values_list("code", flat=True)) == ["J1"]

    # The draw: anyone can recompute the commitment and the order from what was published.
    assert arena.draw_state == DrawState.REVEALED
    assert arena.draw_commitment == commitment(arena.draw_seed, arena.draw_list)
    codes = canonical_codes([p.unit.code for p in participants])
    assert arena.draw_order == draw_order(arena.draw_seed, arena.draw_public, codes)

    # 张伟 (J3) is recused from 泰州路's two branches by his affiliation; the rest all scored.
    recused = Recusal.objects.filter(judge__arena=arena, judge__code="J3", active=True)
    assert recused.count() == 2
    assert Sheet.objects.filter(participant__arena=arena, active=True).count() == 6 * 7 - 2
    assert Sheet.objects.filter(participant__arena=arena, source=SheetSource.PAPER).count() == 1
    assert Sheet.objects.filter(participant__arena=arena, active=False).count() == 1
    kinds = list(
        LedgerEntry.objects.filter(chain=f"arena:{arena.pk}").values_list("kind", flat=True)
    )
    assert kinds.count("sheet") == 6 * 7 - 2 + 1  # with the superseded one
    assert kinds.count("reopened") == 1
    assert kinds.count("confirmed") == 6
    assert kinds[-1] == "closed"
    assert "ledger verify: all" in ledger_verify()


def test_the_ready_arena_has_its_list_and_panel_and_awaits_the_draw(city) -> None:
    programme = arenas.ensure_demo_programme(city["root"])
    arena = arenas.ensure_ready_arena(programme, host_user=city["host_user"])
    assert arena.state == ArenaState.SETUP
    assert arena.draw_state == DrawState.NONE
    assert arena.participants.count() == 7
    assert arena.judges.count() == 7
    assert arena.judges.filter(is_head=True).count() == 1
    assert Recusal.objects.filter(judge__arena=arena, source="automatic").count() == 1


def test_running_the_demo_functions_again_changes_nothing(city) -> None:
    root, host_user = city["root"], city["host_user"]
    programme = arenas.ensure_demo_programme(root)
    finished = arenas.ensure_finished_arena(programme, host_user=host_user)
    ready = arenas.ensure_ready_arena(programme, host_user=host_user)
    entries = LedgerEntry.objects.count()

    again = arenas.ensure_demo_programme(root)
    assert again == programme
    assert arenas.ensure_finished_arena(again, host_user=host_user) == finished
    assert arenas.ensure_ready_arena(again, host_user=host_user) == ready
    assert LedgerEntry.objects.count() == entries


def test_the_demo_tree_is_imported_with_its_facts() -> None:
    from leitai.demo.management.commands.demo import load_demo_tree

    created = load_demo_tree(make_user("demo-admin", superuser=True))
    assert created == len(demo_rows())
    units = Unit.objects.all()
    assert units.filter(founded__isnull=False).count() > 0.9 * created
    assert units.filter(members__isnull=False).count() > 0.9 * created
    assert units.filter(has_party_groups=True).count() > 0.5 * created
    root = Unit.objects.get(code=DEMO_UNITS["root"])
    assert root.founded is not None
    assert (root.founded.year, root.founded.month) == (1949, 6)
