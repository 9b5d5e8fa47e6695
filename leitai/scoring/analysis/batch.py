"""The columnar batch path: many participants at once, as scaled integers.

Marks arrive as int64 counts of 10**−exponent, so every sum is exact; an aggregate is an integer
numerator over an integer denominator and is rounded half-up in integer arithmetic
(`exact.divide_half_up`). `Decimal` appears only at the boundary (`BatchScores.score`). The
figures are identical to `panel.score_panel` for every input (a hypothesis test checks it); when an
intermediate could overflow int64 the same code runs on Python integers (object arrays).

Judge columns must be in judge-code order: trimming drops the first and last k marks of the
(mark, judge column) order, which is the scalar path's (mark, judge code) order only then.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.arrays import sorted_distinct
from leitai.scoring.exact import (
    IntArray,
    decimal_places,
    decimal_to_units,
    divide_half_up,
    fits_int64,
    units_to_decimal,
)
from leitai.scoring.panel import Method, Mode, PanelRule
from leitai.scoring.ranking import TieBreak, TieBreakKind

NO_JUDGE = -1


@dataclass(frozen=True)
class MarkTable:
    """Marks of P participants by J judges on C criteria, as scaled integers."""

    values: IntArray  # (P, J, C): mark × 10**exponent; ignored where not present
    present: NDArray[np.bool_]  # (P, J): the judge scored this participant (every criterion)
    exponent: int
    weights: tuple[Decimal, ...]  # one per criterion

    def __post_init__(self) -> None:
        if self.values.ndim != 3 or self.present.shape != self.values.shape[:2]:
            raise ValueError("values must be (P, J, C) and present (P, J)")
        if len(self.weights) != self.values.shape[2]:
            raise ValueError("one weight per criterion")
        if self.values.shape[0] and not bool(self.present.any(axis=1).all()):
            raise ValueError("every participant needs at least one judge")


@dataclass(frozen=True)
class RowAggregate:
    numerator: IntArray  # (N,) in the rows' units
    denominator: IntArray  # (N,)
    dropped_low: NDArray[np.int64]  # (N, k) judge columns, NO_JUDGE where nothing dropped
    dropped_high: NDArray[np.int64]


@dataclass(frozen=True)
class BatchScores:
    decimals: int
    score_units: IntArray  # (P,) published score × 10**decimals
    judges: NDArray[np.int64]  # (P,) judges who scored
    trimmed: NDArray[np.bool_]  # (P,) marks were dropped
    # Total mode: (P, k) judge columns whose totals were dropped. Criterion mode: (P, C, k).
    dropped_low: NDArray[np.int64]
    dropped_high: NDArray[np.int64]
    total_units: IntArray  # (P, J) each judge's weighted total × 10**total_exponent
    total_exponent: int
    untrimmed_key: IntArray  # (P,) orders like the untrimmed mean (sum × lcm / judges)
    criterion_units: IntArray | None  # (P, C) criterion panel marks × 10**decimals
    weighted_units: IntArray | None  # (P, C) criterion mode only

    def score(self, participant: int) -> Decimal:
        return units_to_decimal(int(self.score_units[participant]), self.decimals)


def scale_weights(weights: Sequence[Decimal]) -> tuple[list[int], int]:
    exponent = max((decimal_places(w) for w in weights), default=0)
    return [decimal_to_units(w, exponent) for w in weights], exponent


def aggregate_batch(
    table: MarkTable, rule: PanelRule | None = None, *, criterion_marks: bool = False
) -> BatchScores:
    """Score every participant of `table`; `criterion_marks` also computes each criterion's panel
    mark in total mode (needed for a criterion tie-break)."""
    rule = rule or PanelRule()
    weight_units, weight_exponent = scale_weights(table.weights)
    values: IntArray = table.values
    judges_max = values.shape[1]
    largest = int(np.abs(values).max()) if values.size else 0
    total_bound = largest * sum(abs(w) for w in weight_units)
    scale_up = 10 ** max(0, rule.decimals - table.exponent - weight_exponent)
    if not fits_int64(4 * total_bound * max(judges_max, 1) * scale_up * 10**rule.decimals):
        values = values.astype(object)
    present = table.present
    judges = present.sum(axis=1).astype(np.int64)

    totals: IntArray = np.zeros(values.shape[:2], dtype=values.dtype)
    for index, weight in enumerate(weight_units):
        totals = totals + values[:, :, index] * weight
    total_exponent = table.exponent + weight_exponent

    criterion_units = None
    weighted_units = None
    per_criterion: list[RowAggregate] = []
    if rule.mode is Mode.CRITERION or criterion_marks:
        columns = []
        for index in range(values.shape[2]):
            row = aggregate_rows(values[:, :, index], present, rule)
            per_criterion.append(row)
            columns.append(round_units(row, table.exponent, rule.decimals))
        criterion_units = np.stack(columns, axis=1) if columns else None

    if rule.mode is Mode.TOTAL:
        row = aggregate_rows(totals, present, rule)
        score_units = round_units(row, total_exponent, rule.decimals)
        dropped_low, dropped_high = row.dropped_low, row.dropped_high
    else:
        assert criterion_units is not None
        weights = np.array(weight_units, dtype=criterion_units.dtype)
        weighted_units = divide_half_up(
            criterion_units * weights, np.full_like(criterion_units, 10**weight_exponent)
        )
        score_units = weighted_units.sum(axis=1)
        dropped_low = np.stack([r.dropped_low for r in per_criterion], axis=1)
        dropped_high = np.stack([r.dropped_high for r in per_criterion], axis=1)

    return BatchScores(
        decimals=rule.decimals,
        score_units=score_units,
        judges=judges,
        trimmed=np.asarray(_trims(judges, rule)),
        dropped_low=dropped_low,
        dropped_high=dropped_high,
        total_units=totals,
        total_exponent=total_exponent,
        untrimmed_key=_untrimmed_key(totals, present, judges),
        criterion_units=criterion_units,
        weighted_units=weighted_units,
    )


def _trims(judges: NDArray[np.int64], rule: PanelRule) -> NDArray[np.bool_]:
    if rule.method is not Method.TRIMMED or rule.trim == 0:
        return np.zeros(judges.shape, dtype=bool)
    result: NDArray[np.bool_] = judges >= rule.min_panel
    return result


def aggregate_rows(
    values: IntArray, present: NDArray[np.bool_], rule: PanelRule, *, name_dropped: bool = True
) -> RowAggregate:
    """Exact aggregate of each row's present values, as numerator / denominator.

    `name_dropped=False` skips finding which judges were dropped (a plain sort instead of an
    argsort), for the bootstrap, which only needs the figures.
    """
    rows, width = values.shape
    judges = present.sum(axis=1).astype(np.int64)
    if rule.method is Method.MEAN or (rule.method is Method.TRIMMED and rule.trim <= 1):
        return _aggregate_by_reduction(values, present, judges, rule, name_dropped=name_dropped)
    row_index = np.arange(rows)[:, None]
    # Absent cells sort after every present one; ties keep column (judge code) order.
    sentinel = (int(values.max()) + 1) if values.size else 0
    filled = np.where(present, values, sentinel)
    if name_dropped:
        order = np.argsort(filled, axis=1, kind="stable")
        ordered = np.take_along_axis(filled, order, axis=1)
    else:
        ordered = np.sort(filled, axis=1)
    valid = np.arange(width)[None, :] < judges[:, None]
    ordered = np.where(valid, ordered, 0)
    prefix = np.concatenate(
        [np.zeros((rows, 1), dtype=ordered.dtype), np.cumsum(ordered, axis=1)], axis=1
    )
    k = rule.trim if rule.method is Method.TRIMMED else 0
    no_drop = np.full((rows, k), NO_JUDGE, dtype=np.int64)
    if rule.method is Method.MEDIAN:
        upper = ordered[np.arange(rows), judges // 2]
        lower = ordered[np.arange(rows), np.maximum((judges - 1) // 2, 0)]
        odd = judges % 2 == 1
        numerator = np.where(odd, upper, lower + upper)
        denominator = np.where(odd, 1, 2).astype(np.int64)
        return RowAggregate(numerator, denominator, no_drop, no_drop)
    trims = _trims(judges, rule)
    low = np.where(trims, k, 0)
    high = np.where(trims, judges - k, judges)
    numerator = prefix[np.arange(rows), high] - prefix[np.arange(rows), low]
    denominator = high - low
    if k == 0 or not name_dropped:
        return RowAggregate(numerator, denominator, no_drop, no_drop)
    dropped_low = np.where(trims[:, None], order[:, :k], NO_JUDGE)
    high_columns = (judges - k)[:, None] + np.arange(k)[None, :]
    high_columns = np.where(trims[:, None], high_columns, 0)
    dropped_high = np.where(trims[:, None], order[row_index, high_columns], NO_JUDGE)
    return RowAggregate(numerator, denominator, dropped_low, dropped_high)


def _aggregate_by_reduction(
    values: IntArray,
    present: NDArray[np.bool_],
    judges: NDArray[np.int64],
    rule: PanelRule,
    *,
    name_dropped: bool,
) -> RowAggregate:
    """Mean, or trimming one mark at each end, without sorting: sum − lowest − highest.

    The lowest is the first minimum in column order and the highest the last maximum, which is
    exactly what the sorting path drops: the first and last of the (mark, column) order.
    """
    rows, width = values.shape
    complete = bool(present.all())
    zeroed = values if complete else np.where(present, values, 0)
    total = zeroed.sum(axis=1)
    trims = _trims(judges, rule)
    k = rule.trim if rule.method is Method.TRIMMED else 0
    no_drop = np.full((rows, k), NO_JUDGE, dtype=np.int64)
    if not trims.any():
        return RowAggregate(total, judges, no_drop, no_drop)
    if complete:
        low_column = np.argmin(values, axis=1)
        high_column = width - 1 - np.argmax(values[:, ::-1], axis=1)
    else:
        largest = int(np.abs(values).max()) + 1
        low_column = np.argmin(np.where(present, values, largest), axis=1)
        reversed_values = np.where(present, values, -largest)[:, ::-1]
        high_column = width - 1 - np.argmax(reversed_values, axis=1)
    row = np.arange(rows)
    low, high = values[row, low_column], values[row, high_column]
    numerator = np.where(trims, total - low - high, total)
    denominator = np.where(trims, judges - 2, judges)
    if not name_dropped:
        return RowAggregate(numerator, denominator, no_drop, no_drop)
    dropped_low = np.where(trims, low_column, NO_JUDGE).astype(np.int64)[:, None]
    dropped_high = np.where(trims, high_column, NO_JUDGE).astype(np.int64)[:, None]
    return RowAggregate(numerator, denominator, dropped_low, dropped_high)


def round_units(row: RowAggregate, exponent: int, decimals: int) -> IntArray:
    """numerator / denominator (in units of 10**−exponent) rounded half-up to `decimals`."""
    if decimals >= exponent:
        return divide_half_up(row.numerator * 10 ** (decimals - exponent), row.denominator)
    return divide_half_up(row.numerator, row.denominator * 10 ** (exponent - decimals))


def _untrimmed_key(
    totals: IntArray, present: NDArray[np.bool_], judges: NDArray[np.int64]
) -> IntArray:
    """An integer that orders participants exactly as their untrimmed mean does.

    sum / n ordered across different n: multiply by lcm(all n) / n. Exact, and stays an integer
    column that lexsort accepts (floats could tie two different means).
    """
    sums = np.where(present, totals, 0).sum(axis=1)
    sizes = [int(n) for n in sorted_distinct(judges)]
    common = math.lcm(*sizes) if sizes else 1
    bound = (int(np.abs(sums).max()) if sums.size else 0) * common
    if not fits_int64(bound) and sums.dtype != object:
        sums = sums.astype(object)
    factors = np.zeros(max(sizes, default=0) + 1, dtype=np.int64)
    for n in sizes:
        factors[n] = common // n
    key: IntArray = sums * factors[judges].astype(sums.dtype)
    return key


def rank_batch(
    scores: BatchScores,
    tie_breaks: Sequence[TieBreak] = (),
    criterion_keys: Sequence[str] = (),
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.int64]]:
    """Competition ranks, tied flags and the rank order (row indices), like `rank_panel_scores`.

    Rows must be in participant-code order for equal ranks to list in code order.
    """
    keys: list[IntArray] = [scores.score_units]
    for tie_break in tie_breaks:
        if tie_break.kind is TieBreakKind.UNTRIMMED_MEAN:
            keys.append(scores.untrimmed_key)
        else:
            name = tie_break.criterion
            if scores.criterion_units is None or name is None or name not in criterion_keys:
                raise ValueError(f"tie-break names unknown criterion {name!r}")
            keys.append(scores.criterion_units[:, list(criterion_keys).index(name)])
    count = scores.score_units.shape[0]
    if any(key.dtype == object for key in keys):
        rows = sorted(range(count), key=lambda i: tuple(-int(key[i]) for key in keys))
        order = np.array(rows, dtype=np.int64)
    elif len(keys) == 1:
        order = np.argsort(-keys[0], kind="stable").astype(np.int64)
    else:
        # lexsort's last key is the primary one; equal keys keep row order (stable).
        order = np.lexsort(tuple(-key for key in reversed(keys))).astype(np.int64)
    new_group = np.zeros(count, dtype=bool)
    if count:
        new_group[0] = True
    for key in keys:
        ordered = key[order]
        new_group[1:] |= ordered[1:] != ordered[:-1]
    starts = np.where(new_group, np.arange(count), 0)
    first_of_group = np.maximum.accumulate(starts) if count else starts
    ranks = np.empty(count, dtype=np.int64)
    ranks[order] = first_of_group + 1
    group_ids = np.cumsum(new_group) - 1
    group_sizes = np.bincount(group_ids, minlength=int(group_ids.max(initial=-1)) + 1)
    tied = np.empty(count, dtype=bool)
    tied[order] = group_sizes[group_ids] > 1
    return ranks, tied, order
