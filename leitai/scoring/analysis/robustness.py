"""How sure a top-q cut is: a bootstrap over each panel's judges.

One bootstrap sample redraws, for every panel independently, as many judges as it had, with
replacement; every participant of the panel is re-scored with the same rule (trimming, rounding)
from the drawn judges' totals (a drawn judge who did not score that participant contributes
nothing), and all participants are ranked together by competition ranking. Over the samples each
participant gets a rank interval (2.5th–97.5th percentile) and P(rank ≤ q). Verdicts: surely in
when P ≥ 0.95, surely out when P ≤ 0.05, uncertain between: those are the places where a
different but equally legitimate panel could have changed the list.

The draws come from numpy's PCG64 seeded with `seed`, all drawn up front, so the result depends
only on the inputs and the seed (not on chunking or the machine).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.batch import (
    MarkTable,
    RowAggregate,
    aggregate_batch,
    aggregate_rows,
    rank_batch,
    round_units,
)
from leitai.scoring.exact import units_to_decimal
from leitai.scoring.panel import Method, PanelRule

SURELY_IN = 0.95
SURELY_OUT = 0.05
CHUNK_CELLS = 8_000_000  # samples × participants × judges per chunk: bounds memory
_NONE = np.zeros((0, 0), dtype=np.int64)


class Verdict(StrEnum):
    SURELY_IN = "surely_in"
    SURELY_OUT = "surely_out"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class CutPlace:
    participant: int  # row of the mark table
    panel: int
    score: Decimal
    rank: int
    rank_low: int
    rank_high: int
    p_in_top: float
    verdict: Verdict


@dataclass(frozen=True)
class CutRobustness:
    top: int
    samples: int
    seed: int
    places: tuple[CutPlace, ...]  # in rank order


def verdict_for(probability: float) -> Verdict:
    if probability >= SURELY_IN:
        return Verdict.SURELY_IN
    if probability <= SURELY_OUT:
        return Verdict.SURELY_OUT
    return Verdict.UNCERTAIN


def bootstrap_cut(
    table: MarkTable,
    panels: NDArray[np.int64],
    *,
    top: int,
    rule: PanelRule | None = None,
    samples: int = 2000,
    seed: int = 0,
) -> CutRobustness:
    """`panels[i]` is participant i's panel (0 … number of panels − 1).

    The table's judge columns are panel seats: column l of a row is the l-th judge of that row's
    panel, the same judge for every participant of the panel (a recused judge's cell is absent),
    in judge-code order within the panel. One column per seat keeps the table P × (largest
    panel) instead of P × (all judges of all panels).
    """
    rule = rule or PanelRule()
    if top < 1:
        raise ValueError("top must be at least 1")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    published = aggregate_batch(table, rule)
    ranks, _, order = rank_batch(published)
    local_values, local_present = published.total_units, table.present
    panel_sizes = _panel_sizes(table.present, panels)
    rng = np.random.default_rng(seed)
    width = local_values.shape[1]
    n_panels = panel_sizes.size
    # Draw judge positions for every sample and panel; positions beyond a panel's size are unused.
    draws = rng.integers(0, panel_sizes[None, :, None], size=(samples, n_panels, width))
    in_panel = np.arange(width)[None, :] < panel_sizes[:, None]
    draws = np.where(in_panel[None, :, :], draws, width)  # unused positions count nowhere

    participants = local_values.shape[0]
    sample_ranks = np.empty((samples, participants), dtype=np.int32)
    chunk = max(1, CHUNK_CELLS // max(participants * width, 1))
    rescore = rescorer(rule)
    for start in range(0, samples, chunk):
        stop = min(samples, start + chunk)
        numerator, denominator = rescore(
            draws[start:stop], panels, local_values, local_present, rule
        )
        empty = denominator == 0
        rounded = round_units(
            RowAggregate(numerator, np.where(empty, 1, denominator), _NONE, _NONE),
            published.total_exponent,
            rule.decimals,
        )
        # A participant none of whose judges was drawn gets no score in that sample: last place.
        rounded = np.where(empty, np.iinfo(np.int64).min, rounded)
        sample_ranks[start:stop] = competition_ranks(rounded)

    sorted_ranks = np.sort(sample_ranks, axis=0)
    low_index = int(np.floor(0.025 * (samples - 1)))
    high_index = int(np.ceil(0.975 * (samples - 1)))
    p_in_top = (sample_ranks <= top).mean(axis=0)
    places = tuple(
        CutPlace(
            participant=int(i),
            panel=int(panels[i]),
            score=units_to_decimal(int(published.score_units[i]), rule.decimals),
            rank=int(ranks[i]),
            rank_low=int(sorted_ranks[low_index, i]),
            rank_high=int(sorted_ranks[high_index, i]),
            p_in_top=float(p_in_top[i]),
            verdict=verdict_for(float(p_in_top[i])),
        )
        for i in order
    )
    return CutRobustness(top=top, samples=samples, seed=seed, places=places)


def _panel_sizes(present: NDArray[np.bool_], panels: NDArray[np.int64]) -> NDArray[np.int64]:
    """Seats per panel: one past the last seat that any of its participants has a mark in."""
    n_panels = int(panels.max()) + 1 if panels.size else 0
    seats = np.arange(1, present.shape[1] + 1)
    last_seat = np.where(present, seats[None, :], 0).max(axis=1, initial=0)
    sizes = np.zeros(n_panels, dtype=np.int64)
    np.maximum.at(sizes, panels, last_seat)
    return sizes


def competition_ranks(scores: NDArray[np.int64]) -> NDArray[np.int32]:
    """Row-wise competition ranks (1 + number of strictly higher scores)."""
    samples, count = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    new_group = np.ones((samples, count), dtype=bool)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    positions = np.where(new_group, np.arange(count)[None, :], 0)
    first = np.maximum.accumulate(positions, axis=1)
    ranks = np.empty((samples, count), dtype=np.int32)
    np.put_along_axis(ranks, order, (first + 1).astype(np.int32), axis=1)
    return ranks


Rescore = Callable[
    [NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_], PanelRule],
    tuple[NDArray[np.int64], NDArray[np.int64]],
]


def rescorer(rule: PanelRule) -> Rescore:
    """How a sample of drawn judges is scored by `rule`: `(draws (samples, panels, width),
    panel of each participant, totals, present, rule) → (numerator, denominator)` per sample and
    participant. From draw counts for mean and trim-one rules, by sorting otherwise. The
    selection's bootstrap (`selection_robustness`) resamples its panel with it too."""
    return _rescore_by_counts if _counts_suffice(rule) else _rescore_by_sorting


def _counts_suffice(rule: PanelRule) -> bool:
    """Mean, or trimming one mark at each end: sums, minima and maxima of the drawn multiset,
    with no per-sample sort."""
    return rule.method is Method.MEAN or (rule.method is Method.TRIMMED and rule.trim <= 1)


def _draw_counts(draws: NDArray[np.int64], width: int) -> NDArray[np.int64]:
    """How many times each local judge was drawn: (samples, panels, width)."""
    samples, n_panels, _ = draws.shape
    base = (np.arange(samples * n_panels, dtype=np.int64) * (width + 1)).reshape(
        samples, n_panels, 1
    )
    counts = np.bincount((base + draws).ravel(), minlength=samples * n_panels * (width + 1))
    return counts.reshape(samples, n_panels, width + 1)[:, :, :width]


def _rescore_by_counts(
    draws: NDArray[np.int64],
    panels: NDArray[np.int64],
    values: NDArray[np.int64],
    present: NDArray[np.bool_],
    rule: PanelRule,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    width = values.shape[1]
    # int8 counts and an int32 copy of the marks when they fit: this loop is bandwidth-bound.
    counts = np.take(_draw_counts(draws, width).astype(np.int8), panels, axis=1)  # (s, P, w)
    counts = counts * present[None, :, :]
    zeroed = np.where(present, values, 0)
    total = np.einsum("spw,pw->sp", counts, zeroed, dtype=np.int64)
    judges = counts.sum(axis=2, dtype=np.int64)
    if rule.method is Method.MEAN or rule.trim == 0:
        return total, judges
    drawn = counts > 0
    largest = int(np.abs(values).max()) + 1 if values.size else 1
    compact = values.astype(np.int32) if largest < 2**31 - 1 else values
    stacked = np.broadcast_to(compact, drawn.shape)
    low = np.min(stacked, axis=2, where=drawn, initial=largest).astype(np.int64)
    high = np.max(stacked, axis=2, where=drawn, initial=-largest).astype(np.int64)
    trims = judges >= rule.min_panel
    return np.where(trims, total - low - high, total), np.where(trims, judges - 2, judges)


def _rescore_by_sorting(
    draws: NDArray[np.int64],
    panels: NDArray[np.int64],
    values: NDArray[np.int64],
    present: NDArray[np.bool_],
    rule: PanelRule,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    width = values.shape[1]
    samples, participants = draws.shape[0], values.shape[0]
    drawn = np.take(draws, panels, axis=1)  # (s, P, width), `width` where unused
    valid = drawn < width
    drawn = np.where(valid, drawn, 0)
    rows = np.arange(participants)[None, :, None]
    picked = values[rows, drawn]
    picked_present = present[rows, drawn] & valid
    row = aggregate_rows(
        picked.reshape(-1, width), picked_present.reshape(-1, width), rule, name_dropped=False
    )
    shape = (samples, participants)
    return row.numerator.reshape(shape), row.denominator.reshape(shape)
