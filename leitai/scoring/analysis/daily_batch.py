"""Daily-data scores of many units at once, in numpy: the same figures as
`leitai.scoring.daily.daily_score`, to the last digit.

The input is one array of units × months × metrics over the window (metrics in the rule's
order; a count as given, a ratio in ten-thousandths, a month without a record 0), plus per unit
whether it has any record in the window, its founding month and whether it has party groups.
Scores are exact rationals over integers, rounded half-up once, like the pure rule:

    score = 100 × Σ w·c / W, c a count's met blocks ÷ judged blocks or a ratio's sum ÷ (L × 10⁴)

over the metrics judged for the unit (W their weights, L the months of its span). With
E = L × 10⁴ × max(1, L // 3) × max(1, L // 12) every completion is an integer over E, so the
sum is one integer numerator over W × E.

A unit founded within the window is judged from its founding month: its blocks start there. The
units are grouped by that offset (at most one group per month of the window) and each group's
blocks are a reshape of its slice, so the usual case (every unit judged over the whole window)
costs no gather at all.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.daily import Cadence, DailyRule, Metric, MetricKind, Month
from leitai.scoring.exact import IntArray, divide_half_up, fits_int64

NOT_FOUNDED = np.iinfo(np.int64).min  # founding month unknown: judged over the whole window
RATIO_UNITS = 10_000  # a ratio has at most 4 decimals


@dataclass(frozen=True)
class DailyArrays:
    first: Month  # the window's first month
    values: NDArray[np.int32]  # units × months × metrics (rule order); ratios × 10⁴
    recorded: NDArray[np.bool_]  # units: any record in the window
    founded: NDArray[np.int64]  # units: founding month's `Month.index`, or NOT_FOUNDED
    party_groups: NDArray[np.int8]  # units: 1 has party groups, 0 has none, −1 not known

    @property
    def last(self) -> Month:
        return self.first.plus(self.values.shape[1] - 1)


@dataclass(frozen=True)
class DailyBatch:
    score: IntArray  # units: the score in hundredths (rounded half-up); 0 when young
    young: NDArray[np.bool_]  # units: founded after the window, no score
    no_records: NDArray[np.bool_]  # units: no record in the window (score 0)
    judged: NDArray[np.bool_]  # units × metrics: False when left out
    score_numerator: IntArray  # units: the exact score …
    score_denominator: IntArray  # … as a fraction (1 when young)
    first: NDArray[np.int64]  # units: the judged span's first month (`Month.index`)
    met: NDArray[np.int64]  # units × metrics: a count's judged blocks that met the requirement
    ratio_sum: NDArray[np.int64]  # units × metrics: a ratio's sum over the span, × 10⁴
    blocks: NDArray[np.int64]  # units × metrics: judged blocks (0 when none)
    length: NDArray[np.int64]  # units: months in the judged span (0 when young)
    is_ratio: NDArray[np.bool_]  # metrics

    @functools.cached_property
    def completion_numerator(self) -> IntArray:
        """units × metrics: the exact completion as a fraction over `completion_denominator`
        (0 / 1 when left out). Computed on first use: a bulk recomputation may need only the
        scores."""
        numerator = np.where(self.is_ratio[None, :], self.ratio_sum, self.met)
        result: IntArray = np.where(self.judged, numerator, 0)
        return result

    @functools.cached_property
    def completion_denominator(self) -> IntArray:
        months = self.length[:, None] * RATIO_UNITS
        denominator = np.where(self.is_ratio[None, :], months, self.blocks)
        result: IntArray = np.where(self.judged, np.maximum(denominator, 1), 1)
        return result

    @functools.cached_property
    def completion(self) -> IntArray:
        """units × metrics: each completion in hundredths, rounded half-up (0 when left out)."""
        return divide_half_up(self.completion_numerator * 100, self.completion_denominator)


def array_value(metric: Metric, value: int | Decimal) -> int:
    """What the arrays hold for a checked value: a ratio in ten-thousandths; a count, or the
    metric's requirement if lower (whether a block reaches the requirement does not change, and
    int32 cannot overflow)."""
    if metric.kind is MetricKind.RATIO:
        return int(Decimal(value).scaleb(4))
    return min(int(value), metric.requirement)


def build_arrays(
    rule: DailyRule,
    first: Month,
    last: Month,
    n_units: int,
    *,
    unit: NDArray[np.integer[Any]],
    month: NDArray[np.integer[Any]],
    metric: NDArray[np.integer[Any]],
    value: NDArray[np.integer[Any]],
    founded: NDArray[np.int64] | None = None,
    party_groups: NDArray[np.int8] | None = None,
) -> DailyArrays:
    """The arrays from one entry per record: its unit (0…n_units−1), month (`Month.index`),
    metric (position in the rule) and `array_value`. Records outside the window are ignored."""
    n_months = last.index - first.index + 1
    offset = month - first.index
    inside = (offset >= 0) & (offset < n_months)
    values = np.zeros((n_units, n_months, len(rule.metrics)), dtype=np.int32)
    values[unit[inside], offset[inside], metric[inside]] = value[inside]
    return DailyArrays(
        first=first,
        values=values,
        recorded=np.bincount(unit[inside], minlength=n_units) > 0,
        founded=np.full(n_units, NOT_FOUNDED, dtype=np.int64) if founded is None else founded,
        party_groups=(
            np.full(n_units, -1, dtype=np.int8) if party_groups is None else party_groups
        ),
    )


def arrays_of_units(
    rule: DailyRule,
    first: Month,
    last: Month,
    units: Sequence[Mapping[tuple[str, Month], int | Decimal]],
    founded: Sequence[Month | None] | None = None,
    party_groups: Sequence[bool | None] | None = None,
) -> DailyArrays:
    """The arrays of units given as `daily_score` takes them, one mapping per unit."""
    position = {m.key: i for i, m in enumerate(rule.metrics)}
    entries = [
        (u, month.index, position[key], array_value(rule.metrics[position[key]], value))
        for u, values in enumerate(units)
        for (key, month), value in values.items()
    ]
    columns = np.array(entries, dtype=np.int64).reshape(-1, 4).T
    return build_arrays(
        rule,
        first,
        last,
        len(units),
        unit=columns[0],
        month=columns[1],
        metric=columns[2],
        value=columns[3],
        founded=None
        if founded is None
        else np.array([NOT_FOUNDED if f is None else f.index for f in founded], dtype=np.int64),
        party_groups=None
        if party_groups is None
        else np.array([-1 if g is None else int(g) for g in party_groups], dtype=np.int8),
    )


def daily_batch(arrays: DailyArrays, rule: DailyRule) -> DailyBatch:
    values = arrays.values
    n_units, n_months, n_metrics = values.shape
    if n_metrics != len(rule.metrics):
        raise ValueError(f"{n_metrics} metrics in the arrays, {len(rule.metrics)} in the rule")
    first = arrays.first.index
    last = first + n_months - 1
    founded = arrays.founded
    known = founded != NOT_FOUNDED
    young = known & (founded > last)
    offset = np.where(known, np.clip(founded - first, 0, n_months), 0).astype(np.int64)
    length = n_months - offset  # 0 for the young

    is_ratio = np.array([m.kind is MetricKind.RATIO for m in rule.metrics])

    # Every unit as if judged from the window's start (no copy of the values), then the units
    # founded within the window again from their own first month, one slice per offset. The
    # young are judged on nothing (their results are masked below).
    met, ratio_sum = _blocks(values, rule, is_ratio)  # blocks met; Σ ratio × 10⁴
    later = offset * ~young
    for start in np.unique(later[later > 0]).tolist():
        rows = np.flatnonzero(later == start)
        met[rows], ratio_sum[rows] = _blocks(values[rows, start:, :], rule, is_ratio)

    # Every completion as an integer over E = L × 10⁴ × Q × Y (L months, Q quarters and
    # Y years judged, at least 1); one (units,) vector per metric.
    judged_blocks = {size: length // size for size in (1, 3, 12)}
    quarters = np.maximum(judged_blocks[3], 1)
    years = np.maximum(judged_blocks[12], 1)
    common = np.maximum(length, 1) * RATIO_UNITS * quarters * years
    # numerator × 10⁴ ≤ 100 × E × 10⁴, E ≤ months³ × 10⁴
    if not fits_int64(100 * 100 * 100 * n_months**3 * RATIO_UNITS):  # a very long window
        common = common.astype(object)
    per_block = {size: common // np.maximum(count, 1) for size, count in judged_blocks.items()}
    ratio_scale = quarters * years  # E / (L × 10⁴)
    no_groups = arrays.party_groups == 0
    numerator = np.zeros(n_units, dtype=common.dtype)
    total_weight = np.zeros(n_units, dtype=np.int64)
    judged = np.empty((n_units, n_metrics), dtype=bool)
    blocks = np.empty((n_units, n_metrics), dtype=np.int64)
    for k, metric in enumerate(rule.metrics):
        size = metric.cadence.months
        blocks[:, k] = judged_blocks[size]
        column = judged_blocks[size] > 0
        if metric.party_groups_only:
            column &= ~no_groups
        judged[:, k] = column
        if metric.kind is MetricKind.RATIO:
            term = ratio_sum[:, k] * ratio_scale
        else:
            term = met[:, k] * per_block[size]
        numerator += term * (column * metric.weight)
        total_weight += column * metric.weight
    denominator = np.maximum(total_weight, 1) * common
    score = divide_half_up(numerator * (100 * 100), denominator)
    return DailyBatch(
        score=np.where(young, 0, score),
        young=young,
        no_records=~arrays.recorded & ~young,
        judged=judged,
        score_numerator=np.where(young, 0, numerator * 100),
        score_denominator=np.where(young, 1, denominator),
        first=first + offset,
        met=met,
        ratio_sum=ratio_sum,
        blocks=blocks,
        length=length,
        is_ratio=is_ratio,
    )


def _blocks(
    part: NDArray[np.int32], rule: DailyRule, is_ratio: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Blocks met per count metric and the sum of each ratio metric over `part` (units × the
    span's months × metrics), blocks counted from the span's first month."""
    n_units, n_months, n_metrics = part.shape
    met = np.zeros((n_units, n_metrics), dtype=np.int64)
    ratio_sum = np.zeros((n_units, n_metrics), dtype=np.int64)
    ratios = np.flatnonzero(is_ratio)
    if ratios.size:
        ratio_sum[:, ratios] = part[:, :, ratios].sum(axis=1, dtype=np.int64)
    for cadence in Cadence:
        size = cadence.months
        columns = [
            i
            for i, m in enumerate(rule.metrics)
            if m.cadence is cadence and m.kind is MetricKind.COUNT
        ]
        count = n_months // size
        if not columns or count == 0:
            continue
        index = np.array(columns, dtype=np.int64)
        requirement = np.array([rule.metrics[i].requirement for i in columns], dtype=np.int64)
        chosen = part[:, : count * size, index]
        if size == 1:
            reached = chosen >= requirement
        else:
            sums = chosen.reshape(n_units, count, size, index.size).sum(axis=2, dtype=np.int64)
            reached = sums >= requirement
        met[:, index] = reached.sum(axis=1)
    return met, ratio_sum
