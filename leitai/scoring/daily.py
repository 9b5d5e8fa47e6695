"""A unit's daily data on the 灯塔-党建在线 platform as a score out of 100: the rule the daily-data
app and `leitai stats daily` both publish by.

The judged span is the window of months, or from the unit's founding month if later. Periods are
counted from the start of the span: months one by one, quarters as consecutive blocks of three
months, years as blocks of twelve; an incomplete trailing block is not judged. A count metric's
completion is the share of its judged blocks whose count reached the requirement (regularity, not
volume: four meetings in one quarter make one quarter); a ratio metric's is the mean of its
monthly values over the span, a month without a record counting 0. A metric with no whole period
in the span is left out, as is 党小组会 for a unit without party groups, and the remaining weights
are scaled up to 100. Score = Σ weight × completion, exact, rounded half-up to 2 places at the end.
A unit with no record at all in the window scores 0, flagged `no_records`; a unit founded after
the window is `young`, with no score.

Pure: no Django, no app. docs/scoring.md is the full contract; the columnar path
(`leitai.scoring.analysis.daily_batch`) must agree with this module to the last digit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from leitai.scoring.codec import SettingError, gettext_noop, whole_number
from leitai.scoring.exact import decimal_places, round_half_up


class DailyError(SettingError):
    """A month, a value or a rule record the daily rule cannot use, naming the field and the
    value. `phrase` carries the catalogue's message and its values for the Django layer."""


class MetricKind(StrEnum):
    COUNT = "count"
    RATIO = "ratio"


class Cadence(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.YEAR: 12}[self]


_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a month (YYYY-MM)."),
                field="period",
                value=f"{self.year:04d}-{self.month:02d}",
            )

    @classmethod
    def parse(cls, text: str, field: str = "period") -> Month:
        """ "2026-01" → Month(2026, 1); DailyError for anything else."""
        match = _MONTH.fullmatch(str(text).strip())
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a month (YYYY-MM)."),
                field=field,
                value=text,
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since January of year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Metric:
    key: str  # English snake-case key
    name: str  # the Chinese name the platform and the issue use
    kind: MetricKind
    cadence: Cadence
    requirement: int  # a count's minimum per block; 0 for a ratio
    weight: int
    party_groups_only: bool = False  # True only for 党小组会

    @property
    def block_months(self) -> int:
        return self.cadence.months


def _metric(key: str, name: str, kind: MetricKind, cadence: Cadence, weight: int) -> Metric:
    requirement = 1 if kind is MetricKind.COUNT else 0
    return Metric(key, name, kind, cadence, requirement, weight, key == "group_meeting")


# 《中国共产党支部工作条例（试行）》: the defaults of the programme setting.
DEFAULT_METRICS: tuple[Metric, ...] = (
    _metric("committee_meeting", "支委会", MetricKind.COUNT, Cadence.MONTH, 15),
    _metric("general_meeting", "党员大会", MetricKind.COUNT, Cadence.QUARTER, 10),
    _metric("group_meeting", "党小组会", MetricKind.COUNT, Cadence.MONTH, 10),
    _metric("party_lecture", "党课", MetricKind.COUNT, Cadence.QUARTER, 10),
    _metric("theme_day", "主题党日", MetricKind.COUNT, Cadence.MONTH, 15),
    _metric("life_meeting", "组织生活会", MetricKind.COUNT, Cadence.YEAR, 10),
    _metric("member_appraisal", "民主评议党员", MetricKind.COUNT, Cadence.YEAR, 5),
    _metric("dues_rate", "党费按时交纳率", MetricKind.RATIO, Cadence.MONTH, 15),
    _metric("study_rate", "学习达标率", MetricKind.RATIO, Cadence.MONTH, 10),
)
_DEFAULT_BY_KEY = {metric.key: metric for metric in DEFAULT_METRICS}


def _whole(value: object, field: str, minimum: int) -> int:
    return whole_number(value, field, minimum, DailyError)


# The words a record may use for a cadence: the stored form (month…) and the adverbs (monthly…).
CADENCE_WORDS: dict[str, Cadence] = {
    **{cadence.value: cadence for cadence in Cadence},
    "monthly": Cadence.MONTH,
    "quarterly": Cadence.QUARTER,
    "yearly": Cadence.YEAR,
}


def _check_kind(metric: Metric, value: object, field: str) -> None:
    """A record may name a metric's kind (count or ratio), but not change it: the platform
    exports each metric as one kind."""
    text = str(value).strip().lower()
    if text not in {kind.value for kind in MetricKind}:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” is not count or ratio."), field=field, value=value
        )
    if text != metric.kind.value:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s”: the platform exports %(metric)s as a %(kind)s."),
            field=field,
            value=value,
            metric=metric.name,
            kind=metric.kind.value,
        )


@dataclass(frozen=True)
class DailyRule:
    """The metrics with their cadence, requirement and weight, and the window in months.
    `DailyRule()` is the default (the issue's table, 12 months)."""

    metrics: tuple[Metric, ...] = DEFAULT_METRICS
    window_months: int = 12

    DEFAULT: ClassVar[DailyRule]

    def __post_init__(self) -> None:
        keys = [metric.key for metric in self.metrics]
        if sorted(keys) != sorted(_DEFAULT_BY_KEY):
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not the platform's list of metrics."),
                field="metrics",
                value=", ".join(keys),
            )
        for metric in self.metrics:
            default = _DEFAULT_BY_KEY[metric.key]
            where = f"metrics.{metric.key}"
            _whole(metric.weight, f"{where}.weight", 0)
            if metric.kind is MetricKind.COUNT:
                _whole(metric.requirement, f"{where}.requirement", 1)
            elif metric.requirement != 0 or metric.cadence is not Cadence.MONTH:
                raise DailyError(
                    gettext_noop("%(field)s: “%(value)s”: a ratio is judged month by month."),
                    field=where,
                    value=f"{metric.cadence}, {metric.requirement}",
                )
            if (metric.name, metric.kind, metric.party_groups_only) != (
                default.name,
                default.kind,
                default.party_groups_only,
            ):
                raise DailyError(
                    gettext_noop("%(field)s: “%(value)s” is not the platform's metric."),
                    field=where,
                    value=metric.name,
                )
        total = sum(metric.weight for metric in self.metrics)
        if total != 100:
            raise DailyError(
                gettext_noop("%(field)s: the weights sum to %(value)s, not 100."),
                field="weights",
                value=total,
            )
        if not any(
            metric.weight > 0 and metric.cadence is Cadence.MONTH and not metric.party_groups_only
            for metric in self.metrics
        ):
            # Otherwise a span of one month, or a unit without party groups, has nothing judged.
            raise DailyError(
                gettext_noop("%(field)s: a monthly metric other than 党小组会 must carry weight."),
                field="weights",
                value=0,
            )
        _whole(self.window_months, "window_months", 1)

    @classmethod
    def from_record(cls, record: Mapping[str, object] | None) -> DailyRule:
        """The rule a programme setting stores:
            {"window_months": 12,
             "metrics": {"general_meeting": {"weight": 10, "requirement": 1, "cadence": "quarter"},
                         …}}
        {} (or None) is the default; a metric or a field left out keeps its default. Metrics are
        named by key or Chinese name; the weights must sum to 100."""
        record = record or {}
        unknown = sorted(set(record) - {"metrics", "window_months"})
        if unknown:
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a setting of the daily-data rule."),
                field="daily",
                value=unknown[0],
            )
        given = record.get("metrics", {})
        if not isinstance(given, Mapping):
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a list of metrics."),
                field="metrics",
                value=given,
            )
        changed: dict[str, Metric] = {}
        for name, settings in given.items():
            metric = DailyRule.DEFAULT.metric(str(name))
            where = f"metrics.{metric.key}"
            if not isinstance(settings, Mapping):
                raise DailyError(
                    gettext_noop("%(field)s: “%(value)s” is not a list of settings."),
                    field=where,
                    value=settings,
                )
            extra = sorted(set(settings) - {"kind", "weight", "requirement", "cadence"})
            if extra:
                raise DailyError(
                    gettext_noop("%(field)s: “%(value)s” is not a setting of a metric."),
                    field=where,
                    value=extra[0],
                )
            _check_kind(metric, settings.get("kind", metric.kind.value), f"{where}.kind")
            cadence_text = str(settings.get("cadence", metric.cadence))
            cadence = CADENCE_WORDS.get(cadence_text.strip().lower())
            if cadence is None:
                raise DailyError(
                    gettext_noop("%(field)s: “%(value)s” is not month, quarter or year."),
                    field=f"{where}.cadence",
                    value=cadence_text,
                )
            changed[metric.key] = Metric(
                key=metric.key,
                name=metric.name,
                kind=metric.kind,
                cadence=cadence,
                requirement=_whole(
                    settings.get("requirement", metric.requirement), f"{where}.requirement", 0
                ),
                weight=_whole(settings.get("weight", metric.weight), f"{where}.weight", 0),
                party_groups_only=metric.party_groups_only,
            )
        return cls(
            metrics=tuple(changed.get(metric.key, metric) for metric in DEFAULT_METRICS),
            window_months=_whole(record.get("window_months", 12), "window_months", 1),
        )

    def to_record(self) -> dict[str, object]:
        """Every value written out, in the form `from_record` reads."""
        return {
            "metrics": {
                metric.key: {
                    "kind": metric.kind.value,
                    "weight": metric.weight,
                    "requirement": metric.requirement,
                    "cadence": metric.cadence.value,
                }
                for metric in self.metrics
            },
            "window_months": self.window_months,
        }

    def metric(self, name: str) -> Metric:
        """The metric a key (committee_meeting) or a Chinese name (支委会) names."""
        word = "".join(str(name).split())
        for metric in self.metrics:
            if word in (metric.key, metric.name):
                return metric
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” is not a metric (%(known)s)."),
            field="metric",
            value=name,
            known=", ".join(metric.name for metric in self.metrics),
        )


DailyRule.DEFAULT = DailyRule()


def window(reference: date, months: int) -> tuple[Month, Month]:
    """The `months` whole months before the reference date's month, first and last:
    2026-12-04 and 12 → (2025-12, 2026-11)."""
    this = Month.of(reference)
    return this.plus(-months), this.plus(-1)


_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def check_value(metric: Metric, text: str) -> int | Decimal:
    """A value as the platform exports it: for a count a whole number ≥ 0 (an int); for a ratio a
    number from 0 to 1 with at most 4 decimals (a Decimal). DailyError naming the value."""
    raw = str(text).strip()
    number: Decimal | None = None
    if _PLAIN_NUMBER.fullmatch(raw):
        try:
            number = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
            number = None
    if number is None:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” is not a number."), field=metric.name, value=text
        )
    if metric.kind is MetricKind.COUNT:
        if number != number.to_integral_value() or number < 0:
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a whole number of 0 or more."),
                field=metric.name,
                value=text,
            )
        return int(number)
    if not 0 <= number <= 1:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” is not a ratio from 0 to 1."),
            field=metric.name,
            value=text,
        )
    if decimal_places(number) > 4:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” has more than 4 decimals."),
            field=metric.name,
            value=text,
        )
    return abs(number).quantize(Decimal("0.0001"))  # one form: 0.95 and 0.950 are 0.9500


class Flag(StrEnum):
    NONE = ""
    NO_RECORDS = "no_records"
    YOUNG = "young"


class LeftOut(StrEnum):
    NO = ""
    NO_WHOLE_PERIOD = "no_whole_period"
    NO_PARTY_GROUPS = "no_party_groups"


@dataclass(frozen=True)
class Block:
    """One judged period of a metric: its months, its value (the sum of a count's months; a
    ratio's month value, 0 without a record), whether it met the rule (a count reached the
    requirement; a ratio's month has a record) and whether any of its months has a record."""

    months: tuple[Month, ...]
    value: int | Decimal
    met: bool
    recorded: bool = True


@dataclass(frozen=True)
class MetricResult:
    metric: Metric
    weight: Fraction  # after scaling to 100; 0 when left out
    completion: Fraction | None  # from 0 to 1; None when left out
    blocks: tuple[Block, ...]  # the judged blocks (none when left out)
    left_out: str  # a LeftOut value


@dataclass(frozen=True)
class DailyScore:
    score: Decimal | None  # 2 places half-up; None when young
    flag: Flag
    first: Month | None  # the judged span's first month; None when young
    last: Month
    metrics: tuple[MetricResult, ...]

    @property
    def exact(self) -> Fraction | None:
        """The score before rounding (None when young)."""
        if self.flag is Flag.YOUNG:
            return None
        return sum(
            (m.weight * m.completion for m in self.metrics if m.completion is not None),
            Fraction(0),
        )


def daily_score(
    values: Mapping[tuple[str, Month], int | Decimal],
    rule: DailyRule,
    first: Month,
    last: Month,
    founded: Month | None = None,
    has_party_groups: bool | None = None,
) -> DailyScore:
    """One unit's score over the window `first`…`last` (inclusive).

    `values` is keyed by (metric key, month); months outside the window are ignored. A unit
    founded after `last` is young (no score); one founded within the window is judged from its
    founding month. `has_party_groups` False leaves 党小组会 out (None: not known, judged).
    """
    if first > last:
        raise DailyError(
            gettext_noop("%(field)s: “%(value)s” is after the window's last month."),
            field="from",
            value=str(first),
        )
    known = {metric.key for metric in rule.metrics}
    for key, _ in values:
        if key not in known:
            raise DailyError(
                gettext_noop("%(field)s: “%(value)s” is not a metric (%(known)s)."),
                field="metric",
                value=key,
                known=", ".join(sorted(known)),
            )
    if founded is not None and founded > last:
        return DailyScore(
            score=None,
            flag=Flag.YOUNG,
            first=None,
            last=last,
            metrics=tuple(
                MetricResult(metric, Fraction(0), None, (), LeftOut.NO_WHOLE_PERIOD)
                for metric in rule.metrics
            ),
        )
    start = first if founded is None else max(first, founded)
    span = [Month.from_index(index) for index in range(start.index, last.index + 1)]
    judged: list[tuple[Metric, tuple[Block, ...], Fraction]] = []
    left: dict[str, LeftOut] = {}
    for metric in rule.metrics:
        if metric.party_groups_only and has_party_groups is False:
            left[metric.key] = LeftOut.NO_PARTY_GROUPS
            continue
        size = metric.block_months
        count = len(span) // size
        if count == 0:
            left[metric.key] = LeftOut.NO_WHOLE_PERIOD
            continue
        blocks = []
        for number in range(count):
            months = tuple(span[number * size : (number + 1) * size])
            present = [
                values[metric.key, month] for month in months if (metric.key, month) in values
            ]
            if metric.kind is MetricKind.COUNT:
                total = int(sum(present))
                blocks.append(Block(months, total, total >= metric.requirement, bool(present)))
            else:
                value = Decimal(present[0]) if present else Decimal(0)
                blocks.append(Block(months, value, bool(present), bool(present)))
        if metric.kind is MetricKind.COUNT:
            completion = Fraction(sum(block.met for block in blocks), count)
        else:
            completion = sum((Fraction(block.value) for block in blocks), Fraction(0)) / count
        judged.append((metric, tuple(blocks), completion))
    total_weight = sum(metric.weight for metric, _, _ in judged)
    results = {
        metric.key: MetricResult(
            metric, Fraction(metric.weight * 100, total_weight), completion, blocks, LeftOut.NO
        )
        for metric, blocks, completion in judged
    }
    metrics = tuple(
        results.get(metric.key) or MetricResult(metric, Fraction(0), None, (), left[metric.key])
        for metric in rule.metrics
    )
    exact = sum((m.weight * m.completion for m in metrics if m.completion is not None), Fraction(0))
    recorded = any(first <= month <= last for _, month in values)
    return DailyScore(
        score=round_half_up(exact, 2),
        flag=Flag.NONE if recorded else Flag.NO_RECORDS,
        first=start,
        last=last,
        metrics=metrics,
    )
