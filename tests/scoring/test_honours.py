"""The honours rule against hand-computed cases, its codec's refusals, and a straightforward
re-implementation written here (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.honours import (
    DEFAULT_POINTS,
    Honour,
    HonoursError,
    HonoursRule,
    Level,
    Reason,
    honours_score,
    in_window,
    normalise_document,
    parse_level,
)

ON = date(2026, 12, 4)


def test_levels_are_ranked_national_highest() -> None:
    assert [level.rank for level in Level] == [5, 4, 3, 2, 1]
    assert max(Level, key=lambda level: level.rank) is Level.NATIONAL


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("national", Level.NATIONAL),
        (" Provincial ", Level.PROVINCIAL),
        ("国家级", Level.NATIONAL),
        ("全国", Level.NATIONAL),
        ("省级", Level.PROVINCIAL),
        ("市级", Level.MUNICIPAL),
        ("区级", Level.DISTRICT),
        ("区(市)级", Level.DISTRICT),
        ("区（市）级", Level.DISTRICT),
        ("县级", Level.DISTRICT),
        ("街道级", Level.STREET),
        ("街道", Level.STREET),
        ("镇级", Level.STREET),
        (" 乡级\u3000", Level.STREET),
    ],
)
def test_every_word_for_a_level(text: str, level: Level) -> None:
    assert parse_level(text) is level


@pytest.mark.parametrize("text", ["", "国家", "city", "村级", "5"])
def test_an_unknown_level_is_refused_naming_the_word(text: str) -> None:
    with pytest.raises(HonoursError) as caught:
        parse_level(text)
    assert caught.value.field == "level"
    assert f"“{text}”" in str(caught.value)


def test_document_numbers_compare_across_brackets_and_spaces() -> None:
    forms = [
        "青组字〔2024〕3号",
        "青组字[2024]3号",
        "青组字(2024)3号",
        "青组字【2024】3号",
        "青组字（2024）3号",
        "青组字［2024］3号",
        "青组字﹝2024﹞3号",
        " 青组字 〔2024〕\u30003 号 ",
        "青组字〔２０２４〕３号",
    ]
    assert {normalise_document(form) for form in forms} == {"青组字〔2024〕3号"}
    assert normalise_document("青组字〔2024〕4号") != normalise_document("青组字〔2024〕3号")


def test_the_window_is_open_at_its_start_and_closed_at_its_end() -> None:
    assert in_window(ON, ON, 3)
    assert not in_window(ON + timedelta(days=1), ON, 3)
    assert not in_window(date(2023, 12, 4), ON, 3)
    assert in_window(date(2023, 12, 5), ON, 3)


def test_three_years_before_29_february_is_28_february() -> None:
    on = date(2028, 2, 29)
    assert not in_window(date(2025, 2, 28), on, 3)
    assert in_window(date(2025, 3, 1), on, 3)
    assert in_window(date(2027, 3, 1), on, 1)


def test_one_year_before_29_february_excludes_28_february() -> None:
    assert not in_window(date(2027, 2, 28), date(2028, 2, 29), 1)


def honour(document: str, level: Level, day: date, key: object = None) -> Honour:
    return Honour(document=document, level=level, day=day, key=key)


def test_hand_computed_sum_with_edges_duplicates_and_a_document_at_two_levels() -> None:
    honours = [
        honour("中组发〔2025〕1号", Level.NATIONAL, date(2025, 7, 1), 1),  # 10
        honour("青组字[2024] 3号", Level.MUNICIPAL, date(2024, 6, 30), 2),  # lower: the next counts
        honour("青组字（2024）3号", Level.PROVINCIAL, date(2024, 6, 30), 3),  # 8
        honour("市南组〔2023〕9号", Level.DISTRICT, date(2023, 12, 4), 4),  # on the open edge: out
        honour("市南组〔2023〕10号", Level.DISTRICT, date(2023, 12, 5), 5),  # first day in: 3
        honour("街道〔2026〕1号", Level.STREET, ON, 6),  # the reference date itself: 1
        honour("街道〔2026〕2号", Level.STREET, ON + timedelta(days=1), 7),  # after it: out
    ]
    score = honours_score(honours, HonoursRule(), ON)
    assert [(item.honour.key, item.points, item.reason) for item in score.items] == [
        (1, 10, Reason.COUNTED),
        (2, 0, Reason.LOWER_LEVEL),
        (3, 8, Reason.COUNTED),
        (4, 0, Reason.OUTSIDE_WINDOW),
        (5, 3, Reason.COUNTED),
        (6, 1, Reason.COUNTED),
        (7, 0, Reason.OUTSIDE_WINDOW),
    ]
    assert (score.uncapped, score.points, score.capped) == (22, 15, True)
    assert score.component == Decimal("100.00")


def test_a_tie_at_one_level_counts_the_first_given() -> None:
    honours = [
        honour("A〔2025〕1号", Level.MUNICIPAL, date(2025, 1, 1), "first"),
        honour("A[2025]1号", Level.MUNICIPAL, date(2025, 1, 1), "second"),
    ]
    items = honours_score(honours, HonoursRule(), ON).items
    assert [(i.honour.key, i.reason) for i in items] == [
        ("first", Reason.COUNTED),
        ("second", Reason.LOWER_LEVEL),
    ]


def test_under_the_cap_the_component_is_points_over_cap() -> None:
    honours = [
        honour("A1", Level.MUNICIPAL, date(2025, 1, 1)),
        honour("A2", Level.STREET, date(2025, 1, 1)),
        honour("A3", Level.STREET, date(2025, 1, 1)),
    ]
    score = honours_score(honours, HonoursRule(), ON)
    assert (score.points, score.uncapped, score.capped) == (7, 7, False)
    assert score.component == Decimal("46.67")  # 7 / 15 × 100 = 46.666…
    third = honours_score(honours[:1], HonoursRule(cap=8), ON)
    assert third.component == Decimal("62.50")


def test_exactly_the_cap_is_not_capped() -> None:
    honours = [honour("A", Level.NATIONAL, ON), honour("B", Level.MUNICIPAL, ON)]
    score = honours_score(honours, HonoursRule(), ON)
    assert (score.points, score.capped, score.component) == (15, False, Decimal("100.00"))


def test_nothing_scores_zero() -> None:
    score = honours_score([], HonoursRule(), ON)
    assert (score.points, score.uncapped, score.capped, score.items) == (0, 0, False, ())
    assert score.component == Decimal("0.00")


def test_a_half_is_rounded_up() -> None:
    # 1 ÷ 800 × 100 = 0.125 exactly
    rule = HonoursRule(points={**DEFAULT_POINTS, Level.STREET: 1}, cap=800)
    score = honours_score([honour("A", Level.STREET, ON)], rule, ON)
    assert score.component == Decimal("0.13")  # 0.125 → 0.13


def test_the_rule_record_round_trips_and_takes_its_defaults() -> None:
    assert HonoursRule.from_record({}) == HonoursRule() == HonoursRule.DEFAULT
    assert HonoursRule.from_record(None) == HonoursRule()
    assert HonoursRule().to_record() == {
        "points": {"national": 10, "provincial": 8, "municipal": 5, "district": 3, "street": 1},
        "window_years": 3,
        "cap": 15,
    }
    rule = HonoursRule.from_record(
        {"points": {"国家级": "12", "street": 2}, "window_years": "2", "cap": 20}
    )
    assert rule.points[Level.NATIONAL] == 12
    assert rule.points[Level.STREET] == 2
    assert rule.points[Level.PROVINCIAL] == 8
    assert (rule.window_years, rule.cap) == (2, 20)
    assert HonoursRule.from_record(rule.to_record()) == rule
    assert len({rule, HonoursRule.from_record(rule.to_record()), HonoursRule()}) == 2


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        ({"cap": 0}, "cap", 0),
        ({"cap": "-1"}, "cap", "-1"),
        ({"cap": "1.5"}, "cap", "1.5"),
        ({"cap": True}, "cap", True),
        ({"window_years": 0}, "window_years", 0),
        ({"window_years": "three"}, "window_years", "three"),
        ({"points": {"national": -1}}, "points.national", -1),
        ({"points": {"national": "ten"}}, "points.national", "ten"),
        ({"points": {"city": 3}}, "points", "city"),
        ({"points": [10, 8]}, "points", [10, 8]),
        ({"caps": 15}, "honours", "caps"),
    ],
)
def test_every_refusal_of_a_rule_record_names_field_and_value(
    record: dict[str, object], field: str, value: object
) -> None:
    with pytest.raises(HonoursError) as caught:
        HonoursRule.from_record(record)
    assert (caught.value.field, caught.value.value) == (field, value)
    assert field in str(caught.value)


def test_a_rule_built_directly_is_checked_too() -> None:
    with pytest.raises(HonoursError, match="cap"):
        HonoursRule(cap=0)
    with pytest.raises(HonoursError, match="street"):
        HonoursRule(points={Level.NATIONAL: 10})


# An independent, straightforward re-implementation: group by document, pick the best in window.
def reference(honours: list[Honour], rule: HonoursRule, on: date) -> tuple[int, list[int]]:
    def start(day: date) -> date:
        if day.month == 2 and day.day == 29:
            return date(day.year - rule.window_years, 2, 28)
        return date(day.year - rule.window_years, day.month, day.day)

    points = [0] * len(honours)
    groups: dict[str, list[int]] = {}
    for i, h in enumerate(honours):
        doc = "".join(c for c in h.document if not c.isspace())
        for a, b in zip("[(【（［", "〔〔〔〔〔", strict=True):
            doc = doc.replace(a, b)
        for a, b in zip("])】）］", "〕〕〕〕〕", strict=True):
            doc = doc.replace(a, b)
        if start(on) < h.day <= on:
            groups.setdefault(doc, []).append(i)
    order = [Level.STREET, Level.DISTRICT, Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL]
    for members in groups.values():
        top = max(order.index(honours[i].level) for i in members)
        chosen = next(i for i in members if order.index(honours[i].level) == top)
        points[chosen] = rule.points[honours[chosen].level]
    return min(sum(points), rule.cap), points


documents = st.sampled_from(["A〔1〕", "A[1]", "A (1)", "B（2）", "B【2】", "C", " C "])
days = st.dates(min_value=date(2022, 1, 1), max_value=date(2029, 12, 31))
honour_lists = st.lists(
    st.builds(Honour, document=documents, level=st.sampled_from(list(Level)), day=days),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    honours=honour_lists,
    on=st.sampled_from([date(2028, 2, 29), date(2026, 12, 4), date(2027, 1, 1)]) | days,
    window_years=st.integers(1, 4),
    cap=st.integers(1, 30),
)
def test_agrees_with_a_straightforward_reimplementation(
    honours: list[Honour], on: date, window_years: int, cap: int
) -> None:
    rule = HonoursRule(window_years=window_years, cap=cap)
    score = honours_score(honours, rule, on)
    total, points = reference(honours, rule, on)
    assert score.points == total
    assert [item.points for item in score.items] == points
    assert [item.honour for item in score.items] == honours
    assert score.component == (Decimal(total * 100) / Decimal(cap)).quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP"
    )
