"""Property tests: the batch path equals the scalar path, and the aggregation laws hold."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.analysis.batch import NO_JUDGE, MarkTable, aggregate_batch, rank_batch
from leitai.scoring.exact import round_half_up
from leitai.scoring.panel import Method, Mode, PanelRule, aggregate_marks, score_panel
from leitai.scoring.ranking import TieBreak, rank_panel_scores

WEIGHTS = [Decimal(1), Decimal("0.5"), Decimal("0.6"), Decimal(2), Decimal("0.25")]

rules = st.builds(
    PanelRule,
    mode=st.sampled_from(list(Mode)),
    method=st.sampled_from(list(Method)),
    trim=st.integers(0, 2),
    min_panel=st.integers(5, 7),
    decimals=st.integers(0, 3),
)


@st.composite
def panels(draw, max_participants=6, max_judges=9):
    participants = draw(st.integers(1, max_participants))
    judges = draw(st.integers(1, max_judges))
    criteria = draw(st.integers(1, 3))
    # Marks in quarters (0–10) so that exact halves and shared extremes are common.
    quarters = draw(
        st.lists(
            st.integers(0, 40),
            min_size=participants * judges * criteria,
            max_size=participants * judges * criteria,
        )
    )
    present = draw(
        st.lists(st.booleans(), min_size=participants * judges, max_size=participants * judges)
    )
    present_array = np.array(present, dtype=bool).reshape(participants, judges)
    present_array[:, 0] |= ~present_array.any(axis=1)  # every participant has a judge
    weights = tuple(draw(st.sampled_from(WEIGHTS)) for _ in range(criteria))
    values = np.array(quarters, dtype=np.int64).reshape(participants, judges, criteria) * 25
    values[~present_array] = 0
    return MarkTable(values, present_array, 2, weights)


def as_sheets(table: MarkTable, participant: int) -> dict[str, dict[str, Decimal]]:
    sheets = {}
    for judge in range(table.present.shape[1]):
        if table.present[participant, judge]:
            sheets[f"J{judge}"] = {
                f"c{c}": Decimal(int(table.values[participant, judge, c])).scaleb(-table.exponent)
                for c in range(table.values.shape[2])
            }
    return sheets


def weights_of(table: MarkTable) -> dict[str, Decimal]:
    return {f"c{c}": w for c, w in enumerate(table.weights)}


@settings(max_examples=150)
@given(
    panels(), rules, st.sampled_from([(), ("untrimmed_mean",), ("criterion:c0", "untrimmed_mean")])
)
def test_batch_path_publishes_the_same_figures_as_the_scalar_path(table, rule, chain):
    assert table.present.shape[1] <= 10  # judge codes J0…J9 sort like their columns
    tie_breaks = [TieBreak.parse(name) for name in chain]
    batch = aggregate_batch(table, rule, criterion_marks=True)
    scalar = {}
    for p in range(table.values.shape[0]):
        result = score_panel(as_sheets(table, p), weights=weights_of(table), rule=rule)
        scalar[f"P{p}"] = result
        assert batch.score(p) == result.score
        assert int(batch.judges[p]) == result.judges
        if rule.mode is Mode.TOTAL:
            low = [f"J{j}" for j in batch.dropped_low[p] if j != NO_JUDGE]
            high = [f"J{j}" for j in batch.dropped_high[p] if j != NO_JUDGE]
        else:
            low = [f"J{j}" for row in batch.dropped_low[p] for j in row if j != NO_JUDGE]
            high = [f"J{j}" for row in batch.dropped_high[p] for j in row if j != NO_JUDGE]
        assert sorted(low) == sorted(d.judge for d in result.dropped if d.side == "low")
        assert sorted(high) == sorted(d.judge for d in result.dropped if d.side == "high")
        if result.criteria is not None:
            assert batch.weighted_units is not None
            for c, key in enumerate(weights_of(table)):
                assert int(batch.weighted_units[p, c]) == int(
                    result.criteria[key].weighted.scaleb(rule.decimals)
                )
    ranks, tied, _ = rank_batch(batch, tie_breaks, list(weights_of(table)))
    for placing in rank_panel_scores(scalar, tie_breaks):
        p = int(placing.participant[1:])
        assert (int(ranks[p]), bool(tied[p])) == (placing.rank, placing.tied)


@settings(max_examples=100)
@given(panels(max_participants=1), rules, st.randoms(use_true_random=False))
def test_score_is_invariant_under_permuting_judges(table, rule, rnd):
    sheets = as_sheets(table, 0)
    judges = list(sheets)
    shuffled = judges[:]
    rnd.shuffle(shuffled)
    # Renaming judges by a permutation changes which judge is named, never the figure.
    renamed = {new: sheets[old] for old, new in zip(judges, shuffled, strict=True)}
    reordered = dict(reversed(list(sheets.items())))
    weights = weights_of(table)
    base = score_panel(sheets, weights=weights, rule=rule).score
    assert score_panel(renamed, weights=weights, rule=rule).score == base
    assert score_panel(reordered, weights=weights, rule=rule).score == base


@settings(max_examples=60)
@given(panels(), rules, st.randoms(use_true_random=False))
def test_ranking_is_invariant_under_permuting_participants(table, rule, rnd):
    scores = {
        f"P{p}": score_panel(as_sheets(table, p), weights=weights_of(table), rule=rule)
        for p in range(table.values.shape[0])
    }
    names = list(scores)
    rnd.shuffle(names)
    shuffled = {name: scores[name] for name in names}
    chain = [TieBreak.parse("untrimmed_mean")]
    assert rank_panel_scores(shuffled, chain) == rank_panel_scores(scores, chain)


@settings(max_examples=100)
@given(panels(max_participants=1), st.integers(0, 2))
def test_trimmed_result_lies_within_the_kept_marks(table, trim):
    rule = PanelRule(method=Method.TRIMMED, trim=trim, min_panel=max(5, 2 * trim + 1), decimals=6)
    result = score_panel(as_sheets(table, 0), weights=weights_of(table), rule=rule)
    dropped = [(d.judge, d.side) for d in result.dropped]
    kept = [
        total
        for judge, total in result.judge_totals.items()
        if (judge, "low") not in dropped and (judge, "high") not in dropped
    ]
    assert min(kept) <= result.score <= max(kept)
    assert all(d.mark <= min(kept) for d in result.dropped if d.side == "low")
    assert all(d.mark >= max(kept) for d in result.dropped if d.side == "high")


@settings(max_examples=100)
@given(panels(max_participants=1), rules, st.integers(-20, 20))
def test_adding_a_constant_to_every_mark_adds_it_to_the_result(table, rule, quarters):
    shift = Fraction(quarters, 4)
    marks = {
        f"J{j}": Fraction(int(table.values[0, j, 0]), 100)
        for j in range(table.present.shape[1])
        if table.present[0, j]
    }
    shifted = {judge: mark + shift for judge, mark in marks.items()}
    # Exactly, for any shift …
    assert aggregate_marks(shifted, rule)[0] == aggregate_marks(marks, rule)[0] + shift
    # … and for the published figure when the shift is on the rounding grid and the sign is kept
    # (half-up rounds halves away from zero, which is symmetric, not translation-invariant).
    if quarters >= 0 and rule.decimals >= 2:
        sheets = {
            judge: {"c0": Decimal(mark.numerator) / mark.denominator}
            for judge, mark in marks.items()
        }
        moved = {judge: {"c0": s["c0"] + Decimal(quarters) / 4} for judge, s in sheets.items()}
        one = {"c0": Decimal(1)}
        base = score_panel(sheets, weights=one, rule=rule).score
        assert score_panel(moved, weights=one, rule=rule).score == base + Decimal(quarters) / 4


@settings(max_examples=60)
@given(panels(), rules)
def test_ranks_are_consistent_with_scores(table, rule):
    batch = aggregate_batch(table, rule)
    ranks, tied, order = rank_batch(batch)
    scores = batch.score_units
    for a in range(len(scores)):
        for b in range(len(scores)):
            if scores[a] > scores[b]:
                assert ranks[a] < ranks[b]
            if scores[a] == scores[b]:
                assert ranks[a] == ranks[b]
                assert a == b or (tied[a] and tied[b])
    assert list(np.sort(ranks)) == [int(ranks[i]) for i in order]
    # Competition ranking: rank = 1 + number strictly better.
    for a in range(len(scores)):
        assert ranks[a] == 1 + int((scores > scores[a]).sum())


@given(st.integers(-(10**6), 10**6), st.integers(0, 4))
def test_half_up_rounds_exact_halves_away_from_zero(units, decimals):
    # units + 1/2 at `decimals` places is an exact half; it rounds to units + 1 (or − 1 below 0).
    half = Fraction(2 * units + 1, 2 * 10**decimals)
    expected = units + 1 if units >= 0 else units
    assert round_half_up(half, decimals) == Decimal(expected).scaleb(-decimals)
    assert round_half_up(-half, decimals) == -Decimal(expected).scaleb(-decimals)
