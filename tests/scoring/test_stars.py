"""Star rating (issue 13): the total, the stars, their caps and the five-star cap per group —
hand-computed cases, the laws of the cap, and the array path equal to the one-unit definition."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.stars import (
    Reason,
    StarError,
    StarRule,
    UnitArrays,
    UnitValues,
    cap_allowed,
    rate,
    rate_arrays,
    rate_groups,
)

D = Decimal


def unit(
    basic: object,
    appraisal: object,
    deductions: object = 0,
    bonus: object = 0,
    *,
    veto: bool = False,
    months: int = 24,
) -> UnitValues:
    return UnitValues(
        D(str(basic)), D(str(deductions)), D(str(bonus)), D(str(appraisal)), veto, months
    )


def rated(
    values: UnitValues, rule: StarRule = StarRule.DEFAULT
) -> tuple[str | None, int | None, str]:
    r = rate(values, rule)
    return (None if r.total is None else str(r.total), r.stars, r.reason.value)


# --- one unit ------------------------------------------------------------------------------------


def test_total_is_seventy_percent_of_the_basic_part_and_thirty_of_the_appraisal() -> None:
    assert rated(unit(80, 70)) == ("77.00", 3, "ok")  # 56 + 21
    assert rated(unit(100, 100)) == ("100.00", 5, "ok")
    assert rated(unit(0, 60)) == ("18.00", 1, "ok")


def test_the_basic_part_is_clamped_to_0_and_100() -> None:
    # 10 − min(30, 20) = −10 → 0: only the appraisal counts.
    assert rated(unit(10, 100, deductions=30)) == ("30.00", 1, "ok")
    # 95 + min(15, 10) = 105 → 100.
    assert rated(unit(95, 100, bonus=15)) == ("100.00", 5, "ok")


def test_deductions_are_capped_at_20_and_bonus_at_10() -> None:
    assert rated(unit(90, 80, deductions=25)) == ("73.00", 3, "ok")  # 0.7 × 70 + 24
    assert rated(unit(90, 80, deductions=20)) == ("73.00", 3, "ok")
    assert rated(unit(90, 80, deductions="19.5")) == ("73.35", 3, "ok")
    assert rated(unit(80, 90, bonus=12)) == ("90.00", 5, "ok")  # 0.7 × 90 + 27
    assert rated(unit(80, 90, deductions=5, bonus=12)) == ("86.50", 4, "ok")  # 0.7 × 85 + 27


def test_the_total_is_exact_and_rounded_half_up_once() -> None:
    # 0.7 × 85.05 = 59.535 exactly (a float gives 59.535000000000004 or …4999): 77.535 → 77.54.
    r = rate(unit("85.05", 60))
    assert r.exact == Fraction(77535, 1000)
    assert r.total == D("77.54")
    # 0.7 × 89.95 + 0.3 × 90.10 = 89.995 → 90.00: five stars from the rounded total.
    assert rated(unit("89.95", "90.10")) == ("90.00", 5, "ok")
    # 0.7 × 89.94 + 0.3 × 90.12 = 89.994 → 89.99: four.
    assert rated(unit("89.94", "90.12")) == ("89.99", 4, "ok")
    # Exact fractions are taken as they are: 0.7 × 1/3 + 0 = 0.2333… → 0.23.
    assert rate(UnitValues(Fraction(1, 3), 0, 0, 0)).total == D("0.23")


@pytest.mark.parametrize(
    ("basic", "appraisal", "total", "stars"),
    [
        (90, 90, "90.00", 5),
        (90, "89.97", "89.99", 4),  # 63 + 26.991
        (80, 80, "80.00", 4),
        (80, "79.97", "79.99", 3),
        (70, 70, "70.00", 3),
        (70, "69.97", "69.99", 2),
        (60, 60, "60.00", 2),
        (60, "59.97", "59.99", 1),  # and the appraisal cap holds
    ],
)
def test_thresholds_at_their_edges(
    basic: object, appraisal: object, total: str, stars: int
) -> None:
    r = rate(unit(basic, appraisal))
    assert (str(r.total), r.stars) == (total, stars)


def test_appraisal_below_60_caps_at_two_stars() -> None:
    # 70 + 17.997 = 87.997 → 88.00, four stars by the total, two by the appraisal.
    assert rated(unit(100, "59.99")) == ("88.00", 2, "appraisal")
    assert rated(unit(100, 60)) == ("88.00", 4, "ok")
    # The reason holds whether or not it changed the stars.
    assert rated(unit(0, "59.99")) == ("18.00", 1, "appraisal")


def test_a_veto_caps_at_two_stars_and_comes_before_the_appraisal() -> None:
    assert rated(unit(100, 100, veto=True)) == ("100.00", 2, "veto")
    assert rated(unit(100, 50, veto=True)) == ("85.00", 2, "veto")
    assert rated(unit(10, 10, veto=True)) == ("10.00", 1, "veto")


def test_a_young_unit_is_not_rated() -> None:
    assert rated(unit(100, 100, months=11)) == (None, None, "young")
    assert rated(unit(100, 100, veto=True, months=0)) == (None, None, "young")
    assert rated(unit(100, 100, months=12)) == ("100.00", 5, "ok")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (UnitValues(D("100.01"), 0, 0, 0), "basic"),
        (UnitValues(-1, 0, 0, 0), "basic"),
        (UnitValues(0, -1, 0, 0), "deductions"),
        (UnitValues(0, 0, D("-0.5"), 0), "bonus"),
        (UnitValues(0, 0, 0, 101), "appraisal"),
        (UnitValues(0.5, 0, 0, 0), "basic"),  # type: ignore[arg-type]
        (UnitValues(D("NaN"), 0, 0, 0), "basic"),
        (UnitValues(0, 0, 0, 0, months=-1), "months"),
    ],
)
def test_values_the_rule_cannot_use_are_refused_naming_the_field(
    values: UnitValues, field: str
) -> None:
    with pytest.raises(StarError) as refused:
        rate(values)
    assert refused.value.field == field


# --- the rule's settings -------------------------------------------------------------------------


def test_the_default_rule_round_trips_through_its_record() -> None:
    record = StarRule.DEFAULT.to_record()
    assert record["thresholds"] == ["90", "80", "70", "60"]
    assert record["five_star_cap"] == "0.3"
    assert StarRule.from_record(record) == StarRule.DEFAULT
    assert StarRule.from_record({}) == StarRule.DEFAULT == StarRule.from_record(None)


def test_settings_change_the_rule() -> None:
    rule = StarRule.from_record(
        {"basic_weight": "0.6", "appraisal_weight": "0.4", "thresholds": ["95", "85", "75", "65"]}
    )
    assert rated(unit(90, 100), rule) == ("94.00", 4, "ok")  # 54 + 40
    assert rated(unit(100, 50), StarRule(veto_stars=3, appraisal_stars=1)) == (
        "85.00",
        1,
        "appraisal",
    )


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"basic_weight": "0.8"}, "basic_weight"),  # sums to 1.1
        ({"basic_weight": 0.7}, "basic_weight"),  # a float
        ({"basic_weight": "0.705", "appraisal_weight": "0.295"}, "basic_weight"),
        ({"deduction_cap": "-1"}, "deduction_cap"),
        ({"bonus_cap": "x"}, "bonus_cap"),
        ({"thresholds": ["90", "80", "70"]}, "thresholds"),
        ({"thresholds": ["90", "90", "70", "60"]}, "thresholds"),
        ({"thresholds": ["101", "80", "70", "60"]}, "thresholds"),
        ({"appraisal_minimum": "100.5"}, "appraisal_minimum"),
        ({"appraisal_stars": 6}, "appraisal_stars"),
        ({"veto_stars": 0}, "veto_stars"),
        ({"minimum_months": "-1"}, "minimum_months"),
        ({"five_star_cap": "1.01"}, "five_star_cap"),
        ({"five_star_cap": "-0.1"}, "five_star_cap"),
        ({"colour": "gold"}, "stars"),
    ],
)
def test_settings_the_rule_cannot_use_are_refused(record: dict[str, object], field: str) -> None:
    with pytest.raises(StarError) as refused:
        StarRule.from_record(record)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")


# --- the five-star cap ---------------------------------------------------------------------------


def test_cap_allowed_is_exact() -> None:
    assert cap_allowed(10) == 3
    assert cap_allowed(9) == 2  # 2.7
    assert cap_allowed(3) == 0
    assert cap_allowed(100, StarRule(five_star_cap=D("0.07"))) == 7  # a float product gives 7.000…1


def ten_rated_with_four_qualifying() -> list[tuple[str, str, UnitValues]]:
    units = [
        ("U4", "g", unit(95, 88, bonus=3)),  # 0.7 × 98 + 26.4 = 95.00, basic 95, appraisal 88
        ("U1", "g", unit(100, 100)),  # 100.00
        ("U2", "g", unit(95, 95)),  # 95.00, basic 95, appraisal 95
        ("U3", "g", unit(100, 95, deductions=5)),  # 95.00, basic 100
    ]
    units += [(f"L{k}", "g", unit(70, 70)) for k in range(5)]  # three stars
    units.append(("V", "g", unit(100, 100, veto=True)))  # rated: counts toward the 10
    units.append(("Y", "g", unit(100, 100, months=3)))  # young: does not count
    return units


def test_ten_rated_units_with_four_qualifying_give_three_five_star() -> None:
    units = ten_rated_with_four_qualifying()
    ratings = dict(zip((code for code, _, _ in units), rate_groups(units), strict=True))
    assert {code for code, r in ratings.items() if r.stars == 5} == {"U1", "U3", "U2"}
    # By total, then basic (U3 before U2), then appraisal (U2 before U4): U4 is beyond the line.
    assert (ratings["U4"].stars, ratings["U4"].reason, ratings["U4"].capped) == (
        4,
        Reason.CAPPED,
        True,
    )
    assert ratings["U4"].tied is False
    assert (ratings["V"].stars, ratings["V"].reason) == (2, Reason.VETO)
    assert (ratings["Y"].stars, ratings["Y"].reason) == (None, Reason.YOUNG)
    assert all(ratings[f"L{k}"].reason is Reason.OK for k in range(5))


def test_units_equal_on_total_basic_and_appraisal_at_the_line_are_split_by_code_and_marked() -> (
    None
):
    units = ten_rated_with_four_qualifying()
    units[0] = ("B", "g", unit(95, 95))  # equal to U2 in every key
    units[2] = ("A", "g", unit(95, 95))
    ratings = dict(zip((code for code, _, _ in units), rate_groups(units), strict=True))
    assert (ratings["A"].stars, ratings["A"].tied, ratings["A"].capped) == (5, True, False)
    assert (ratings["B"].stars, ratings["B"].tied, ratings["B"].capped) == (4, True, True)
    assert ratings["B"].reason is Reason.CAPPED
    assert (ratings["U1"].tied, ratings["U3"].tied) == (False, False)


def test_each_group_has_its_own_cap() -> None:
    units = [(f"a{k}", "A", unit(100, 100)) for k in range(10)]
    units += [(f"b{k}", "B", unit(100, 100)) for k in range(3)]
    ratings = rate_groups(units)
    assert [r.stars for r in ratings[:10]] == [5, 5, 5] + [4] * 7
    assert [r.stars for r in ratings[10:]] == [4, 4, 4]  # ⌊0.9⌋ = 0
    assert not any(r.tied for r in ratings[10:])  # nobody within the line to be tied with
    assert all(r.tied for r in ratings[:10])  # all equal, across the line


def test_the_capped_reason_comes_after_veto_and_appraisal() -> None:
    # With vetoes and low appraisals allowed five stars, a capped unit keeps the earlier reason.
    rule = StarRule(
        veto_stars=5,
        appraisal_stars=5,
        five_star_cap=D(0),
        thresholds=(D(85), D(80), D(70), D(60)),
    )
    units = [
        ("V", "g", unit(100, 100, veto=True)),
        ("P", "g", unit(100, 59)),  # 87.70
        ("O", "g", unit(100, 100)),
    ]
    ratings = rate_groups(units, rule)
    assert [(r.stars, r.reason.value, r.capped) for r in ratings] == [
        (4, "veto", True),
        (4, "appraisal", True),
        (4, "capped", True),
    ]


# --- laws and the array path ---------------------------------------------------------------------

hundredths_0_100 = st.integers(0, 10_000)
unit_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # group
        st.sampled_from([9000, 9500, 10_000, 8000, 6000]) | hundredths_0_100,  # basic
        st.sampled_from([0, 0, 500, 2500]) | st.integers(0, 3000),  # deductions
        st.sampled_from([0, 0, 300, 1200]) | st.integers(0, 1500),  # bonus
        st.sampled_from([9000, 10_000, 5999, 6000]) | hundredths_0_100,  # appraisal
        st.booleans(),
        st.sampled_from([0, 11, 12, 36]),  # months
    ),
    min_size=1,
    max_size=40,
)
caps = st.sampled_from([D("0.30"), D(0), D(1), D("0.5"), D("0.07")])


def _values(row: tuple[int, int, int, int, int, bool, int]) -> UnitValues:
    _, basic, deductions, bonus, appraisal, veto, months = row
    return UnitValues(
        *(D(v).scaleb(-2) for v in (basic, deductions, bonus, appraisal)), veto, months
    )


@settings(max_examples=200, deadline=None)
@given(rows=unit_rows, cap=caps)
def test_rate_arrays_equal_the_definition(rows: list[tuple], cap: Decimal) -> None:
    rule = StarRule(five_star_cap=cap)
    codes = [f"u{(7 * i) % 41:02d}" for i in range(len(rows))]  # not in file order
    units = [(code, str(row[0]), _values(row)) for code, row in zip(codes, rows, strict=True)]
    expected = rate_groups(units, rule)
    columns = list(zip(*rows, strict=True))
    arrays = UnitArrays(
        basic=np.array(columns[1], dtype=np.int64),
        deductions=np.array(columns[2], dtype=np.int64),
        bonus=np.array(columns[3], dtype=np.int64),
        appraisal=np.array(columns[4], dtype=np.int64),
        veto=np.array(columns[5], dtype=bool),
        months=np.array(columns[6], dtype=np.int64),
        group=np.array(columns[0], dtype=np.int64),
        code_rank=np.argsort(np.argsort(np.array(codes))),
    )
    got = rate_arrays(arrays, rule)
    for i, r in enumerate(expected):
        total = int(got.total[i])
        assert (None if total < 0 else D(total).scaleb(-2)) == r.total
        assert (int(got.stars[i]) or None) == r.stars
        assert got.reason_of(i) is r.reason
        assert bool(got.capped[i]) == r.capped
        assert bool(got.tied[i]) == r.tied


@settings(max_examples=200, deadline=None)
@given(rows=unit_rows, cap=caps)
def test_at_most_the_cap_are_five_star_and_the_capped_are_those_beyond_the_line(
    rows: list[tuple], cap: Decimal
) -> None:
    rule = StarRule(five_star_cap=cap)
    units = [(f"u{i:02d}", str(row[0]), _values(row)) for i, row in enumerate(rows)]
    uncapped = [rate(values, rule) for _, _, values in units]
    ratings = rate_groups(units, rule)
    for group in {g for _, g, _ in units}:
        members = [i for i, (_, g, _) in enumerate(units) if g == group]
        rated_count = sum(1 for i in members if ratings[i].stars is not None)
        allowed = cap_allowed(rated_count, rule)
        qualifying = [i for i in members if uncapped[i].stars == 5]
        five = [i for i in members if ratings[i].stars == 5]
        capped = [i for i in members if ratings[i].capped]
        assert len(five) == min(allowed, len(qualifying))
        assert sorted(five + capped) == qualifying
        assert all(ratings[i].stars == 4 for i in capped)

        def key(i: int) -> tuple:
            values = units[i][2]
            return (ratings[i].total, values.basic, values.appraisal)

        # Every five-star unit comes before every capped one: higher key, or equal and earlier code.
        for i in five:
            for j in capped:
                assert key(i) > key(j) or (key(i) == key(j) and units[i][0] < units[j][0])
                assert ratings[i].tied == ratings[j].tied or key(i) != key(j)


def test_unit_arrays_check_names_the_first_value_out_of_range() -> None:
    def arrays(**change: list[int]) -> UnitArrays:
        columns = {
            "basic": [9000, 9000],
            "deductions": [0, 0],
            "bonus": [0, 0],
            "appraisal": [9000, 9000],
            "months": [24, 24],
        }
        columns.update(change)
        return UnitArrays(
            **{name: np.array(values, dtype=np.int64) for name, values in columns.items()},
            veto=np.zeros(2, dtype=bool),
            group=np.zeros(2, dtype=np.int64),
        )

    arrays().check()
    for field, values, shown in (
        ("basic", [9000, 10_001], "100.01"),
        ("appraisal", [-1, 0], "-0.01"),
        ("deductions", [0, -50], "-0.50"),
        ("bonus", [-1, 0], "-0.01"),
        ("months", [24, -1], "-1"),
    ):
        with pytest.raises(StarError) as refused:
            arrays(**{field: values}).check()
        assert (refused.value.field, str(refused.value.value)) == (field, shown)
