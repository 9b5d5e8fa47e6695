"""Daily-data scores for 300,000 units over 12 months (issue 11's scale target).

Ours: `daily_batch` over units × months × metrics — blocks judged from each unit's founding
month, 党小组会 left out for units without party groups and the weights scaled up, every score an
exact fraction rounded half-up once (each metric's completion is computed on first use, and
timed beside). The floor: bare numpy over the
same array, the minimum work — block sums by reshape, comparisons with the requirement, the
means, one float weighted sum (every unit judged over the whole window, nothing left out, nothing
exact). Target: within 3×.

The data are realistic in shape: most branches regular, some with gaps, a few with no records;
5 % founded within the window, a third without party groups. Before timing, a sample of units is
checked against the pure rule (`daily_score`), so the figure is for the right answer.

    python -m bench.daily_scores [--smoke] [--units N]
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

import numpy as np

from bench._scoring_data import load, machine, timed
from leitai.scoring.analysis.daily_batch import NOT_FOUNDED, DailyArrays, daily_batch
from leitai.scoring.daily import Cadence, DailyRule, MetricKind, Month, daily_score
from leitai.scoring.exact import units_to_decimal

MONTHS = 12
FIRST = Month(2025, 12)


def daily_arrays(units: int, rule: DailyRule, seed: int = 0) -> DailyArrays:
    rng = np.random.default_rng(seed)
    n_metrics = len(rule.metrics)
    # A unit's regularity: most near 1, some with gaps, a few with nothing.
    regularity = np.clip(rng.beta(8, 1.5, size=(units, 1, 1)), 0, 1)
    regularity[rng.random(units) < 0.02] = 0
    held = rng.random((units, MONTHS, n_metrics)) < regularity
    counts = rng.integers(1, 4, size=(units, MONTHS, n_metrics), dtype=np.int32)
    ratios = np.clip(rng.normal(0.93, 0.08, size=(units, MONTHS, n_metrics)), 0, 1)
    is_ratio = np.array([m.kind is MetricKind.RATIO for m in rule.metrics])
    requirement = np.array([max(m.requirement, 1) for m in rule.metrics], dtype=np.int32)
    values = np.where(
        is_ratio, np.round(ratios * 10_000).astype(np.int32), np.minimum(counts, requirement)
    )
    # Quarterly and yearly meetings happen once in their period, not every month.
    cadence = np.array([m.cadence.months for m in rule.metrics])
    once = rng.random((units, MONTHS, n_metrics)) < 1 / cadence
    values = np.where(held & (once | is_ratio), values, 0).astype(np.int32)
    founded = np.full(units, NOT_FOUNDED, dtype=np.int64)
    young = rng.random(units) < 0.05
    founded[young] = FIRST.index + rng.integers(1, MONTHS + 2, size=int(young.sum()))
    party_groups = np.where(rng.random(units) < 1 / 3, 0, 1).astype(np.int8)
    return DailyArrays(
        first=FIRST,
        values=values,
        recorded=np.asarray(values.any(axis=(1, 2)), dtype=bool),
        founded=founded,
        party_groups=party_groups,
    )


def floor(values: np.ndarray, rule: DailyRule) -> np.ndarray:
    """Block sums, comparisons, means and one weighted sum, in floats; nothing else."""
    units = values.shape[0]
    completion = np.empty((units, len(rule.metrics)))
    for cadence in Cadence:
        size = cadence.months
        index = [i for i, m in enumerate(rule.metrics) if m.cadence is cadence]
        counts = [i for i in index if rule.metrics[i].kind is MetricKind.COUNT]
        if counts:
            part = values[:, :, counts]
            sums = part.reshape(units, MONTHS // size, size, len(counts)).sum(axis=2)
            requirement = np.array([rule.metrics[i].requirement for i in counts])
            completion[:, counts] = (sums >= requirement).mean(axis=1)
    ratios = [i for i, m in enumerate(rule.metrics) if m.kind is MetricKind.RATIO]
    completion[:, ratios] = values[:, :, ratios].mean(axis=1) / 10_000
    weights = np.array([m.weight for m in rule.metrics], dtype=np.float64)
    result: np.ndarray = completion @ weights
    return result


def check_sample(arrays: DailyArrays, rule: DailyRule, sample: int) -> None:
    """Ours against the pure rule on `sample` units spread over the batch."""
    batch = daily_batch(arrays, rule)
    last = arrays.last
    keys = [m.key for m in rule.metrics]
    for u in np.linspace(0, arrays.values.shape[0] - 1, sample).astype(int).tolist():
        given: dict[tuple[str, Month], int | Decimal] = {}
        for t, k in zip(*np.nonzero(arrays.values[u]), strict=True):
            raw = int(arrays.values[u, t, k])
            value: int | Decimal = (
                Decimal(raw).scaleb(-4) if rule.metrics[k].kind is MetricKind.RATIO else raw
            )
            given[keys[k], FIRST.plus(int(t))] = value
        founded = int(arrays.founded[u])
        groups = int(arrays.party_groups[u])
        pure = daily_score(
            given,
            rule,
            FIRST,
            last,
            None if founded == NOT_FOUNDED else Month.from_index(founded),
            None if groups < 0 else bool(groups),
        )
        # A month recorded with value 0 is not in `given`: recorded-ness is the arrays' own.
        if pure.score is None:
            assert bool(batch.young[u]), u
        else:
            assert units_to_decimal(int(batch.score[u]), 2) == pure.score, u


def target(name: str, ours: float, floor: float, limit: float, unit: str = "ms") -> bool:
    ratio = ours / floor
    met = ratio <= limit
    print(
        f"target {name}: ours {ours:.1f} {unit}, floor {floor:.1f} {unit}, ratio {ratio:.2f} "
        f"(limit {limit:g}): {'met' if met else 'missed'}"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.daily_scores")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--units", type=int, default=None)
    args = parser.parse_args(argv)
    units = args.units or (2_000 if args.smoke else 300_000)
    repeat = 1 if args.smoke else 5
    rule = DailyRule.DEFAULT
    arrays = daily_arrays(units, rule)
    check_sample(arrays, rule, 50 if args.smoke else 300)

    print(f"machine: {machine()}; {load()}")
    print(
        f"{units:,} units × {MONTHS} months × {len(rule.metrics)} metrics "
        f"({arrays.values.nbytes / 2**20:.0f} MiB of int32)"
    )
    floor_time = timed(lambda: floor(arrays.values, rule), repeat)
    ours_time = timed(lambda: daily_batch(arrays, rule), repeat)
    full_time = timed(lambda: daily_batch(arrays, rule).completion, repeat)
    print(f"  floor (numpy block sums, comparisons, float weighted sum): {floor_time}")
    print(f"  daily_batch (founding, party groups, exact scores):        {ours_time}")
    print(f"  … and every metric's completion in hundredths:            {full_time}")
    print(
        f"  ratio: {ours_time.wall / floor_time.wall:.2f}× wall, "
        f"{ours_time.cpu / floor_time.cpu:.2f}× CPU, medians of {repeat}; {load()}"
    )
    if args.smoke:
        return 0
    met = target("daily-scores-300k", ours_time.wall * 1000, floor_time.wall * 1000, 3)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
