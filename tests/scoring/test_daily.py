"""The daily-data rule against hand-computed cases, its codec's refusals, and a straightforward
re-implementation written here (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.daily import (
    Cadence,
    DailyError,
    DailyRule,
    DailyScore,
    Flag,
    Metric,
    MetricKind,
    MetricResult,
    Month,
    check_value,
    daily_score,
    window,
)

RULE = DailyRule()
FIRST, LAST = Month(2025, 12), Month(2026, 11)
SPAN = [FIRST.plus(n) for n in range(12)]
Values = dict[tuple[str, Month], int | Decimal]


def every_month(key: str, value: int | Decimal, months: list[Month] = SPAN) -> Values:
    return {(key, month): value for month in months}


def result(score: DailyScore, key: str) -> MetricResult:
    return next(m for m in score.metrics if m.metric.key == key)


# --- months and the window ---------------------------------------------------------------------


def test_months_parse_print_order_and_add() -> None:
    assert Month.parse(" 2026-01 ") == Month(2026, 1)
    assert str(Month(2026, 1)) == "2026-01"
    assert Month(2025, 12) < Month(2026, 1)
    assert Month(2025, 11).plus(2) == Month(2026, 1)
    assert Month(2026, 1).plus(-13) == Month(2024, 12)
    assert Month.of(date(2026, 12, 4)) == Month(2026, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "202601", "2026/01", "", "x"])
def test_a_malformed_month_is_refused(text: str) -> None:
    with pytest.raises(DailyError) as caught:
        Month.parse(text)
    assert caught.value.value == text
    assert "YYYY-MM" in str(caught.value)


def test_the_window_is_the_whole_months_before_the_reference_month() -> None:
    assert window(date(2026, 12, 4), 12) == (Month(2025, 12), Month(2026, 11))
    assert window(date(2026, 1, 31), 12) == (Month(2025, 1), Month(2025, 12))
    assert window(date(2026, 3, 1), 1) == (Month(2026, 2), Month(2026, 2))


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("3", 3), (" 0 ", 0), ("3.0", 3), ("+2", 2)])
def test_a_count_is_a_whole_number(text: str, value: int) -> None:
    checked = check_value(RULE.metric("支委会"), text)
    assert checked == value
    assert type(checked) is int


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", "", "1e3", "NaN", "inf", "一"])
def test_a_count_that_is_not_a_whole_number_of_0_or_more_is_refused(text: str) -> None:
    with pytest.raises(DailyError) as caught:
        check_value(RULE.metric("支委会"), text)
    assert (caught.value.field, caught.value.value) == ("支委会", text)
    assert f"“{text}”" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "value"), [("0.95", "0.95"), ("1", "1"), ("0", "0"), ("0.1234", "0.1234")]
)
def test_a_ratio_is_from_0_to_1(text: str, value: str) -> None:
    checked = check_value(RULE.metric("dues_rate"), text)
    assert checked == Decimal(value)
    assert isinstance(checked, Decimal)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.01", "from 0 to 1"),
        ("-0.1", "from 0 to 1"),
        ("95%", "not a number"),
        ("0.12345", "more than 4 decimals"),
        ("", "not a number"),
    ],
)
def test_a_ratio_out_of_range_or_too_fine_is_refused(text: str, reason: str) -> None:
    with pytest.raises(DailyError, match=reason) as caught:
        check_value(RULE.metric("学习达标率"), text)
    assert caught.value.value == text


# --- the rule record ---------------------------------------------------------------------------


def test_the_default_rule_is_the_issues_table() -> None:
    table = [
        (m.key, m.name, m.kind, m.cadence, m.requirement, m.weight, m.party_groups_only)
        for m in DailyRule.DEFAULT.metrics
    ]
    count, ratio = MetricKind.COUNT, MetricKind.RATIO
    month, quarter, year = Cadence.MONTH, Cadence.QUARTER, Cadence.YEAR
    assert table == [
        ("committee_meeting", "支委会", count, month, 1, 15, False),
        ("general_meeting", "党员大会", count, quarter, 1, 10, False),
        ("group_meeting", "党小组会", count, month, 1, 10, True),
        ("party_lecture", "党课", count, quarter, 1, 10, False),
        ("theme_day", "主题党日", count, month, 1, 15, False),
        ("life_meeting", "组织生活会", count, year, 1, 10, False),
        ("member_appraisal", "民主评议党员", count, year, 1, 5, False),
        ("dues_rate", "党费按时交纳率", ratio, month, 0, 15, False),
        ("study_rate", "学习达标率", ratio, month, 0, 10, False),
    ]
    assert DailyRule.DEFAULT.window_months == 12


def test_the_rule_record_round_trips_and_takes_its_defaults() -> None:
    assert DailyRule.from_record({}) == DailyRule() == DailyRule.from_record(None)
    rule = DailyRule.from_record(
        {
            "window_months": "24",
            "metrics": {
                "支委会": {"weight": 10, "requirement": "2"},
                "theme_day": {"weight": "20", "cadence": "quarter"},
            },
        }
    )
    assert rule.metric("committee_meeting").weight == 10
    assert rule.metric("committee_meeting").requirement == 2
    assert rule.metric("theme_day").cadence is Cadence.QUARTER
    assert rule.window_months == 24
    assert DailyRule.from_record(rule.to_record()) == rule
    record = DailyRule().to_record()
    assert record["window_months"] == 12
    assert record["metrics"]["dues_rate"] == {  # type: ignore[index]
        "kind": "ratio",
        "weight": 15,
        "requirement": 0,
        "cadence": "month",
    }


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        ({"metrics": {"支委会": {"weight": 20}}}, "weights", 105),
        (
            {"metrics": {"支委会": {"weight": -5, "requirement": 1}}},
            "metrics.committee_meeting.weight",
            -5,
        ),
        ({"metrics": {"支部会": {"weight": 15}}}, "metric", "支部会"),
        ({"metrics": {"支委会": {"points": 15}}}, "metrics.committee_meeting", "points"),
        ({"metrics": {"支委会": {"cadence": "week"}}}, "metrics.committee_meeting.cadence", "week"),
        ({"metrics": {"支委会": {"requirement": 0}}}, "metrics.committee_meeting.requirement", 0),
        (
            {"metrics": {"支委会": {"requirement": "1.5"}}},
            "metrics.committee_meeting.requirement",
            "1.5",
        ),
        ({"metrics": {"dues_rate": {"cadence": "quarter"}}}, "metrics.dues_rate", "quarter, 0"),
        ({"metrics": {"dues_rate": {"requirement": 1}}}, "metrics.dues_rate", "month, 1"),
        ({"metrics": ["支委会"]}, "metrics", ["支委会"]),
        ({"metrics": {"支委会": 15}}, "metrics.committee_meeting", 15),
        ({"window_months": 0}, "window_months", 0),
        ({"window": 12}, "daily", "window"),
    ],
)
def test_every_refusal_of_a_rule_record_names_field_and_value(
    record: dict[str, object], field: str, value: object
) -> None:
    with pytest.raises(DailyError) as caught:
        DailyRule.from_record(record)
    assert (caught.value.field, caught.value.value) == (field, value)


def test_a_rule_judging_nothing_monthly_is_refused() -> None:
    weights = {m.key: {"weight": 0} for m in DailyRule.DEFAULT.metrics}
    weights["life_meeting"] = {"weight": 50}
    weights["group_meeting"] = {"weight": 50}
    with pytest.raises(DailyError, match="monthly metric other than 党小组会"):
        DailyRule.from_record({"metrics": weights})


def test_metrics_are_found_by_key_or_chinese_name() -> None:
    assert RULE.metric("general_meeting") is RULE.metric(" 党员大会 ")
    with pytest.raises(DailyError, match="“党委会” is not a metric"):
        RULE.metric("党委会")


def test_a_metric_not_of_the_platform_is_refused() -> None:
    odd = Metric("committee_meeting", "支部委员会", MetricKind.COUNT, Cadence.MONTH, 1, 15)
    with pytest.raises(DailyError, match="not the platform's metric"):
        DailyRule(metrics=(odd, *RULE.metrics[1:]))


# --- scores ------------------------------------------------------------------------------------


def test_hand_computed_year() -> None:
    values: Values = {}
    values |= every_month("committee_meeting", 1, SPAN[:4] + SPAN[6:])  # 10 of 12
    values |= {("general_meeting", Month(2025, 12)): 4}  # four in one quarter: one quarter of 4
    values |= every_month("group_meeting", 2)
    values |= {("party_lecture", Month(2026, m)): 1 for m in (1, 4, 7, 10)}  # every quarter
    values |= every_month("theme_day", 1)
    values |= {("life_meeting", Month(2026, 6)): 1}
    values |= every_month("dues_rate", Decimal(1), SPAN[:10])  # two months missing: 0
    values |= every_month("study_rate", Decimal("0.9"))
    score = daily_score(values, RULE, FIRST, LAST)
    # 15·10/12 + 10·1/4 + 10 + 10 + 15 + 10 + 0 + 15·10/12 + 10·0.9 = 81.5
    assert (score.score, score.flag, score.first, score.last) == (
        Decimal("81.50"),
        Flag.NONE,
        FIRST,
        LAST,
    )
    general = result(score, "general_meeting")
    assert general.completion == Fraction(1, 4)
    assert [(str(b.months[0]), b.value, b.met) for b in general.blocks] == [
        ("2025-12", 4, True),
        ("2026-03", 0, False),
        ("2026-06", 0, False),
        ("2026-09", 0, False),
    ]
    dues = result(score, "dues_rate")
    assert dues.completion == Fraction(10, 12)
    assert [b.met for b in dues.blocks][-3:] == [True, False, False]
    assert result(score, "member_appraisal").completion == 0
    assert sum(m.weight for m in score.metrics) == 100


def test_a_unit_founded_mid_window_is_judged_from_its_founding_month() -> None:
    span = [Month(2026, m) for m in range(5, 12)]  # 2026-05 … 2026-11: seven months
    values: Values = {("committee_meeting", Month(2026, 1)): 1}  # before founding: ignored
    values |= every_month("committee_meeting", 1, span)
    values |= {("general_meeting", Month(2026, 11)): 1}  # in the incomplete third quarter
    values |= every_month("group_meeting", 1, span)
    values |= {("party_lecture", Month(2026, 6)): 1}  # quarters 05-07 (met), 08-10 (not)
    values |= every_month("theme_day", 1, span[1:])  # 6 of 7
    values |= every_month("dues_rate", Decimal(1), span)
    values |= every_month("study_rate", Decimal("0.5"), span[:5])  # 2.5 / 7
    score = daily_score(values, RULE, FIRST, LAST, founded=Month(2026, 5))
    # (15 + 0 + 10 + 5 + 15·6/7 + 15 + 10·2.5/7) × 100 / 85 = 43000 / 595 = 72.268…
    assert score.score == Decimal("72.27")
    assert score.first == Month(2026, 5)
    assert score.exact == Fraction(43000, 595)
    for key in ("life_meeting", "member_appraisal"):
        left = result(score, key)
        assert (left.left_out, left.completion, left.weight) == (
            "no_whole_period",
            None,
            Fraction(0),
        )
    general = result(score, "general_meeting")
    assert [len(b.months) for b in general.blocks] == [3, 3]
    assert result(score, "committee_meeting").weight == Fraction(1500, 85)
    assert sum(m.weight for m in score.metrics) == 100


def test_a_unit_founded_before_the_window_is_judged_over_the_window() -> None:
    values = every_month("committee_meeting", 1)
    assert daily_score(values, RULE, FIRST, LAST, founded=Month(2020, 1)) == daily_score(
        values, RULE, FIRST, LAST
    )


def perfect(months: list[Month] = SPAN) -> Values:
    values: Values = {}
    for metric in RULE.metrics:
        value: int | Decimal = 1 if metric.kind is MetricKind.COUNT else Decimal(1)
        values |= every_month(metric.key, value, months)
    return values


def test_without_party_groups_the_other_weights_are_scaled_up() -> None:
    values = {k: v for k, v in perfect().items() if k[0] != "group_meeting"}
    assert daily_score(values, RULE, FIRST, LAST).score == Decimal("90.00")
    score = daily_score(values, RULE, FIRST, LAST, has_party_groups=False)
    assert score.score == Decimal("100.00")
    group = result(score, "group_meeting")
    assert (group.left_out, group.weight, group.completion) == (
        "no_party_groups",
        Fraction(0),
        None,
    )
    assert result(score, "committee_meeting").weight == Fraction(1500, 90)
    assert daily_score(values, RULE, FIRST, LAST, has_party_groups=True).score == Decimal("90.00")


def test_no_record_in_the_window_scores_0_flagged() -> None:
    for values in ({}, {("committee_meeting", Month(2025, 11)): 1}):
        score = daily_score(values, RULE, FIRST, LAST)
        assert (score.score, score.flag) == (Decimal("0.00"), Flag.NO_RECORDS)
    recorded = daily_score({("dues_rate", LAST): Decimal(0)}, RULE, FIRST, LAST)
    assert (recorded.score, recorded.flag) == (Decimal("0.00"), Flag.NONE)


def test_a_unit_founded_after_the_window_is_young_without_a_score() -> None:
    score = daily_score(perfect(), RULE, FIRST, LAST, founded=Month(2026, 12))
    assert (score.score, score.flag, score.first, score.exact) == (None, Flag.YOUNG, None, None)
    assert all(m.completion is None for m in score.metrics)
    founded_last = daily_score(perfect(), RULE, FIRST, LAST, founded=LAST)
    assert (founded_last.score, founded_last.flag) == (Decimal("100.00"), Flag.NONE)


def test_the_score_is_rounded_half_up_once_at_the_end() -> None:
    weights = {m.key: {"weight": 0} for m in RULE.metrics}
    weights |= {"committee_meeting": {"weight": 50}, "dues_rate": {"weight": 50}}
    rule = DailyRule.from_record({"metrics": weights})
    for dues, expected in (("0.0001", "0.01"), ("0.0005", "0.03"), ("0.0004", "0.02")):
        values: Values = {("dues_rate", FIRST): Decimal(dues)}
        score = daily_score(values, rule, FIRST, FIRST)  # 50 × dues: 0.005, 0.025, 0.02
        assert score.score == Decimal(expected)
    # Two months over the monthly metrics only (quarterly and yearly left out): 65 in all;
    # committee met in one month: 15 · ½ × 100 / 65 = 11.538…
    score = daily_score({("committee_meeting", FIRST): 1}, RULE, FIRST, FIRST.plus(1))
    assert (score.exact, score.score) == (Fraction(750, 65), Decimal("11.54"))


def test_a_window_backwards_or_an_unknown_metric_is_refused() -> None:
    with pytest.raises(DailyError, match="after the window's last month"):
        daily_score({}, RULE, LAST, FIRST)
    with pytest.raises(DailyError, match="“meeting” is not a metric"):
        daily_score({("meeting", FIRST): 1}, RULE, FIRST, LAST)


# --- against a straightforward re-implementation -----------------------------------------------


def reference(
    values: Values,
    rule: DailyRule,
    first: Month,
    last: Month,
    founded: Month | None,
    groups: bool | None,
) -> tuple[Fraction | None, str]:
    def n(m: Month) -> int:
        return m.year * 12 + m.month

    if founded is not None and n(founded) > n(last):
        return None, "young"
    start = max(n(first), n(founded)) if founded is not None else n(first)
    length = n(last) - start + 1
    parts: list[tuple[int, Fraction]] = []
    for metric in rule.metrics:
        if metric.key == "group_meeting" and groups is False:
            continue
        size = {"month": 1, "quarter": 3, "year": 12}[metric.cadence.value]
        blocks = length // size
        if not blocks:
            continue
        by_month = {n(m): v for (k, m), v in values.items() if k == metric.key}
        if metric.kind == "ratio":
            total = sum(Fraction(by_month.get(start + i, 0)) for i in range(length))
            parts.append((metric.weight, Fraction(total) / length))
        else:
            met = 0
            for b in range(blocks):
                count = sum(by_month.get(start + b * size + i, 0) for i in range(size))
                met += count >= metric.requirement
            parts.append((metric.weight, Fraction(met, blocks)))
    weight = sum(w for w, _ in parts)
    score = sum(Fraction(w * 100, weight) * c for w, c in parts)
    any_record = any(n(first) <= n(m) <= n(last) for _, m in values)
    return Fraction(score), "" if any_record else "no_records"


months = st.builds(lambda i: Month(2024, 1).plus(i), st.integers(0, 35))
counts = st.integers(0, 3)
ratios = st.integers(0, 10000).map(lambda i: Decimal(i).scaleb(-4))


@st.composite
def value_maps(draw: st.DrawFn) -> Values:
    values: Values = {}
    for metric in RULE.metrics:
        for month in draw(st.lists(months, max_size=14, unique=True)):
            value: int | Decimal = draw(counts) if metric.kind == "count" else draw(ratios)
            values[metric.key, month] = value
    return values


rules = st.sampled_from(
    [
        DailyRule(),
        DailyRule.from_record(
            {
                "metrics": {
                    "committee_meeting": {"requirement": 2, "cadence": "quarter"},
                    "theme_day": {"cadence": "year"},
                    "group_meeting": {"weight": 0},
                    "dues_rate": {"weight": 25},
                }
            }
        ),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    values=value_maps(),
    rule=rules,
    first=months,
    length=st.integers(1, 24),
    founded=st.none() | st.builds(lambda i: Month(2023, 6).plus(i), st.integers(0, 60)),
    groups=st.sampled_from([None, True, False]),
)
def test_agrees_with_a_straightforward_reimplementation(
    values: Values,
    rule: DailyRule,
    first: Month,
    length: int,
    founded: Month | None,
    groups: bool | None,
) -> None:
    last = first.plus(length - 1)
    score = daily_score(values, rule, first, last, founded, groups)
    exact, flag = reference(values, rule, first, last, founded, groups)
    assert score.exact == exact
    assert score.flag == flag
    if exact is None:
        assert score.score is None
    else:
        expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert score.score == expected
