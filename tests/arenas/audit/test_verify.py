"""`leitai ledger verify` against the database: a clean day verifies; every kind of tampering
with the database is named by the first entry it contradicts."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leitai.arenas.audit.replay import replay_arena
from leitai.arenas.models import Arena, Mark, Participant, Sheet
from leitai.arenas.results.layout import result_figures
from leitai.arenas.services import console, setup, sheets
from leitai.ledger.chain import canonical, entries_of
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


# A known panel, computed by hand. Five judges, the demo rubric (four criteria, weight 1), the
# default rule: each judge's total, the highest and the lowest total dropped, the mean of the
# other three rounded half up to 2 decimals; ties broken by the untrimmed mean.
#
#            achievements spirit ideas effects   total
# first  J1      20         15     20    15       70    (lowest, dropped)
#        J2      25.5       15     20    20       80.5
#        J3      26         15     20    20       81
#        J4      27         15     20    20       82
#        J5      30         20     20    20       90    (highest, dropped)
#   score (80.5 + 81 + 82) / 3 = 81.1666… → 81.17; untrimmed mean 403.5 / 5 = 80.7 = 807/10
#   per criterion, the middle three: achievements (25.5 + 26 + 27) / 3 = 26.1666… → 26.17,
#   spirit 15.00, ideas 20.00, effects 20.00
# second J1      17         15     20    20       72    (lowest, dropped)
#        J2..J4 as above                          80.5, 81, 82
#        J5      30         15     20    20       85    (highest, dropped)
#   score 81.17 as well; untrimmed mean 400.5 / 5 = 80.1 = 801/10
#   achievements (25.5 + 26 + 27) / 3 → 26.17, spirit 15.00, ideas 20.00, effects 20.00
# Rank: equal at 81.17, the untrimmed mean puts the first (80.7) before the second (80.1).
FIRST_SHEETS = {
    "J1": marks("20", effects="15"),
    "J2": marks("25.5"),
    "J3": marks("26"),
    "J4": marks("27"),
    "J5": marks("30", spirit="20"),
}
SECOND_SHEETS = {**FIRST_SHEETS, "J1": marks("17"), "J5": marks("30")}
TRIMMED = {
    "outcome": "trimmed",
    "text": "5 judges (at least 5): the 1 highest and 1 lowest dropped",
}
CRITERION_MARKS = {"achievements": "26.17", "spirit": "15.00", "ideas": "20.00", "effects": "20.00"}
FIRST_FIGURES = {
    "score": "81.17",
    "judges": 5,
    "note": TRIMMED,
    "dropped": [
        {"judge": "J1", "criterion": None, "mark": "70", "side": "low"},
        {"judge": "J5", "criterion": None, "mark": "90", "side": "high"},
    ],
    "totals": {"J1": "70", "J2": "80.5", "J3": "81", "J4": "82", "J5": "90"},
    "criteria": None,
    "criterion_marks": CRITERION_MARKS,
    "untrimmed_mean": "807/10",
}
SECOND_FIGURES = {
    **FIRST_FIGURES,
    "dropped": [
        {"judge": "J1", "criterion": None, "mark": "72", "side": "low"},
        {"judge": "J5", "criterion": None, "mark": "85", "side": "high"},
    ],
    "totals": {"J1": "72", "J2": "80.5", "J3": "81", "J4": "82", "J5": "85"},
    "untrimmed_mean": "801/10",
}


def test_the_recorded_and_recomputed_result_is_the_panel_computed_by_hand() -> None:
    """The figures stored, recorded in the ledger and recomputed by the replay, against a panel
    worked out by hand (above): none of them comes from the code under test."""
    world = make_arena_world(participants=2, judges=5)
    first = score_current(world, FIRST_SHEETS)
    second = score_current(world, SECOND_SHEETS)
    console.close_arena(arena=world.refresh(), by=world.host_user)
    chain = chain_of(world)
    entries = entries_of(chain)
    bodies = [(e["kind"], json.loads(e["body"])["data"]) for e in entries]

    replay = replay_arena(chain, entries)
    assert replay.problems == []
    for participant, figures in ((first, FIRST_FIGURES), (second, SECOND_FIGURES)):
        code = participant.unit.code
        sheet_seqs = sorted(
            e["seq"]
            for e, (kind, data) in zip(entries, bodies, strict=True)
            if kind == "sheet" and data["participant"] == code
        )
        expected = {**figures, "sheets": sheet_seqs}
        participant.refresh_from_db()
        assert participant.result == expected  # stored and published
        assert participant.score == Decimal(figures["score"])
        recorded = next(
            d["result"] for k, d in bodies if k == "confirmed" and d["participant"] == code
        )
        assert recorded == expected  # in the ledger
        recomputed = replay.participants[code].score
        assert recomputed is not None
        assert result_figures(recomputed) == figures  # by the replay, from the sheets alone
    ranking = [(p.unit.code, p.rank, p.tied) for p in (first, second)]
    assert ranking == [(first.unit.code, 1, False), (second.unit.code, 2, False)]
    replayed = [(code, replay.participants[code].rank) for code, _, _ in ranking]
    assert replayed == [(first.unit.code, 1), (second.unit.code, 2)]
    closed = next(d["ranking"] for k, d in bodies if k == "closed")
    assert [
        (row["participant"], row["rank"], row["score"], row["decided_by"]) for row in closed
    ] == [
        (first.unit.code, 1, "81.17", "untrimmed_mean"),
        (second.unit.code, 2, "81.17", "untrimmed_mean"),
    ]
    assert run_verify()[0] == 0


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
    # The entries, the heads, the arenas' rows (four reads), the evidence's honours and vetoes
    # (two), the daily imports' (one), the holiday calendar's years and days (two), and the
    # change chains' heads (programmes', units': one each): none grows with the number of
    # arenas or entries.
    assert len(two) == len(one) == 13
