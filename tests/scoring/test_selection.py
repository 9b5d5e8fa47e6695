"""Determination (issue 12): the arena component, the composite, the ranking and the cut —
hand-computed cases, and the array path equal to the one-candidate definition."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.selection import (
    COMPONENTS,
    ComponentArrays,
    CompositeRule,
    SelectionError,
    Status,
    arena_component_arrays,
    arena_components,
    composite,
    composite_units,
    determine,
    rank_cut,
    reeval_component,
)

D = Decimal


def row(arena: object, reeval: object, daily: object, honours: object) -> dict[str, Fraction]:
    return {
        name: Fraction(value)  # type: ignore[arg-type]
        for name, value in zip(COMPONENTS, (arena, reeval, daily, honours), strict=True)
    }


# --- arena component -----------------------------------------------------------------------------


def test_arena_component_is_the_mid_rank_percentile() -> None:
    # n = 4; the tie group at positions 2 and 3 has r = 2.5: 100 × 1.5 / 3 = 50.
    assert arena_components([D(9), D(8), D(8), D(7)]) == [100, 50, 50, 0]
    # r = 2 for the middle of three: 100 × 1 / 2; all equal: r = 2, 50 each.
    assert arena_components([D(7), D(9), D(8)]) == [0, 100, 50]
    assert arena_components([D(5), D(5), D(5)]) == [50, 50, 50]
    # Six ranked, a pair at positions 1–2 (r = 1.5): 100 × 4.5 / 5 = 90.
    assert arena_components([D(9)] * 2 + [D(8), D(7), D(6), D(5)])[:3] == [90, 90, 60]
    assert arena_components([D("8.75")]) == [100]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), min_size=1, max_size=40))
def test_arena_component_arrays_equal_the_definition(pairs: list[tuple[int, int]]) -> None:
    arena = np.array([a for a, _ in pairs], dtype=np.int64)
    score = np.array([s for _, s in pairs], dtype=np.int64)
    numerator, denominator = arena_component_arrays(arena, score)
    for a in set(arena.tolist()):
        members = np.flatnonzero(arena == a)
        expected = arena_components([int(score[i]) for i in members])
        got = [Fraction(int(numerator[i]), int(denominator[i])) for i in members]
        assert got == expected


def test_reeval_component_is_a_percentage_of_the_maximum() -> None:
    assert reeval_component(D("87.5"), D(100)) == Fraction(175, 2)
    assert reeval_component(D("7"), D(30)) == Fraction(70, 3)
    with pytest.raises(SelectionError):
        reeval_component(D(1), D(0))


# --- composite -----------------------------------------------------------------------------------


def test_composite_with_the_default_weights() -> None:
    # 0.3 × 90 + 0.3 × 80 + 0.25 × 70 + 0.15 × 60
    assert composite(row(90, 80, 70, 60)) == D("77.50")
    assert composite(row(100, 100, 100, 100)) == D("100.00")
    assert composite(row(0, 0, 0, 0)) == D("0.00")


def test_composite_is_exact_from_unrounded_components_and_rounded_half_up_once() -> None:
    # 0.3 × 1/60 = 0.005 exactly: half-up to 0.01 (a float product lands below the half).
    assert composite(row(Fraction(1, 60), 0, 0, 0)) == D("0.01")
    # 0.3 × 0.015 = 0.0045 → 0.00; rounding the component first (0.02) would give 0.01.
    assert composite(row(Fraction(3, 200), 0, 0, 0)) == D("0.00")
    # Arena 200/3 (66.67 rounded) × 0.3 = 20 exactly.
    assert composite(row(Fraction(200, 3), 0, 0, 0)) == D("20.00")


def test_composite_weights_change_it() -> None:
    rule = CompositeRule(weights={"arena": D(50), "reeval": D("49.5"), "honours": D("0.5")})
    assert composite(row(80, 60, 100, 100), rule) == D("70.20")  # 40 + 29.7 + 0 + 0.5


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"weights": {"arena": 30, "reeval": 30, "daily": 25, "honours": 14}}, "weights"),
        ({"weights": {"arena": 100, "bogus": 0}}, "weights"),
        ({"weights": {"arena": "100.001", "reeval": "-0.001"}}, "weights.arena"),
        ({"weights": {"arena": -10, "reeval": 110}}, "weights.arena"),
        ({"weights": {"arena": "abc"}}, "weights.arena"),
        ({"weights": {"arena": 100.0}}, "weights.arena"),
        ({"tie_breaks": ["reeval", "bogus"]}, "tie_breaks"),
        ({"tie_breaks": ["reeval", "reeval"]}, "tie_breaks"),
        ({"tie_breaks": "reeval"}, "tie_breaks"),
        ({"other": 1}, "composite"),
    ],
)
def test_rule_records_the_rule_cannot_use_are_refused(record: dict, field: str) -> None:
    with pytest.raises(SelectionError) as caught:
        CompositeRule.from_record(record)
    assert caught.value.field == field


def test_weights_not_summing_to_100_name_the_sum() -> None:
    with pytest.raises(SelectionError, match=r"the weights sum to 99, not 100"):
        CompositeRule.from_record({"weights": {"arena": 99}})


def test_rule_record_round_trip() -> None:
    assert CompositeRule.from_record(None) == CompositeRule.DEFAULT
    rule = CompositeRule.from_record(
        {"weights": {"arena": "40", "reeval": "35.5", "daily": "24.5"}, "tie_breaks": ["daily"]}
    )
    assert CompositeRule.from_record(rule.to_record()) == rule
    assert rule.to_record()["weights"] == {
        "arena": "40",
        "reeval": "35.5",
        "daily": "24.5",
        "honours": "0",
    }


def test_a_component_outside_0_to_100_is_refused() -> None:
    with pytest.raises(SelectionError) as caught:
        composite(row(101, 0, 0, 0))
    assert caught.value.field == "arena"
    with pytest.raises(SelectionError):
        composite({"arena": Fraction(1)})  # the others missing


fractions_0_100 = st.builds(
    lambda n, d: Fraction(min(n, 100 * d), d), st.integers(0, 10**6), st.integers(1, 997)
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(*(fractions_0_100,) * 4), min_size=1, max_size=20),
    weights=st.sampled_from(
        [
            CompositeRule.DEFAULT,
            CompositeRule(weights={"arena": D("33.33"), "reeval": D("33.33"), "daily": D("33.34")}),
            CompositeRule(weights={"honours": D(100)}),
        ]
    ),
)
def test_composite_units_equal_the_definition(rows: list[tuple], weights: CompositeRule) -> None:
    values = [dict(zip(COMPONENTS, r, strict=True)) for r in rows]
    units = composite_units(ComponentArrays.from_values(values), weights)
    assert [D(int(u)).scaleb(-2) for u in units] == [composite(v, weights) for v in values]


def test_composite_units_switch_to_python_integers_where_int64_would_overflow() -> None:
    # Denominators near 10⁶ each: their product, ~10²⁴, cannot be an int64.
    primes = (999_983, 999_979, 999_961, 999_959)
    values = [
        {name: Fraction(p // 3 + k, p) for name, p in zip(COMPONENTS, primes, strict=True)}
        for k in range(5)
    ]
    units = composite_units(ComponentArrays.from_values(values))
    assert [D(int(u)).scaleb(-2) for u in units] == [composite(v) for v in values]


# --- ranking and the cut -------------------------------------------------------------------------


def cut_of(composites: list[int], top: int, vetoed: list[bool] | None = None, *keys: list[int]):
    n = len(composites)
    return rank_cut(
        np.array(composites, dtype=np.int64),
        [np.array(k, dtype=np.int64) for k in keys],
        np.array(vetoed or [False] * n, dtype=bool),
        top,
    )


def listing(cut) -> list[tuple[int, int, str]]:
    return [(i, int(cut.rank[i]), cut.status_of(i).value) for i in cut.order.tolist()]


def test_competition_ranking_1_2_2_4_with_equal_ranks_in_the_order_given() -> None:
    cut = cut_of([7000, 9000, 8000, 8000], 4)
    assert listing(cut) == [(1, 1, "in"), (2, 2, "in"), (3, 2, "in"), (0, 4, "in")]


@pytest.mark.parametrize(
    ("top", "statuses"),
    [
        (1, ["in", "out", "out", "out", "out"]),  # the group starts at 2 > 1
        (2, ["in", "tie", "tie", "tie", "out"]),  # 2 ≤ 2 < 4: straddles the cut
        (3, ["in", "tie", "tie", "tie", "out"]),
        (4, ["in", "in", "in", "in", "out"]),  # the group ends at 4 ≤ 4
        (5, ["in", "in", "in", "in", "in"]),
        (0, ["out"] * 5),
    ],
)
def test_a_tie_group_straddling_the_cut_is_flagged(top: int, statuses: list[str]) -> None:
    cut = cut_of([9000, 8000, 8000, 8000, 7000], top)
    assert [s for _, _, s in listing(cut)] == statuses
    assert [int(r) for r in cut.rank] == [1, 2, 2, 2, 5]


def test_vetoed_candidates_take_no_rank_and_no_seat_and_come_last_in_the_order_given() -> None:
    cut = cut_of([9900, 8000, 9950, 7000, 6000], 2, [False, True, True, False, False])
    assert listing(cut) == [
        (0, 1, "in"),
        (3, 2, "in"),
        (4, 3, "out"),
        (1, 0, "vetoed"),
        (2, 0, "vetoed"),
    ]


def test_the_tie_break_chain_separates_equal_composites() -> None:
    # Equal composites; the first tie-break separates A from B and C, the second B from C.
    cut = cut_of([8000, 8000, 8000, 7000], 2, None, [6000, 5000, 5000, 9000], [0, 10, 20, 0])
    assert listing(cut) == [(0, 1, "in"), (2, 2, "in"), (1, 3, "out"), (3, 4, "out")]
    assert [int(d) for d in cut.decided_by] == [0, 1, 1, -1]
    # Without the second tie-break B and C share rank 2 across a cut at 2: a tie, separated
    # from A by the first tie-break.
    cut = cut_of([8000, 8000, 8000, 7000], 2, None, [6000, 5000, 5000, 9000])
    assert listing(cut) == [(0, 1, "in"), (1, 2, "tie"), (2, 2, "tie"), (3, 4, "out")]
    assert [int(d) for d in cut.decided_by] == [0, 0, 0, -1]


def test_determine_compares_tie_breaks_at_two_decimals() -> None:
    # Equal composites (87.00); reeval 80.004 and 80.001 are both 80.00 at 2 decimals and the
    # other components are equal: the chain cannot separate them, a tie at a cut of 1.
    values = [
        row(90, Fraction(80004, 1000), 90, 90),
        row(90, Fraction(80001, 1000), 90, 90),
    ]
    arrays = ComponentArrays.from_values(values)
    composites, cut = determine(arrays, np.zeros(2, dtype=bool), 1)
    assert [composite(v) for v in values] == [D("87.00"), D("87.00")]
    assert [int(c) for c in composites] == [8700, 8700]
    assert listing(cut) == [(0, 1, "tie"), (1, 1, "tie")]
    rule = CompositeRule(tie_breaks=())
    _, cut = determine(arrays, np.zeros(2, dtype=bool), 2, rule)
    assert listing(cut) == [(0, 1, "in"), (1, 1, "in")]


def test_status_values_are_the_contracts() -> None:
    assert [s.value for s in Status] == ["in", "out", "tie", "vetoed"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2), st.booleans()),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 26),
)
def test_rank_cut_agrees_with_the_scoring_cores_ranking(
    candidates: list[tuple[int, int, int, bool]], top: int
) -> None:
    """Ranks as `ranking.rank_keys` gives them (competition ranks on key tuples); statuses by the
    cut's definition over positions; the listing in rank order, then the order given."""
    from leitai.scoring.ranking import rank_keys

    composites = [c for c, _, _, _ in candidates]
    first, second = [a for _, a, _, _ in candidates], [b for _, _, b, _ in candidates]
    vetoed = [v for _, _, _, v in candidates]
    cut = cut_of(composites, top, vetoed, first, second)
    names = {f"{i:03d}": i for i, v in enumerate(vetoed) if not v}
    keys = {
        name: tuple(Fraction(k) for k in (composites[i], first[i], second[i]))
        for name, i in names.items()
    }
    expected = {names[p.participant]: p.rank for p in rank_keys(keys)}
    listed = [i for i in cut.order.tolist() if not vetoed[i]]
    assert {i: int(cut.rank[i]) for i in listed} == expected
    assert listed == sorted(listed, key=lambda i: (expected[i], i))
    assert cut.order.tolist()[len(listed) :] == [i for i, v in enumerate(vetoed) if v]
    for i in listed:
        r = expected[i]
        k = sum(1 for j in listed if keys[f"{j:03d}"] == keys[f"{i:03d}"])
        last = r + k - 1
        status = "in" if last <= top else "out" if r > top else "tie"
        assert cut.status_of(i).value == status
    assert all(cut.status_of(i) is Status.VETOED for i, v in enumerate(vetoed) if v)


def test_explain_composite_gives_every_part_exactly() -> None:
    from leitai.scoring.selection import explain_composite

    parts = explain_composite(row(Fraction(200, 3), D("87.5"), D("81.25"), Fraction(160, 3)))
    assert parts.parts == {
        "arena": Fraction(20),
        "reeval": Fraction(105, 4),
        "daily": Fraction(325, 16),
        "honours": Fraction(8),
    }
    assert parts.exact == Fraction(20) + Fraction(105, 4) + Fraction(325, 16) + 8  # 74.5625
    assert parts.published == D("74.56")
    assert parts.published == composite(
        row(Fraction(200, 3), D("87.5"), D("81.25"), Fraction(160, 3))
    )
    assert parts.weights == CompositeRule.DEFAULT.weights
