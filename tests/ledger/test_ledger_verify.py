"""`leitai ledger verify` against the database: a clean day verifies; every kind of tampering
with the database is named by the first entry it contradicts."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leitai.arenas.models import Arena, Mark, Participant, Sheet
from leitai.arenas.panel import compute, panel_status, result_json
from leitai.arenas.result_layout import result_figures
from leitai.arenas.services import console, setup, sheets
from leitai.ledger.chain import canonical
from leitai.ledger.hashing import entry_hash
from leitai.ledger.models import ChainHead, LedgerEntry
from leitai.ledger.verify import verify_database
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current
from tests.ledger.helpers import first_problem, run_verify, triggers_lifted

pytestmark = pytest.mark.django_db


def chain_of(world: ArenaWorld) -> str:
    return f"arena:{world.arena.pk}"


def test_a_clean_day_verifies_with_exit_status_0(full_day: ArenaWorld) -> None:
    status, output = run_verify()
    assert status == 0
    lines = output.splitlines()
    assert lines[0].startswith("ok    global  #2 ")
    assert lines[1].startswith(f"ok    {chain_of(full_day)}  #")
    assert "4 participants, 13 sheets, 4 results recomputed, closed" in lines[1]
    assert lines[-1].startswith("ledger verify: all 2 chains and ")


def test_a_day_still_live_verifies() -> None:
    world = make_arena_world(participants=3, judges=5)
    score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 6)})
    status, output = run_verify()
    assert status == 0
    assert "1 results recomputed, live" in output


def test_a_revoked_judge_on_paper_and_a_reissued_link_verify() -> None:
    world = make_arena_world(participants=2, judges=3)
    host = world.host_user
    setup.revoke_link(judge=world.judge("J3"), by=host)
    setup.reissue_link(judge=world.judge("J2"), by=host)
    current = console.call_next(arena=world.arena, expected_current=None, by=host)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=host)
    for code in ("J1", "J2"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=marks("20"), key=code
        )
    sheets.enter_paper_sheet(
        judge=world.judge("J3"), participant_id=current.pk, marks=marks("22"), key="p", by=host
    )
    sheets.confirm_result(participant_id=current.pk, judge=world.judge("J1"))
    status, output = run_verify()
    assert status == 0, output


def test_every_field_of_the_recorded_result_is_recomputed(full_day: ArenaWorld) -> None:
    """What was stored when the result was confirmed is what the replay recomputes, field by
    field (result_json is the replay's figures plus the sheets they came from)."""
    participant = Participant.objects.exclude(result=None).first()
    status = panel_status(participant)
    score = compute(full_day.arena, status)
    stored = participant.result
    assert stored == result_json(score, status)
    assert set(stored) == {*result_figures(score), "sheets"}
    assert {k: v for k, v in stored.items() if k != "sheets"} == result_figures(score)


def test_a_ledger_row_altered_in_the_database_is_named(full_day: ArenaWorld) -> None:
    entry = LedgerEntry.objects.filter(chain=chain_of(full_day), kind="sheet").order_by("seq")[2]
    body = json.loads(entry.body)
    body["data"]["marks"]["achievements"] = "29.5"
    with triggers_lifted():
        LedgerEntry.objects.filter(pk=entry.pk).update(body=canonical(body))
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(full_day)} #{entry.seq} sheet: its content does not match its hash"
    )
    assert output.splitlines()[0].startswith("ok    global")


def test_a_rewritten_chain_is_caught_by_the_database_and_the_anchor(
    full_day: ArenaWorld,
) -> None:
    """An attacker who alters a sheet entry and recomputes every hash after it (and the head
    row) leaves a chain that links; the mark rows and the global anchor still disagree."""
    chain = chain_of(full_day)
    entries = list(LedgerEntry.objects.filter(chain=chain).order_by("seq"))
    target = next(e for e in entries if e.kind == "sheet")
    body = json.loads(target.body)
    body["data"]["marks"]["achievements"] = "29.5"
    body["data"]["total"] = str(Decimal(body["data"]["total"]) + Decimal("8.5"))
    previous = None
    with triggers_lifted():
        for entry in entries:
            if entry.seq < target.seq:
                continue
            if entry.pk == target.pk:
                entry.body = canonical(body)
            entry.prev_hash = previous.hash if previous else entry.prev_hash
            entry.hash = entry_hash(entry.prev_hash, chain, entry.seq, entry.kind, entry.body)
            LedgerEntry.objects.filter(pk=entry.pk).update(
                body=entry.body, prev_hash=entry.prev_hash, hash=entry.hash
            )
            previous = entry
        ChainHead.objects.filter(chain=chain).update(hash=previous.hash)
    status, output = run_verify("--all")
    assert status == 1
    assert first_problem(output) == (
        f"{chain} #{target.seq} sheet: mark row achievements=21 in the database, 29.5 in the ledger"
    )
    closed = entries[-1]
    assert f"{chain} #{closed.seq} closed: its hash " in output
    assert "differs from the one anchored in global #2 arena_closed" in output


def test_a_mark_row_altered_is_named_by_its_sheet_entry(full_day: ArenaWorld) -> None:
    sheet = Sheet.objects.filter(participant__arena=full_day.arena).order_by("ledger_seq")[1]
    Mark.objects.filter(sheet=sheet, criterion="achievements").update(value=Decimal("28"))
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(full_day)} #{sheet.ledger_seq} sheet: "
        "mark row achievements=28 in the database, 22 in the ledger"
    )


def test_a_sheet_row_deleted_is_named() -> None:
    world = make_arena_world(participants=2, judges=3)
    score_current(world, {f"J{i}": marks("20") for i in range(1, 4)})
    sheet = Sheet.objects.filter(participant__arena=world.arena, judge__code="J2").get()
    Mark.objects.filter(sheet=sheet).delete()
    sheet.delete()
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(world)} #{sheet.ledger_seq} sheet: "
        f"no sheet row in the database for J2 → {sheet.participant.unit.code}"
    )


def test_a_stored_score_altered_is_named_by_its_confirmation(full_day: ArenaWorld) -> None:
    participant = Participant.objects.filter(arena=full_day.arena, position=2).get()
    Participant.objects.filter(pk=participant.pk).update(score=Decimal("99"))
    confirmed = LedgerEntry.objects.filter(
        chain=chain_of(full_day), kind="confirmed", body__contains=participant.unit.code
    ).latest("seq")
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(full_day)} #{confirmed.seq} confirmed: participant {participant.unit.code} "
        f"({participant.unit.name}) score 99 in the database, "
        f"{participant.result['score']} in the ledger"
    )


def test_a_stored_rank_altered_is_named_by_the_close(full_day: ArenaWorld) -> None:
    participant = Participant.objects.filter(arena=full_day.arena, rank=1).get()
    Participant.objects.filter(pk=participant.pk).update(rank=3)
    closed = LedgerEntry.objects.filter(chain=chain_of(full_day), kind="closed").get()
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(full_day)} #{closed.seq} closed: participant {participant.unit.code} "
        f"({participant.unit.name}) rank 3 in the database, 1 in the ledger"
    )


def test_a_rule_changed_after_freezing_is_named(full_day: ArenaWorld) -> None:
    Arena.objects.filter(pk=full_day.arena.pk).update(rule={**full_day.arena.rule, "trim": 0})
    frozen = LedgerEntry.objects.filter(chain=chain_of(full_day), kind="frozen").get()
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"{chain_of(full_day)} #{frozen.seq} frozen: the arena's rule differs from the frozen one"
    )


def test_a_chain_head_row_altered_is_named(full_day: ArenaWorld) -> None:
    ChainHead.objects.filter(chain=chain_of(full_day)).update(seq=7)
    status, output = run_verify()
    assert status == 1
    assert first_problem(output).startswith(
        f"{chain_of(full_day)} head: the chain head row says #7 "
    )


def test_verify_is_fast_enough_for_a_city() -> None:
    """Sheets and entries are read in a fixed number of queries and compared in memory; the
    figures for thousands of sheets are in docs/ledger.md."""
    world = make_arena_world(participants=8, judges=9)
    for _ in range(8):
        score_current(world, {f"J{i}": marks(str(15 + i)) for i in range(1, 10)})
    started = time.perf_counter()
    status, output = run_verify()
    elapsed = time.perf_counter() - started
    assert status == 0, output
    assert "72 sheets, 8 results recomputed" in output
    assert elapsed < 2.0


def test_verify_reads_a_fixed_number_of_queries() -> None:
    first = make_arena_world(participants=2, judges=3)
    score_current(first, {f"J{i}": marks("20") for i in range(1, 4)})
    with CaptureQueriesContext(connection) as one:
        verify_database()
    second = make_arena_world(participants=3, judges=5)
    for _ in range(3):
        score_current(second, {f"J{i}": marks("21") for i in range(1, 6)})
    with CaptureQueriesContext(connection) as two:
        reports = verify_database()
    assert all(report.ok for report in reports)
    assert len(two) == len(one) == 6
