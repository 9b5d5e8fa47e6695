"""How sure a track's cut is: a bootstrap over the re-evaluation judges (issue 12).

One sample redraws the re-evaluation panel's judges with replacement (as many as it had), scores
every candidate again with the panel rule from the drawn judges' totals (a drawn judge who did
not score a candidate, being recused, contributes nothing), turns the published re-evaluation
score into its component (percentage of the rubric's maximum), recomputes every composite
exactly and ranks them with the tie-break chain (`leitai.scoring.selection`). The arena, daily
and honours components stay as they are: only the panel is resampled. A candidate none of whose
judges was drawn is last in that sample. Vetoed candidates take no part.

Over the samples each candidate gets a rank interval (2.5th–97.5th percentile), the probability
of being inside the cut (rank ≤ N; a tie at the cut counts as in) and the scoring core's verdict
(`robustness.verdict_for`: surely in at ≥ 0.95, surely out at ≤ 0.05, uncertain between). Draws
come from numpy's PCG64 seeded with `seed`, all drawn up front.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.batch import MarkTable, RowAggregate, aggregate_batch, round_units
from leitai.scoring.analysis.robustness import CHUNK_CELLS, Verdict, rescorer, verdict_for
from leitai.scoring.exact import divide_half_up, fits_int64
from leitai.scoring.panel import PanelRule
from leitai.scoring.selection import (
    COMPONENTS,
    ComponentArrays,
    CompositeRule,
    composite_fraction,
    composite_units,
    rank_cut,
    reeval_component,
)

_REEVAL = COMPONENTS.index("reeval")
HUNDRED = 100
_NONE = np.zeros((0, 0), dtype=np.int64)


@dataclass(frozen=True)
class SelectionPlace:
    candidate: int  # row of the mark table and of the components
    composite_units: int  # published composite in hundredths
    rank: int  # 0 when vetoed
    status: str  # in, out, tie, vetoed
    rank_low: int | None  # None when vetoed
    rank_high: int | None
    p_in: float | None
    verdict: Verdict | None


@dataclass(frozen=True)
class SelectionRobustness:
    top: int
    samples: int
    seed: int
    places: tuple[SelectionPlace, ...]  # in the cut's order


def reeval_arrays(
    score_units: NDArray[np.int64], decimals: int, maximum: Decimal
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The re-evaluation component of published scores (× 10**decimals) on a rubric whose
    maximum is `maximum`: 100 × score ÷ maximum, as numerators over one denominator."""
    reeval_component(Decimal(0), maximum)  # SelectionError for a maximum ≤ 0
    exact = Fraction(maximum)
    numerator = 100 * score_units * exact.denominator
    denominator = np.full(score_units.shape, 10**decimals * exact.numerator, dtype=np.int64)
    return numerator, denominator


def with_reeval(
    arrays: ComponentArrays, numerator: NDArray[np.int64], denominator: NDArray[np.int64]
) -> ComponentArrays:
    numerators = list(arrays.numerators)
    denominators = list(arrays.denominators)
    numerators[_REEVAL], denominators[_REEVAL] = numerator, denominator
    return replace(arrays, numerators=tuple(numerators), denominators=tuple(denominators))  # type: ignore[arg-type]


def bootstrap_selection(
    table: MarkTable,
    maximum: Decimal,
    others: ComponentArrays,
    vetoed: NDArray[np.bool_],
    *,
    top: int,
    rule: CompositeRule = CompositeRule.DEFAULT,
    panel_rule: PanelRule | None = None,
    samples: int = 2000,
    seed: int = 0,
) -> SelectionRobustness:
    """`table` is the re-evaluation panel (candidates × judges, one panel); `others` holds the
    candidates' arena, daily and honours components (its reeval entries are replaced)."""
    panel_rule = panel_rule or PanelRule()
    if top < 1 or samples < 1:
        raise ValueError("top and samples must be at least 1")
    vetoed = np.asarray(vetoed, dtype=bool)
    published = aggregate_batch(table, panel_rule)
    point = with_reeval(others, *reeval_arrays(published.score_units, panel_rule.decimals, maximum))
    composites = composite_units(point, rule)
    cut = rank_cut(composites, [point.hundredths(name) for name in rule.tie_breaks], vetoed, top)

    candidates = table.values.shape[0]
    width = table.present.shape[1]
    judges = int(np.flatnonzero(table.present.any(axis=0)).max()) + 1 if table.present.any() else 1
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, judges, size=(samples, 1, width))
    draws[:, :, judges:] = width  # seats beyond the panel count nowhere
    panels = np.zeros(candidates, dtype=np.int64)
    rescore = rescorer(panel_rule)
    ranked = ~vetoed
    fixed = _FixedPart(others, ranked, rule, panel_rule.decimals, maximum)
    sample_ranks = np.empty((samples, int(ranked.sum())), dtype=np.int64)
    chunk = max(1, CHUNK_CELLS // max(candidates * width, 1))
    for start in range(0, samples, chunk):
        stop = min(samples, start + chunk)
        numerator, denominator = rescore(
            draws[start:stop], panels, published.total_units, table.present, panel_rule
        )
        empty = (denominator == 0)[:, ranked]
        units = round_units(
            RowAggregate(numerator, np.where(denominator == 0, 1, denominator), _NONE, _NONE),
            published.total_exponent,
            panel_rule.decimals,
        )[:, ranked]
        sample_ranks[start:stop] = fixed.ranks(units, empty)
    sorted_ranks = np.sort(sample_ranks, axis=0)
    low_index = int(np.floor(0.025 * (samples - 1)))
    high_index = int(np.ceil(0.975 * (samples - 1)))
    p_in = (sample_ranks <= top).mean(axis=0)
    column = np.full(candidates, -1, dtype=np.int64)
    column[ranked] = np.arange(int(ranked.sum()))
    places = []
    for i in cut.order.tolist():
        c = int(column[i])
        places.append(
            SelectionPlace(
                candidate=i,
                composite_units=int(composites[i]),
                rank=int(cut.rank[i]),
                status=cut.status_of(i).value,
                rank_low=None if c < 0 else int(sorted_ranks[low_index, c]),
                rank_high=None if c < 0 else int(sorted_ranks[high_index, c]),
                p_in=None if c < 0 else float(p_in[c]),
                verdict=None if c < 0 else verdict_for(float(p_in[c])),
            )
        )
    return SelectionRobustness(top=top, samples=samples, seed=seed, places=tuple(places))


class _FixedPart:
    """What a sample does not change, for the candidates ranked: the arena, daily and honours
    part of each composite as an exact fraction (in hundredths), and their tie-break keys."""

    def __init__(
        self,
        others: ComponentArrays,
        ranked: NDArray[np.bool_],
        rule: CompositeRule,
        decimals: int,
        maximum: Decimal,
    ) -> None:
        count = int(ranked.sum())
        subset = ComponentArrays(
            tuple(n[ranked] for n in others.numerators),  # type: ignore[arg-type]
            tuple(d[ranked] for d in others.denominators),  # type: ignore[arg-type]
        )
        subset = with_reeval(subset, np.zeros(count, dtype=np.int64), np.ones(count, np.int64))
        numerator, denominator = composite_fraction(subset, rule)
        common = np.gcd(numerator, denominator)
        self.numerator, self.denominator = numerator // common, denominator // common
        self.weight = rule.weight_units[_REEVAL]
        self.chain = rule.tie_breaks
        self.keys = {name: subset.hundredths(name) for name in rule.tie_breaks}
        self.decimals, self.maximum = decimals, maximum
        # The sample's denominator is one number: 100 × 10**decimals × maximum's numerator.
        _, reeval_denominator = reeval_arrays(np.zeros(1, np.int64), decimals, maximum)
        self.reeval_denominator = int(reeval_denominator[0])
        largest = int(self.denominator.max()) if count else 1
        self.exact_int64 = fits_int64(10**4 * largest * HUNDRED * self.reeval_denominator * 10)

    def ranks(self, units: NDArray[np.int64], empty: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Competition ranks per sample (rows) from the samples' published reeval scores."""
        reeval, denominator = reeval_arrays(units, self.decimals, self.maximum)
        d = self.reeval_denominator
        fixed_n, fixed_d = self.numerator, self.denominator
        if not self.exact_int64:
            reeval, fixed_n, fixed_d = (a.astype(object) for a in (reeval, fixed_n, fixed_d))
        total = fixed_n * (HUNDRED * d) + self.weight * reeval * fixed_d
        composite = divide_half_up(total, fixed_d * (HUNDRED * d)).astype(np.int64)
        lowest = np.int64(-1)
        keys = [np.where(empty, lowest, composite)]
        for name in self.chain:
            if name == "reeval":
                own = divide_half_up(HUNDRED * reeval, denominator).astype(np.int64)
                keys.append(np.where(empty, lowest, own))
            else:
                keys.append(np.broadcast_to(self.keys[name], composite.shape))
        return competition_ranks(keys)


def competition_ranks(keys: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """Row-wise competition ranks on key tuples, higher better (1 + the number of rows with a
    greater tuple)."""
    samples, count = keys[0].shape
    order = np.lexsort([-k for k in reversed(keys)], axis=-1)
    sorted_keys = [np.take_along_axis(k, order, axis=1) for k in keys]
    new_group = np.ones((samples, count), dtype=bool)
    new_group[:, 1:] = np.logical_or.reduce([k[:, 1:] != k[:, :-1] for k in sorted_keys])
    positions = np.where(new_group, np.arange(count)[None, :], 0)
    first = np.maximum.accumulate(positions, axis=1)
    ranks = np.empty((samples, count), dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return ranks
