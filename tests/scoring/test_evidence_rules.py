"""The programme's evidence record (leitai.scoring.evidence): its defaults, hand cases, and every
value it refuses, each refusal naming the field and the value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from leitai.scoring.codec import SettingError
from leitai.scoring.daily import Cadence, DailyError
from leitai.scoring.evidence import (
    EvidenceError,
    EvidenceRules,
    evidence_rules_of_record,
    flatten,
)
from leitai.scoring.honours import HonoursError, Level


def full() -> dict[str, Any]:
    return copy.deepcopy(EvidenceRules.DEFAULT.to_record())


def test_the_default_is_the_issues_table() -> None:
    rules = EvidenceRules.from_record({})
    assert rules == EvidenceRules.from_record(None) == EvidenceRules.DEFAULT
    assert [rules.honours.points[level] for level in Level] == [10, 8, 5, 3, 1]
    assert (rules.honours.window_years, rules.honours.cap) == (3, 15)
    assert rules.daily.window_months == 12
    table = {
        m.name: (m.kind.value, m.cadence.value, m.requirement, m.weight)
        for m in rules.daily.metrics
    }
    assert table == {
        "支委会": ("count", "month", 1, 15),
        "党员大会": ("count", "quarter", 1, 10),
        "党小组会": ("count", "month", 1, 10),
        "党课": ("count", "quarter", 1, 10),
        "主题党日": ("count", "month", 1, 15),
        "组织生活会": ("count", "year", 1, 10),
        "民主评议党员": ("count", "year", 1, 5),
        "党费按时交纳率": ("ratio", "month", 0, 15),
        "学习达标率": ("ratio", "month", 0, 10),
    }


def test_the_written_record_reads_back_and_names_every_value() -> None:
    record = full()
    assert EvidenceRules.from_record(record) == EvidenceRules.DEFAULT
    flat = flatten(record)
    assert flat["honours.points.national"] == 10
    assert flat["daily.metrics.general_meeting.cadence"] == "quarter"
    assert flat["daily.metrics.dues_rate.kind"] == "ratio"
    assert len(flat) == 5 + 2 + 9 * 4 + 1


def test_a_changed_record_by_hand() -> None:
    record = full()
    record["honours"]["points"]["national"] = "12"
    record["honours"]["cap"] = 20
    record["daily"]["window_months"] = 24
    record["daily"]["metrics"]["committee_meeting"]["weight"] = 10
    record["daily"]["metrics"]["theme_day"]["weight"] = 20
    record["daily"]["metrics"]["general_meeting"]["cadence"] = "monthly"  # the adverb is read
    record["daily"]["metrics"]["life_meeting"]["requirement"] = 2
    rules = EvidenceRules.from_record(record)
    assert rules.honours.points[Level.NATIONAL] == 12
    assert rules.honours.cap == 20
    assert rules.daily.window_months == 24
    assert rules.daily.metric("支委会").weight == 10
    assert rules.daily.metric("党员大会").cadence is Cadence.MONTH
    assert rules.daily.metric("组织生活会").requirement == 2
    assert EvidenceRules.from_record(rules.to_record()) == rules


def test_the_cached_reading_is_the_same_value() -> None:
    record = full()
    assert evidence_rules_of_record(record) is evidence_rules_of_record(copy.deepcopy(record))
    assert evidence_rules_of_record(record) == EvidenceRules.DEFAULT


def _set(path: str, value: object) -> dict[str, Any]:
    record = full()
    *parents, last = path.split(".")
    target = record
    for name in parents:
        target = target[name]
    target[last] = value
    return record


@pytest.mark.parametrize(
    ("path", "value", "error", "field"),
    [
        # the honours: points whole numbers ≥ 0, window ≥ 1 year, cap > 0
        ("honours.points.national", -1, HonoursError, "points.national"),
        ("honours.points.provincial", "8.5", HonoursError, "points.provincial"),
        ("honours.points.street", "one", HonoursError, "points.street"),
        ("honours.points.municipal", True, HonoursError, "points.municipal"),
        ("honours.points.county", 3, HonoursError, "points"),
        ("honours.window_years", 0, HonoursError, "window_years"),
        ("honours.window_years", "", HonoursError, "window_years"),
        ("honours.cap", 0, HonoursError, "cap"),
        ("honours.cap", -5, HonoursError, "cap"),
        ("honours.ceiling", 5, HonoursError, "honours"),
        # the daily data: weights sum to 100, requirements ≥ 1, window ≥ 1 month, kinds, cadences
        ("daily.metrics.committee_meeting.weight", 16, DailyError, "weights"),
        ("daily.metrics.committee_meeting.weight", -15, DailyError, "metrics.committee_meeting"),
        ("daily.metrics.theme_day.weight", "x", DailyError, "metrics.theme_day.weight"),
        ("daily.metrics.party_lecture.requirement", 0, DailyError, "metrics.party_lecture"),
        (
            "daily.metrics.party_lecture.requirement",
            "2.5",
            DailyError,
            "metrics.party_lecture.requirement",
        ),
        (
            "daily.metrics.general_meeting.cadence",
            "weekly",
            DailyError,
            "metrics.general_meeting.cadence",
        ),
        ("daily.metrics.dues_rate.cadence", "quarter", DailyError, "metrics.dues_rate"),
        ("daily.metrics.dues_rate.requirement", 1, DailyError, "metrics.dues_rate"),
        ("daily.metrics.dues_rate.kind", "count", DailyError, "metrics.dues_rate.kind"),
        ("daily.metrics.theme_day.kind", "share", DailyError, "metrics.theme_day.kind"),
        ("daily.metrics.theme_day.colour", "red", DailyError, "metrics.theme_day"),
        ("daily.metrics.meetings", {"weight": 1}, DailyError, "metric"),
        ("daily.metrics.theme_day", 15, DailyError, "metrics.theme_day"),
        ("daily.metrics", [], DailyError, "metrics"),
        ("daily.window_months", 0, DailyError, "window_months"),
        ("daily.window_months", "twelve", DailyError, "window_months"),
        ("daily.start", "2026-01", DailyError, "daily"),
        ("daily", "all", EvidenceError, "daily"),
        ("honours", 15, EvidenceError, "honours"),
        ("reference", "2026-12-01", EvidenceError, "evidence"),
    ],
)
def test_every_bad_value_is_refused_naming_field_and_value(
    path: str, value: object, error: type[SettingError], field: str
) -> None:
    with pytest.raises(error) as caught:
        EvidenceRules.from_record(_set(path, value))
    assert isinstance(caught.value, ValueError)
    assert caught.value.field.startswith(field), caught.value.field
    assert str(caught.value).startswith(f"{caught.value.field}: ")
    assert f"“{caught.value.value}”" in str(caught.value) or "weights" in str(caught.value)


def test_all_weight_on_party_groups_is_refused() -> None:
    record = full()
    for metric in record["daily"]["metrics"].values():
        metric["weight"] = 0
    record["daily"]["metrics"]["group_meeting"]["weight"] = 100
    with pytest.raises(DailyError, match="weights"):
        EvidenceRules.from_record(record)
