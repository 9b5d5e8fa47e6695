"""Robustness of a track's cut (issue 12): the bootstrap over the re-evaluation judges, with the
scoring core's verdicts, against cases enumerated by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from leitai.scoring.analysis.batch import MarkTable
from leitai.scoring.analysis.robustness import Verdict
from leitai.scoring.analysis.selection_robustness import bootstrap_selection
from leitai.scoring.panel import Method, PanelRule
from leitai.scoring.selection import COMPONENTS, ComponentArrays, composite, determine

MEAN = PanelRule(method=Method.MEAN)


def table(values: list[list[int]], present: list[list[bool]] | None = None) -> MarkTable:
    marks = np.array(values, dtype=np.int64)
    shown = np.ones(marks.shape, dtype=bool) if present is None else np.array(present)
    return MarkTable(marks[:, :, None], shown, 0, (Decimal(1),))


def others(*rows: tuple[int, int, int]) -> ComponentArrays:
    """Arena, daily and honours per candidate (reeval is the bootstrap's)."""
    return ComponentArrays.from_values(
        [
            dict(zip(COMPONENTS, (Fraction(a), Fraction(0), Fraction(d), Fraction(h)), strict=True))
            for a, d, h in rows
        ]
    )


def test_two_judges_enumerated_by_hand_with_a_vetoed_candidate() -> None:
    # Judges A, B (maximum 10): X gets 9, 5 and Y 6, 8; the rest equal. Redrawing two judges:
    # AA (¼) X ahead, AB/BA (½) both 7 — equal composites and components: rank 1 together —,
    # BB (¼) Y ahead. P(in the top 1) = ¾ each. Z is vetoed: no rank, no verdict.
    result = bootstrap_selection(
        table([[9, 5], [6, 8], [10, 10]]),
        Decimal(10),
        others((50, 50, 50), (50, 50, 50), (100, 100, 100)),
        np.array([False, False, True]),
        top=1,
        panel_rule=MEAN,
        samples=20_000,
        seed=7,
    )
    assert [(p.candidate, p.rank, p.status) for p in result.places] == [
        (0, 1, "tie"),
        (1, 1, "tie"),
        (2, 0, "vetoed"),
    ]
    for place in result.places[:2]:
        assert place.p_in == pytest.approx(0.75, abs=0.015)
        assert (place.rank_low, place.rank_high) == (1, 2)
        assert place.verdict is Verdict.UNCERTAIN
    vetoed = result.places[2]
    assert (vetoed.p_in, vetoed.verdict, vetoed.rank_low) == (None, None, None)


def test_the_tie_break_chain_decides_inside_each_sample() -> None:
    # Equal composites when the re-evaluation is equal (30 × 50 + 25 × 60 = 30 × 60 + 25 × 48),
    # so in AB/BA the chain's second link, arena, puts Y first: P(X in top 1) = ¼, P(Y) = ¾.
    result = bootstrap_selection(
        table([[9, 5], [6, 8]]),
        Decimal(10),
        others((50, 60, 0), (60, 48, 0)),
        np.zeros(2, dtype=bool),
        top=1,
        panel_rule=MEAN,
        samples=20_000,
        seed=3,
    )
    p_in = {p.candidate: p.p_in for p in result.places}
    assert p_in[0] == pytest.approx(0.25, abs=0.015)
    assert p_in[1] == pytest.approx(0.75, abs=0.015)
    assert [p.status for p in result.places] == ["in", "out"]  # Y first: arena breaks the tie


def test_unanimous_judges_give_sure_verdicts_and_the_published_cut() -> None:
    marks = [[90, 90, 90], [60, 60, 60], [75, 75, 75], [80, 80, 80]]
    rest = others((100, 80, 0), (50, 50, 50), (60, 60, 60), (70, 70, 70))
    result = bootstrap_selection(
        table(marks), Decimal(100), rest, np.zeros(4, dtype=bool), top=2, samples=300
    )
    assert [(p.candidate, p.verdict) for p in result.places] == [
        (0, Verdict.SURELY_IN),
        (3, Verdict.SURELY_IN),
        (2, Verdict.SURELY_OUT),
        (1, Verdict.SURELY_OUT),
    ]
    assert [(p.rank_low, p.rank_high) for p in result.places] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    # The published figures are the determination's own.
    values = [
        dict(zip(COMPONENTS, (Fraction(a), Fraction(m[0]), Fraction(d), Fraction(h)), strict=True))
        for m, (a, d, h) in zip(
            marks, ((100, 80, 0), (50, 50, 50), (60, 60, 60), (70, 70, 70)), strict=True
        )
    ]
    composites, cut = determine(ComponentArrays.from_values(values), np.zeros(4, dtype=bool), 2)
    by_candidate = {p.candidate: p for p in result.places}
    for i, value in enumerate(values):
        assert Decimal(by_candidate[i].composite_units).scaleb(-2) == composite(value)
        assert by_candidate[i].composite_units == int(composites[i])
        assert by_candidate[i].rank == int(cut.rank[i])


def test_same_seed_same_result() -> None:
    rng = np.random.default_rng(5)
    marks = rng.integers(50, 100, size=(30, 7)).tolist()
    rest = others(*[tuple(int(v) for v in rng.integers(0, 101, size=3)) for _ in range(30)])
    run = [
        bootstrap_selection(
            table(marks), Decimal(100), rest, np.zeros(30, dtype=bool), top=8, samples=200, seed=s
        )
        for s in (11, 11, 12)
    ]
    assert run[0] == run[1]
    assert run[0] != run[2]


def test_a_candidate_whose_judges_were_not_drawn_is_last_in_that_sample() -> None:
    # Only judge A scored X (B recused): whenever BB is drawn (¼), X has no score and is last.
    result = bootstrap_selection(
        table([[9, 0], [5, 5]], [[True, False], [True, True]]),
        Decimal(10),
        others((50, 50, 50), (50, 50, 50)),
        np.zeros(2, dtype=bool),
        top=1,
        panel_rule=MEAN,
        samples=20_000,
        seed=1,
    )
    x = next(p for p in result.places if p.candidate == 0)
    assert x.p_in == pytest.approx(0.75, abs=0.015)


def test_row_wise_competition_ranks_equal_the_cuts_ranks() -> None:
    from leitai.scoring.analysis.selection_robustness import competition_ranks
    from leitai.scoring.selection import rank_cut

    rng = np.random.default_rng(9)
    keys = [rng.integers(0, 4, size=(50, 12)) for _ in range(3)]
    ranks = competition_ranks(keys)
    for row in range(50):
        cut = rank_cut(keys[0][row], [k[row] for k in keys[1:]], np.zeros(12, dtype=bool), 3)
        assert ranks[row].tolist() == cut.rank.tolist()


def test_a_median_panel_is_resampled_by_sorting_with_the_same_answer_when_unanimous() -> None:
    result = bootstrap_selection(
        table([[90] * 5, [60] * 5, [75] * 5]),
        Decimal(100),
        others((50, 50, 50), (50, 50, 50), (50, 50, 50)),
        np.zeros(3, dtype=bool),
        top=1,
        panel_rule=PanelRule(method=Method.MEDIAN),
        samples=100,
    )
    assert [(p.candidate, p.p_in, p.verdict) for p in result.places] == [
        (0, 1.0, Verdict.SURELY_IN),
        (2, 0.0, Verdict.SURELY_OUT),
        (1, 0.0, Verdict.SURELY_OUT),
    ]
