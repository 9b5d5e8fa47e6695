"""The star rating's rule at a province's scale (issue 13): a million units rated from values in
memory, with the five-star cap in each of 3,000 groups.

The units: basic items on a 0.5 step, appraisal in whole points, deductions and bonus in
hundredths (most units without deductions or bonus, a few beyond their caps), 0.5 % vetoed,
2 % younger than 12 months, in 3,000 cap groups (evaluating units) of about 333 (`rate_arrays`:
integer totals rounded half-up, thresholds, the appraisal and veto caps, and per group the
five-star line with its ordering by total, basic, appraisal and code, and the ties across it).

Floor: bare numpy over the same arrays, the minimum work — the formula in floats (capped
deductions and bonus, a clip, the two weights), the four thresholds, the two caps and the young
as `np.where`s, and the per-group cap as one argsort of the qualifying units by group and total
against ⌊0.3 × rated⌋ in floats. Target: within 3× of the floor.

Before timing, the array path is checked against the one-unit definition (`rate_groups`, exact
fractions) on whole groups.

    python -m bench.stars_rule [--smoke]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from decimal import Decimal

import numpy as np

from bench._scoring_data import load, machine, target_ratio, timed
from leitai.scoring.stars import REASONS, StarRule, UnitArrays, UnitValues, rate_arrays, rate_groups

LIMIT_RATIO = 3


def province(units: int, groups: int, seed: int = 0) -> UnitArrays:
    rng = np.random.default_rng(seed)
    quality = rng.normal(0, 1, units)
    # Basic items on a 0.5 step, appraisal in whole points: equal units happen, at the line too.
    basic = np.clip(np.round((88 + 7 * quality + rng.normal(0, 3, units)) * 2) * 50, 0, 10_000)
    appraisal = np.clip(np.round(88 + 6 * quality + rng.normal(0, 8, units)) * 100, 0, 10_000)
    deductions = np.where(rng.random(units) < 0.15, rng.integers(100, 2_600, units), 0)
    bonus = np.where(rng.random(units) < 0.2, rng.integers(100, 1_300, units), 0)
    months = np.where(rng.random(units) < 0.02, rng.integers(0, 12, units), 36)
    return UnitArrays(
        basic=basic.astype(np.int64),
        deductions=deductions.astype(np.int64),
        bonus=bonus.astype(np.int64),
        appraisal=appraisal.astype(np.int64),
        veto=rng.random(units) < 0.005,
        months=months.astype(np.int64),
        group=rng.integers(0, groups, units).astype(np.int64),
        code_rank=np.arange(units, dtype=np.int64),  # codes u0000000 … in file order
    )


def floor(u: UnitArrays) -> np.ndarray:
    """The minimum work in floats: formula, thresholds, caps, one argsort for the group cap."""
    combined = u.basic / 100 - np.minimum(u.deductions / 100, 20) + np.minimum(u.bonus / 100, 10)
    total = 0.7 * np.clip(combined, 0, 100) + 0.3 * u.appraisal / 100
    stars = 1 + (total >= 90) + (total >= 80) + (total >= 70) + (total >= 60)
    stars = np.where((u.appraisal < 6_000) | u.veto, np.minimum(stars, 2), stars)
    young = u.months < 12
    stars = np.where(young, 0, stars)
    allowed = np.floor(0.3 * np.bincount(u.group[~young]))
    qualifying = np.flatnonzero(stars == 5)
    order = qualifying[np.lexsort((-total[qualifying], u.group[qualifying]))]
    g = u.group[order]
    starts = np.searchsorted(g, g)
    over = order[np.arange(order.size) - starts >= allowed[g]]
    stars[over] = 4
    return stars


def check(u: UnitArrays, result, groups: list[int], rule: StarRule) -> None:
    """Whole groups against `rate_groups`, the one-unit definition in exact fractions."""
    for g in groups:
        members = np.flatnonzero(u.group == g).tolist()

        def value(array: np.ndarray, i: int) -> Decimal:
            return Decimal(int(array[i])).scaleb(-2)

        units = [
            (
                f"u{i:07d}",
                str(g),
                UnitValues(
                    value(u.basic, i),
                    value(u.deductions, i),
                    value(u.bonus, i),
                    value(u.appraisal, i),
                    bool(u.veto[i]),
                    int(u.months[i]),
                ),
            )
            for i in members
        ]
        for i, r in zip(members, rate_groups(units, rule), strict=True):
            total = int(result.total[i])
            assert (None if total < 0 else Decimal(total).scaleb(-2)) == r.total, i
            assert (int(result.stars[i]) or None) == r.stars, i
            assert result.reason_of(i) is r.reason, i
            assert bool(result.tied[i]) == r.tied, i


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stars_rule")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    count, groups = (20_000, 60) if args.smoke else (1_000_000, 3_000)
    repeat = 1 if args.smoke else 5
    rule = StarRule()
    u = province(count, groups)
    result = rate_arrays(u, rule)
    check(
        u,
        result,
        [0, 1, groups // 2, groups - 1] if args.smoke else list(range(0, groups, 150)),
        rule,
    )
    floor_stars = floor(u)
    # The floor rounds float totals (exact halves can fall either way) and splits equal totals at
    # a line by position, not by basic, appraisal and code: a few units differ.
    agree = float(np.mean(floor_stars == result.stars))

    print(f"machine: {machine()}; {load()}")
    print(f"{count:,} units in {groups:,} cap groups (five-star cap {rule.five_star_cap})")
    floor_time = timed(lambda: floor(u), repeat)
    ours_time = timed(lambda: rate_arrays(u, rule), repeat)
    print(f"  floor (float formula, thresholds, caps, one argsort per group cap): {floor_time}")
    print(
        f"  ours (integer totals half-up, caps, five-star line with ordering and ties): {ours_time}"
    )
    stars = Counter(int(s) for s in result.stars.tolist())
    reasons = Counter(REASONS[int(r)].value for r in result.reason.tolist())
    print("  stars: " + ", ".join(f"{k or 'not rated'} {v:,}" for k, v in sorted(stars.items())))
    print("  reasons: " + ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items())))
    print(f"  tied at a line: {int(result.tied.sum()):,}; floor's stars equal ours for {agree:.4%}")
    print(f"  {load()}")
    if args.smoke:
        return 0
    met = target_ratio("stars_rule_1m", ours_time.wall * 1000, floor_time.wall * 1000, LIMIT_RATIO)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
