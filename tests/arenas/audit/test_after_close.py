"""Entries after an arena's `closed` entry, and declared conflicts, in `leitai ledger verify`.

The entries are appended with the ledger's own `append`, as a writer that bypassed the arena
services would: correctly chained and hashed, so only the replay's rules can name them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from leitai.arenas.audit.export import export_arena
from leitai.arenas.services import console, declarations, sheets
from leitai.ledger.chain import append, arena_chain, entries_of
from leitai.ledger.exporting import verify_export
from tests.arena_factories import ArenaWorld, in_order, make_arena_world, marks
from tests.ledger.helpers import first_problem, run_verify

pytestmark = pytest.mark.django_db


def forge(world: ArenaWorld, kind: str, data: dict[str, Any], actor: str) -> str:
    """Append an entry bypassing the services; the first problem `leitai ledger verify` names,
    which must be at that entry."""
    chain = arena_chain(world.arena.pk)
    with transaction.atomic():
        forged = append(chain=chain, kind=kind, data=data, actor=actor)
    status, output = run_verify()
    assert status == 1
    problem = first_problem(output)
    assert problem.startswith(f"{chain} #{forged.seq} {kind}: ")
    return problem.split(": ", 1)[1]


def test_an_entry_after_the_close_fails_verification_naming_it(full_day: ArenaWorld) -> None:
    closed = entries_of(arena_chain(full_day.arena.pk))[-1]
    assert closed["kind"] == "closed"
    assert forge(full_day, "head_judge", {"judge": "J2"}, "user:host") == (
        f"written after the arena closed (#{closed['seq']})"
    )


def test_an_exported_chain_with_an_entry_after_the_close_fails_offline(
    full_day: ArenaWorld,
) -> None:
    chain = arena_chain(full_day.arena.pk)
    with transaction.atomic():
        append(
            chain=chain,
            kind="judge_presence",
            data={"judge": "J3", "joins_at": 1, "leaves_after": None},
            actor="user:host",
        )
    (report,) = verify_export(export_arena(full_day.arena.pk))
    assert [str(p) for p in report.problems if "after the arena closed" in str(p)] == [
        f"{chain} #{report.head[0]} judge_presence: written after the arena closed "
        f"(#{report.head[0] - 1})"
    ]


def declared_after_sheet() -> tuple[ArenaWorld, int]:
    """A live arena: J1–J3 have scored the first presenter, then J2 declared a conflict."""
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    for code in ("J1", "J2", "J3"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("20"), key=code
        )
    declarations.declare_conflict(
        judge=world.judge("J2"), participant_id=current.pk, reason="亲属在该单位"
    )
    return world, current.pk


@pytest.mark.parametrize("accept", [True, False])
def test_a_declaration_decided_by_the_host_verifies(accept: bool) -> None:
    world, current = declared_after_sheet()
    participant = in_order(world)[0]
    declarations.decide_declaration(
        judge=world.judge("J2"), participant=participant, accept=accept, by=world.host_user
    )
    confirmed = sheets.confirm_result(participant_id=current, judge=world.judge("J1"))
    assert confirmed.result["judges"] == (2 if accept else 3)
    status, output = run_verify()
    assert status == 0, output


def test_a_declared_recusal_after_the_sheet_without_the_host_fails_verification() -> None:
    world, _ = declared_after_sheet()
    participant = in_order(world)[0]
    data = {
        "judge": "J3",
        "participant": participant.unit.code,
        "source": "declared",
        "reason": "后来想起",
        "active": True,
    }
    assert forge(world, "recusal", data, "judge:J3") == (
        "judge J3 recused by a declaration after their sheet "
        f"for {participant.unit.code} ({participant.unit.name}), without the host accepting it"
    )


def test_a_result_confirmed_while_a_declaration_waits_fails_verification() -> None:
    world, _ = declared_after_sheet()
    participant = in_order(world)[0]
    data = {"participant": participant.unit.code, "result": {}}
    assert forge(world, "confirmed", data, "judge:J1") == (
        "confirmed while a declared conflict about "
        f"{participant.unit.code} ({participant.unit.name}) waited"
    )
