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
    score: IntArray  # units: the score in hundredths (rounded half-up); meaningless when young
    young: NDArray[np.bool_]  # units: founded after the window, no score
    no_records: NDArray[np.bool_]  # units: no record in the window (score 0)
    judged: NDArray[np.bool_]  # units × metrics: False when left out
    completion: IntArray  # units × metrics: completion in hundredths, half-up (0 if left out)
    completion_numerator: IntArray  # units × metrics: the exact completion …
    completion_denominator: IntArray  # … as a fraction (1 when left out)
    score_numerator: IntArray  # units: the exact score …
    score_denominator: IntArray  # … as a fraction (1 when young)
    first: NDArray[np.int64]  # units: the judged span's first month (`Month.index`)


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
    unit: NDArray[np.int64],
    month: NDArray[np.int64],
    metric: NDArray[np.int64],
    value: NDArray[np.int64],
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

    blocks = np.array([m.cadence.months for m in rule.metrics], dtype=np.int64)
    weight = np.array([m.weight for m in rule.metrics], dtype=np.int64)
    is_ratio = np.array([m.kind is MetricKind.RATIO for m in rule.metrics])
    groups_only = np.array([m.party_groups_only for m in rule.metrics])
    judged_blocks = length[:, None] // blocks[None, :]  # units × metrics
    judged = judged_blocks > 0
    judged &= ~(groups_only[None, :] & (arrays.party_groups == 0)[:, None])

    met = np.zeros((n_units, n_metrics), dtype=np.int64)  # count metrics: blocks met
    ratio_sum = np.zeros((n_units, n_metrics), dtype=np.int64)  # ratio metrics: Σ × 10⁴
    offsets = np.unique(offset[~young]) if n_units else np.zeros(0, dtype=np.int64)
    for start in offsets.tolist():
        rows: Any = slice(None) if offsets.size == 1 and not young.any() else offset == start
        if not isinstance(rows, slice):
            rows &= ~young
        part = values[rows, start:, :]
        met[rows], ratio_sum[rows] = _blocks(part, rule, is_ratio)

    # Every completion as an integer over E = L × 10⁴ × Q × Y.
    quarters = np.maximum(length // 3, 1)
    years = np.maximum(length // 12, 1)
    safe_length = np.maximum(length, 1)
    common = safe_length * RATIO_UNITS * quarters * years
    # numerator × 10⁴ ≤ 100 × E × 10⁴, E ≤ months³ × 10⁴
    if not fits_int64(100 * 100 * 100 * n_months**3 * RATIO_UNITS):  # a very long window
        common = common.astype(object)
    safe_blocks = np.maximum(judged_blocks, 1)
    ratio_scale = (quarters * years)[:, None]
    term = np.where(
        is_ratio[None, :], ratio_sum * ratio_scale, met * (common[:, None] // safe_blocks)
    )
    term = np.where(judged, term, 0)
    numerator = (term * weight[None, :]).sum(axis=1)
    total_weight = np.where(judged, weight[None, :], 0).sum(axis=1)
    denominator = np.maximum(total_weight, 1) * common
    score = divide_half_up(numerator * (100 * 100), denominator)

    completion_numerator = np.where(is_ratio[None, :], ratio_sum, met)
    completion_denominator = np.where(
        is_ratio[None, :], safe_length[:, None] * RATIO_UNITS, safe_blocks
    )
    completion_numerator = np.where(judged, completion_numerator, 0)
    completion_denominator = np.where(judged, completion_denominator, 1)
    completion = divide_half_up(completion_numerator * 100, completion_denominator)
    return DailyBatch(
        score=np.where(young, 0, score),
        young=young,
        no_records=~arrays.recorded & ~young,
        judged=judged,
        completion=completion,
        completion_numerator=completion_numerator,
        completion_denominator=completion_denominator,
        score_numerator=np.where(young, 0, numerator * 100),
        score_denominator=np.where(young, 1, denominator),
        first=first + offset,
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
