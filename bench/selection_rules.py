"""The selection's rules at a province's scale (issue 12): quotas, composites and the cut for all
tracks from values in memory, and the robustness of one track's cut.

A province: 2,000 arenas of 20, 40,000 candidates in 6 tracks, 300 evaluating units; the city's
1,000 seats shared among the tracks, and at a ratio of 1.2 (about 1,200 recommendations) each
track's recommendation quota among the units (`plan_quotas`, exact fractions); every candidate's
arena component (mid-rank percentile in its arena), its exact composite from the four components
and, per track, the ranking with the tie-break chain and the cut at the track's seats, with 1 %
vetoed (`arena_component_arrays`, `determine`).

Floor: bare numpy over the same arrays, the minimum work — the same two apportionments in floats
(shares, floors, an argsort of the remainders), one lexsort of the arenas by score, a float
composite (the weights times the components), and per track one lexsort by the composite and
the chain. Targets: within 3× of the floor, and under 1 s.

Robustness: a track of 600 recommended candidates re-evaluated by a panel of 15 judges (5 %
recused), trimmed mean, 2,000 bootstrap samples (`bootstrap_selection`). Target: under 10 s.
Its floor, printed beside: a bare numpy bootstrap — draw counts, a float mean of the drawn
judges (no trimming), a float composite and an argsort per sample.

Before timing, the array paths are checked against the one-candidate definitions on a sample.

    python -m bench.selection_rules [--smoke]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from bench._scoring_data import load, machine, target_limit, target_ratio, timed
from leitai.scoring.analysis.batch import MarkTable
from leitai.scoring.analysis.selection_robustness import bootstrap_selection
from leitai.scoring.quotas import plan_quotas
from leitai.scoring.selection import (
    COMPONENTS,
    ComponentArrays,
    CompositeRule,
    arena_component_arrays,
    arena_components,
    composite,
    determine,
)

TRACKS = 6
SEATS = 1_000
RATIO = "1.2"
MAXIMUM = Decimal(100)  # the re-evaluation rubric's maximum
CAP = 15  # the honours cap
LIMIT_RATIO, LIMIT_SECONDS, LIMIT_ROBUSTNESS = 3, 1.0, 10.0


@dataclass(frozen=True)
class Province:
    track: np.ndarray  # per candidate
    unit: np.ndarray
    arena: np.ndarray
    arena_score: np.ndarray  # hundredths
    reeval_score: np.ndarray  # hundredths of a 100-point rubric
    daily: np.ndarray  # hundredths
    honours: np.ndarray  # points after the cap
    vetoed: np.ndarray
    units: int


def province(candidates: int, arenas: int, units: int, seed: int = 0) -> Province:
    rng = np.random.default_rng(seed)
    per_arena = candidates // arenas
    arena = np.repeat(np.arange(arenas), per_arena)
    # Evaluating units belong to a sector (rural work committees, enterprise committees, …):
    # each track has its own units, as many as its share of the arenas; each arena is held in
    # one unit of its track.
    share = np.array([0.3, 0.25, 0.1, 0.15, 0.1, 0.1])
    arena_track = rng.choice(TRACKS, size=arenas, p=share)
    per_track = np.floor(share * units).astype(np.int64)
    per_track[0] += units - per_track.sum()
    first_unit = np.concatenate([[0], np.cumsum(per_track)[:-1]])
    arena_unit = first_unit[arena_track] + rng.integers(0, per_track[arena_track])
    quality = rng.normal(0, 1, size=arena.size)
    # Arena scores on a 0.05 grid (ties happen), re-evaluation on 0.01, daily data 0.01.
    arena_score = np.round((85 + 4 * quality + rng.normal(0, 2, arena.size)) * 20).astype(np.int64)
    arena_score *= 5
    reeval = np.clip(np.round((80 + 6 * quality + rng.normal(0, 3, arena.size)) * 100), 0, 10_000)
    daily = np.clip(np.round(rng.beta(8, 1.5, arena.size) * 10_000), 0, 10_000)
    honours = np.minimum(rng.poisson(4 + 2 * np.clip(quality, 0, None)), CAP)
    return Province(
        track=arena_track[arena],
        unit=arena_unit[arena],
        arena=arena,
        arena_score=arena_score,
        reeval_score=reeval.astype(np.int64),
        daily=daily.astype(np.int64),
        honours=honours.astype(np.int64),
        vetoed=rng.random(arena.size) < 0.01,
        units=units,
    )


def weights(p: Province) -> tuple[list[int], list[list[int]]]:
    """Default weights: the number of candidates (eligible units) per track and per unit (0 for
    the units of other tracks: every track's list is all 300 units)."""
    per = np.zeros((TRACKS, p.units), dtype=np.int64)
    np.add.at(per, (p.track, p.unit), 1)
    return per.sum(axis=1).tolist(), per.tolist()


def ours(p: Province, track_weights: list[int], unit_weights: list[list[int]]) -> list:
    plan = plan_quotas(SEATS, track_weights, unit_weights, RATIO)
    arena_n, arena_d = arena_component_arrays(p.arena, p.arena_score)
    # The re-evaluation component: 100 × score ÷ maximum; daily data as is; honours points ÷ cap.
    numerators = (arena_n, p.reeval_score, p.daily, p.honours * 100)
    denominators = (arena_d, np.full(p.arena.size, 100), np.full(p.arena.size, 100))
    denominators += (np.full(p.arena.size, CAP),)
    order = np.argsort(p.track, kind="stable")
    bounds = np.searchsorted(p.track[order], np.arange(TRACKS + 1))
    results = []
    for t in range(TRACKS):
        index = order[bounds[t] : bounds[t + 1]]
        arrays = ComponentArrays(
            tuple(n[index] for n in numerators),  # type: ignore[arg-type]
            tuple(d[index] for d in denominators),  # type: ignore[arg-type]
        )
        results.append((index, *determine(arrays, p.vetoed[index], plan[t].track.seats)))
    return [plan, results]


def _float_apportion(weights: np.ndarray, seats: int) -> np.ndarray:
    positive = weights > 0
    rest = seats - int(positive.sum())
    shares = rest * weights / weights.sum()
    whole = np.floor(shares)
    left = rest - int(whole.sum())
    extra = np.zeros(weights.size)
    extra[np.argsort(-(shares - whole), kind="stable")[:left]] = 1
    return np.where(positive, 1 + whole + extra, 0)


def floor(p: Province, track_weights: list[int], unit_weights: list[list[int]]) -> list:
    """The minimum work in floats: apportionments, one arena sort, a composite, a sort per track."""
    tracks = _float_apportion(np.array(track_weights, dtype=np.float64), SEATS)
    units = [
        _float_apportion(np.array(w, dtype=np.float64), int(np.ceil(s * 1.2)))
        for w, s in zip(unit_weights, tracks, strict=True)
    ]
    by_arena = np.lexsort((-p.arena_score, p.arena))
    arena = np.empty(p.arena.size)
    arena[by_arena] = np.tile(np.linspace(100, 0, 20), p.arena.size // 20)  # no ties resolved
    components = np.stack([arena, p.reeval_score / 100, p.daily / 100, p.honours * 100 / CAP])
    total = np.array([30, 30, 25, 15]) @ components / 100
    orders = []
    for t in range(TRACKS):
        index = np.flatnonzero(p.track == t)
        keys = (components[3, index], components[2, index], components[0, index])
        orders.append(np.lexsort((*keys, components[1, index], total[index])))
    return [units, orders]


def check(p: Province, results: list, sample: int) -> None:
    """The array paths against the one-candidate definitions."""
    plan, tracks = results
    assert sum(t.track.seats for t in plan) == SEATS
    assert all(sum(a.seats for a in t.units) == t.recommendations for t in plan)
    arena_n, arena_d = arena_component_arrays(p.arena, p.arena_score)
    for a in np.linspace(0, p.arena.max(), min(sample, 20)).astype(int).tolist():
        members = np.flatnonzero(p.arena == a)
        expected = arena_components([int(s) for s in p.arena_score[members]])
        assert [Fraction(int(arena_n[i]), int(arena_d[i])) for i in members] == expected
    for index, composites, _ in tracks:
        for j in np.linspace(0, index.size - 1, sample // TRACKS).astype(int).tolist():
            i = int(index[j])
            values = {
                "arena": Fraction(int(arena_n[i]), int(arena_d[i])),
                "reeval": Fraction(int(p.reeval_score[i]), 100),
                "daily": Fraction(int(p.daily[i]), 100),
                "honours": Fraction(int(p.honours[i]) * 100, CAP),
            }
            assert Decimal(int(composites[j])).scaleb(-2) == composite(values), i


def robustness_case(candidates: int, judges: int, seed: int = 4) -> tuple:
    rng = np.random.default_rng(seed)
    quality = rng.normal(80, 5, size=(candidates, 1))
    lean = rng.normal(0, 2, size=(1, judges))
    marks = np.clip(np.round((quality + lean + rng.normal(0, 4, (candidates, judges))) * 2), 0, 200)
    present = rng.random((candidates, judges)) >= 0.05
    present[:, 0] = True
    values = np.where(present, marks, 0).astype(np.int64)
    table = MarkTable(values[:, :, None], present, 0, (Decimal("0.5"),))
    rows = rng.integers(0, 101, size=(candidates, 3))
    numerators = (rows[:, 0] * 100, np.zeros(candidates), rows[:, 1] * 100, rows[:, 2] * 100)
    arrays = ComponentArrays(
        tuple(np.asarray(n, dtype=np.int64) for n in numerators),  # type: ignore[arg-type]
        tuple(np.full(candidates, 100, dtype=np.int64) for _ in COMPONENTS),  # type: ignore[arg-type]
    )
    return table, arrays, values, present, rows


def robustness_floor(values, present, rows, top: int, samples: int, seed: int = 0) -> np.ndarray:
    """Draw counts, the float mean of the drawn judges, a float composite, an argsort a sample."""
    rng = np.random.default_rng(seed)
    judges = values.shape[1]
    draws = rng.integers(0, judges, size=(samples, judges))
    counts = np.zeros((samples, judges))
    np.add.at(counts, (np.repeat(np.arange(samples), judges), draws.ravel()), 1)
    weighted = counts @ (values * present).T  # (samples, candidates)
    scored = counts @ present.T
    reeval = weighted / np.maximum(scored, 1) * 0.5
    fixed = rows @ np.array([30, 25, 15]) / 100
    total = fixed[None, :] + 0.3 * reeval
    ranks = np.argsort(np.argsort(-total, axis=1), axis=1)
    return (ranks < top).mean(axis=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.selection_rules")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    candidates, arenas, units = (2_000, 100, 30) if args.smoke else (40_000, 2_000, 300)
    robust_candidates, samples = (60, 50) if args.smoke else (600, 2_000)
    repeat = 1 if args.smoke else 5
    p = province(candidates, arenas, units)
    track_weights, unit_weights = weights(p)
    results = ours(p, track_weights, unit_weights)
    check(p, results, 60 if args.smoke else 600)
    plan = results[0]

    print(f"machine: {machine()}; {load()}")
    print(
        f"{candidates:,} candidates in {arenas:,} arenas, {TRACKS} tracks, {units} units; "
        f"{SEATS:,} seats → {sum(t.recommendations for t in plan):,} recommendations"
    )
    floor_time = timed(lambda: floor(p, track_weights, unit_weights), repeat)
    ours_time = timed(lambda: ours(p, track_weights, unit_weights), repeat)
    print(f"  floor (float apportionments, lexsorts, float composite): {floor_time}")
    print(f"  ours (exact quotas, arena components, composites, cuts): {ours_time}")
    statuses = Counter(
        cut.status_of(i).value for _, _, cut in results[1] for i in range(cut.rank.size)
    )
    print("  statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))

    table, arrays, values, present, rows = robustness_case(robust_candidates, 15)
    vetoed = np.zeros(robust_candidates, dtype=bool)
    vetoed[::50] = True
    top = robust_candidates // 6
    robust_repeat = 1 if args.smoke else 3
    robust_time = timed(
        lambda: bootstrap_selection(
            table, MAXIMUM, arrays, vetoed, top=top, rule=CompositeRule(), samples=samples
        ),
        robust_repeat,
    )
    robust_floor = timed(
        lambda: robustness_floor(values, present, rows, top, samples), robust_repeat
    )
    result = bootstrap_selection(table, MAXIMUM, arrays, vetoed, top=top, samples=samples)
    verdicts = Counter(p.verdict.value for p in result.places if p.verdict is not None)
    print(
        f"  robustness, {robust_candidates} candidates × 15 judges, {samples:,} samples: "
        f"{robust_time}; bare numpy bootstrap floor {robust_floor}"
    )
    print(f"  top {top}: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    print(f"  {load()}")
    if args.smoke:
        return 0
    met = [
        target_ratio(
            "selection_rules_province", ours_time.wall * 1000, floor_time.wall * 1000, LIMIT_RATIO
        ),
        target_limit(
            "selection_rules_province_1s", ours_time.wall, floor_time.wall, LIMIT_SECONDS, "s"
        ),
        target_limit(
            "selection_robustness_600", robust_time.wall, robust_floor.wall, LIMIT_ROBUSTNESS, "s"
        ),
    ]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
