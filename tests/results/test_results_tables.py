"""The results tables (leitai.arenas.results.tables) checked against arithmetic done by hand."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest
from django.utils import translation
from scipy import stats

from leitai.arenas.models import ParticipantStatus
from leitai.arenas.results.reliability import REASON_TRANSLATIONS, explain
from leitai.arenas.results.tables import Audience, CellState, Standing, build_results
from leitai.arenas.services import console, sheets
from leitai.ledger.chain import arena_chain, head_of
from leitai.scoring.reasons import SENTENCES, Reason
from tests.arena_factories import in_order, make_arena_world, marks, score_current
from tests.results.days import (
    CORRECTION_REASON,
    FIRST,
    FOURTH,
    RECUSAL_REASON,
    SECOND,
    full_day,
    mean,
    scored_day,
    total,
    trimmed_score,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> None:
    translation.activate("en")


def test_panel_scores_equal_the_trimmed_means_done_by_hand() -> None:
    day = full_day()
    results = build_results(day.world.arena)
    by_id = {r.participant.pk: r for r in results.participants}
    expected = {
        day.first.pk: trimmed_score([total(s) for s in FIRST.values()]),
        day.second.pk: trimmed_score([total(s) for s in SECOND.values()]),
        day.fourth.pk: trimmed_score([total(s) for s in FOURTH.values()]),
    }
    assert expected == {
        day.first.pk: Decimal("79.50"),
        day.second.pk: Decimal("78.33"),
        day.fourth.pk: Decimal("78.67"),
    }
    assert {pk: Decimal(by_id[pk].score) for pk in expected} == expected
    assert [r.participant.pk for r in results.ranked] == [
        day.first.pk,
        day.fourth.pk,
        day.second.pk,
    ]
    assert [r.rank for r in results.ranked] == [1, 2, 3]
    # The stored final ranking agrees with the one the page shows.
    assert [(r.participant.rank, r.participant.tied) for r in results.ranked] == [
        (1, False),
        (2, False),
        (3, False),
    ]
    assert results.final


def test_dropped_totals_are_the_highest_and_lowest() -> None:
    day = full_day()
    first = next(r for r in build_results(day.world.arena).participants if r.rank == 1)
    dropped = {c.judge.code: c.drop_side for c in first.cells if c.total_dropped}
    assert dropped == {"J1": "high", "J4": "low"}
    assert first.note == "6 judges: the 1 highest and 1 lowest dropped"
    assert [c.total for c in first.cells] == ["83", "80", "79", "75", "81", "78"]
    assert [m.value for m in first.cells[0].marks] == ["28", "15", "20", "20"]


def test_recused_absent_paper_and_corrected_cells_are_explained() -> None:
    day = full_day()
    results = build_results(day.world.arena)
    by_id = {r.participant.pk: r for r in results.participants}
    second = {c.judge.code: c for c in by_id[day.second.pk].cells}
    assert second["J3"].state is CellState.RECUSED
    assert RECUSAL_REASON in second["J3"].reason
    assert second["J3"].marks == []
    assert second["J2"].paper
    assert second["J2"].entered_by == day.world.host_user.label
    assert not second["J1"].paper

    fourth = {c.judge.code: c for c in by_id[day.fourth.pk].cells}
    assert fourth["J6"].state is CellState.ABSENT
    assert fourth["J6"].reason == "left early: scored up to position 3"
    assert fourth["J2"].correction is not None
    assert fourth["J2"].correction.reason == CORRECTION_REASON
    assert fourth["J2"].correction.previous_total == "65"
    assert fourth["J2"].total == "80"
    assert fourth["J1"].correction is None

    absent = by_id[day.absent.pk]
    assert absent.standing is Standing.ABSENT
    assert absent.rank is None
    assert results.unranked == [absent]


def test_judge_deviation_is_each_total_against_the_others_mean() -> None:
    day = full_day()
    reliability = build_results(day.world.arena).reliability
    assert reliability is not None
    # J1 scored all three: each total minus the mean of the other judges on that participant.
    others = [
        total(FIRST["J1"]) - mean([total(s) for j, s in FIRST.items() if j != "J1"]),
        total(SECOND["J1"]) - mean([total(s) for j, s in SECOND.items() if j != "J1"]),
        total(FOURTH["J1"]) - mean([total(s) for j, s in FOURTH.items() if j != "J1"]),
    ]
    expected = mean(others)
    j1 = next(d for d in reliability.deviations if d.judge.code == "J1")
    assert j1.cells == 3
    assert j1.mean_deviation.value == pytest.approx(float(expected))
    assert j1.mean_deviation.text == "+4.01"
    assert j1.mean_abs_deviation.value == pytest.approx(float(mean([abs(d) for d in others])))


def test_reliability_with_missing_cells_is_undefined_with_the_reason() -> None:
    day = full_day()
    reliability = build_results(day.world.arena).reliability
    assert reliability is not None
    # Only the first participant was scored by all six judges: one complete case.
    assert (reliability.participants_used, reliability.participants_excluded) == (1, 2)
    assert reliability.kendall.w.text == "—"
    assert reliability.kendall.reason == (
        "needs at least 2 participants scored by every judge, and 2 judges (have 1 × 6)"
    )
    assert all(icc.value.text == "—" and icc.reason for icc in reliability.iccs)
    j3 = next(d for d in reliability.deviations if d.judge.code == "J3")
    assert j3.correlation.text == "—"
    assert j3.correlation.reason == "needs at least 3 participants scored with the others (has 2)"


def test_kendall_w_agrees_with_a_hand_computation() -> None:
    world = scored_day(4, 5)
    results = build_results(world.arena)
    reliability = results.reliability
    assert reliability is not None
    table = np.array(
        [[float(v) for v in r.participant.result["totals"].values()] for r in results.ranked]
    )
    n, m = table.shape
    ranks = stats.rankdata(table, axis=0)
    spread = ((ranks.sum(axis=1) - m * (n + 1) / 2) ** 2).sum()
    ties = sum(
        int((c**3 - c).sum()) for c in (np.unique(col, return_counts=True)[1] for col in table.T)
    )
    expected = 12 * spread / (m**2 * (n**3 - n) - m * ties)
    assert reliability.kendall.w.value == pytest.approx(expected)
    assert reliability.kendall.df == n - 1
    assert reliability.kendall.chi2.value == pytest.approx(m * (n - 1) * expected)
    assert reliability.participants_used == 4


def test_all_equal_marks_give_dashes_with_reasons_never_nan() -> None:
    world = make_arena_world(participants=3, judges=5)
    for _ in range(3):
        score_current(world, {f"J{i}": marks("20") for i in range(1, 6)})
    console.close_arena(arena=world.refresh(), by=world.host_user)
    results = build_results(world.refresh())
    reliability = results.reliability
    assert reliability is not None
    assert reliability.kendall.w.text == "—"
    assert reliability.kendall.reason == "every judge gave every participant the same mark"
    assert reliability.kendall.p_text == "—"
    for icc in reliability.iccs:
        assert icc.value.text == "—"
        assert icc.reason == (
            "the participants' marks do not differ (no variance between participants)"
        )
    for deviation in reliability.deviations:
        assert deviation.mean_deviation.text == "0.00"
        assert deviation.correlation.text == "—"
        assert deviation.correlation.reason
        assert not deviation.flagged
    assert not reliability.corridor.defined
    # Three equal scores, equal untrimmed means: one tie nobody can break.
    assert [(r.rank, r.tied) for r in results.ranked] == [(1, True)] * 3
    texts = [f.text for i in reliability.iccs for f in (i.value, i.low, i.high)]
    assert "nan" not in " ".join(texts).lower()


def test_a_tie_the_chain_cannot_break_is_flagged_for_a_decision() -> None:
    world = make_arena_world(participants=3, judges=5)
    same = {f"J{i}": marks(str(20 + i)) for i in range(1, 6)}
    score_current(world, same)
    score_current(world, same)
    score_current(world, {f"J{i}": marks("10") for i in range(1, 6)})
    console.close_arena(arena=world.refresh(), by=world.host_user)
    results = build_results(world.refresh())
    assert [(r.rank, r.tied) for r in results.ranked] == [(1, True), (1, True), (3, False)]
    assert results.ties == results.ranked[:2]
    assert results.ranked[0].tie_text == "Tie unbroken: a recorded decision is needed"
    assert results.ranked[2].tie_text == ""


def test_a_tie_broken_by_the_untrimmed_mean_names_it() -> None:
    world = make_arena_world(participants=2, judges=5)
    # Totals 70, 78, 78, 78, 90 and 76, 78, 78, 78, 80: both 78.00 trimmed; 78.8 against 78.
    wide = dict(zip(["J1", "J2", "J3", "J4", "J5"], ["15", "23", "23", "23", "30"], strict=True))
    wide_marks = {code: marks(v) for code, v in wide.items()}
    wide_marks["J5"] = marks("30", "20", "20", "20")
    narrow = dict(zip(["J1", "J2", "J3", "J4", "J5"], ["21", "23", "23", "23", "25"], strict=True))
    first = score_current(world, wide_marks)
    second = score_current(world, {code: marks(v) for code, v in narrow.items()})
    console.close_arena(arena=world.refresh(), by=world.host_user)
    assert first.result["score"] == second.result["score"] == "78.00"
    results = build_results(world.refresh())
    assert [(r.participant.pk, r.rank, r.tied) for r in results.ranked] == [
        (first.pk, 1, False),
        (second.pk, 2, False),
    ]
    assert results.ranked[0].tie_text == (
        "Equal score; placed by the mean of all judges' totals, nothing dropped"
    )


def test_provisional_results_show_no_mark_of_an_unconfirmed_participant() -> None:
    world = make_arena_world(participants=3, judges=3)
    done = score_current(world, {f"J{i}": marks("20") for i in range(1, 4)})
    arena = world.refresh()
    current = console.call_next(arena=arena, expected_current=done.pk, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=current.pk, marks=marks("27.5"), key="x"
    )
    results = build_results(world.refresh())
    assert not results.final
    entry = next(r for r in results.participants if r.participant.pk == current.pk)
    assert entry.standing is Standing.IN_PROGRESS
    assert [c.state for c in entry.cells] == [
        CellState.WAITING,
        CellState.SUBMITTED,
        CellState.WAITING,
    ]
    assert all(c.marks == [] and c.total is None for c in entry.cells)
    assert [r.participant.pk for r in results.ranked] == [done.pk]


def test_public_audience_sees_shown_results_only_and_marks_as_the_arena_allows() -> None:
    world = make_arena_world(participants=3, judges=5)
    shown = score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 6)})
    arena = world.refresh()
    confirmed = console.call_next(arena=arena, expected_current=shown.pk, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=confirmed.pk, by=world.host_user)
    for i in range(1, 6):
        sheets.submit_sheet(
            judge=world.judge(f"J{i}"), participant_id=confirmed.pk, marks=marks("29"), key=f"c{i}"
        )
    sheets.confirm_result(participant_id=confirmed.pk, judge=world.judge("J1"))

    public = build_results(world.refresh(), audience=Audience.PUBLIC)
    assert [r.participant.pk for r in public.ranked] == [shown.pk]
    assert public.reliability is None
    assert all(r.cells == [] for r in public.participants)
    # reveal_marks defaults to "with each confirmed result": the judges' totals, J1 and J5 struck.
    totals = [(c.judge.code, c.total, c.total_dropped) for c in public.ranked[0].public_marks]
    assert totals == [
        ("J1", "76", True),
        ("J2", "77", False),
        ("J3", "78", False),
        ("J4", "79", False),
        ("J5", "80", True),
    ]

    arena = world.refresh()
    arena.reveal_marks = "never"
    assert build_results(arena, audience=Audience.PUBLIC).ranked[0].public_marks == []
    arena.reveal_marks = "at_end"
    assert build_results(arena, audience=Audience.PUBLIC).ranked[0].public_marks == []


def test_chain_head_and_draw_data_are_the_records() -> None:
    world = scored_day(2, 3)
    results = build_results(world.arena, audience=Audience.PUBLIC)
    assert (results.chain_seq, results.chain_hash) == head_of(arena_chain(world.arena.pk))
    assert results.chain_seq > 0
    draw = results.draw
    arena = world.arena
    assert draw.commitment == arena.draw_commitment
    assert draw.seed == arena.draw_seed
    assert draw.public == "20260711"
    assert [code for _position, code, _name in draw.order] == arena.draw_order
    assert draw.command.startswith("leitai draw verify --seed ")
    assert [p.unit.code for p in in_order(world)] == arena.draw_order


def test_seed_stays_secret_until_revealed() -> None:
    world = make_arena_world(participants=2, judges=3, go_live=False)
    from leitai.arenas.services import draw

    draw.freeze_list(arena=world.arena, by=world.host_user)
    draw.draw(arena=world.refresh(), public="8848", by=world.host_user)
    results = build_results(world.refresh(), audience=Audience.PUBLIC)
    assert results.draw.commitment
    assert results.draw.seed == ""
    assert results.draw.command == ""
    assert world.arena.draw_seed not in str(results.draw)
    assert all(p.status == ParticipantStatus.WAITING for p in in_order(world))


def test_a_reversed_icc_interval_is_shown_as_a_dash_with_the_reason() -> None:
    world = make_arena_world(participants=3, judges=5)
    # Totals 80..76, 76..80 and 75..79: the judges disagree on the order; ICC(2,k) is -2 and
    # its k-judge transform puts the lower end above the upper one.
    for start, step in ((25, -1), (21, 1), (20, 1)):
        score_current(world, {f"J{i}": marks(str(start + step * (i - 1))) for i in range(1, 6)})
    console.close_arena(arena=world.refresh(), by=world.host_user)
    reliability = build_results(world.refresh()).reliability
    assert reliability is not None
    by_name = {icc.name: icc for icc in reliability.iccs}
    icc2k = by_name["ICC(2,k)"]
    assert icc2k.value.text == "-2.000"
    assert icc2k.interval == "—"
    assert (
        icc2k.interval_reason == "no meaningful interval: the panel agrees less than chance would"
    )
    assert by_name["ICC(1,1)"].interval == "[-0.210, 0.835]"
    assert ("no meaningful interval: the panel agrees less than chance would", "ICC(2,k)") in (
        reliability.icc_notes
    )


def test_reasons_from_the_scoring_core_are_translated_by_code() -> None:
    outside = Reason("outside_corridor", outside=3, count=4, width="1.588")
    lean = Reason("lean_below", by="4.4", width="1.588")
    assert outside == "3 of 4 marks outside the corridor ±1.588"  # the core's English, as is
    with translation.override("en"):
        assert explain(outside) == "3 of 4 totals outside the corridor ±1.588"
        assert explain(lean) == "marks 4.4 below the others on average (corridor ±1.588)"
        assert explain("a sentence from elsewhere") == "a sentence from elsewhere"
        assert explain(None) == ""
    with translation.override("zh-hans"):
        assert explain(outside) == "4 个总分中有 3 个超出偏差区间 ±1.588"
        assert explain(Reason("judge_constant")) != str(Reason("judge_constant"))


def test_every_reason_of_the_scoring_core_has_a_translation() -> None:
    assert set(REASON_TRANSLATIONS) == set(SENTENCES)
    for code, sentence in SENTENCES.items():
        names = set(re.findall(r"\{(\w+)\}", sentence))
        assert set(re.findall(r"%\((\w+)\)s", REASON_TRANSLATIONS[code])) == names, code
