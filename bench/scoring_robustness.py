"""Bootstrap robustness of a top-q cut: 5,000 participants in 500 panels of 7–9 judges,
2,000 samples, trimmed mean. Target: under 10 s. There is no peer; the floor printed beside it
is the cost of scoring once, times the number of samples, with the same vectorised code.

    python -m bench.scoring_robustness [--smoke]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from decimal import Decimal

import numpy as np

from bench._scoring_data import load, machine, timed
from leitai.scoring.analysis.batch import MarkTable, aggregate_batch
from leitai.scoring.analysis.robustness import bootstrap_cut


def panels_table(participants: int, panels: int, seed: int = 2) -> tuple[MarkTable, np.ndarray]:
    rng = np.random.default_rng(seed)
    panel = np.repeat(np.arange(panels), participants // panels)
    sizes = rng.integers(7, 10, size=panels)
    present = np.arange(9)[None, :] < sizes[panel][:, None]
    quality = rng.normal(80, 5, size=(participants, 1))
    lean = rng.normal(0, 1.5, size=(participants, 9))  # judge lean, varies between panels
    marks = np.round((quality + lean + rng.normal(0, 3, size=(participants, 9))) * 10)
    values = np.where(present, marks, 0).astype(np.int64)
    return MarkTable(values[:, :, None], present, 1, (Decimal(1),)), panel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scoring_robustness")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    participants, panels, samples = (100, 10, 50) if args.smoke else (5_000, 500, 2_000)
    repeat = 1 if args.smoke else 3
    table, panel = panels_table(participants, panels)
    top = participants // 10
    print(f"machine: {machine()}; {load()}")
    print(f"{participants:,} participants, {panels} panels of 7–9 judges, {samples:,} samples")
    one = timed(lambda: aggregate_batch(table), repeat)
    took = timed(lambda: bootstrap_cut(table, panel, top=top, samples=samples, seed=1), repeat)
    result = bootstrap_cut(table, panel, top=top, samples=samples, seed=1)
    verdicts = Counter(place.verdict.value for place in result.places)
    print(f"  bootstrap: {took} (medians of {repeat}; target < 10 s)")
    print(
        f"  scoring once, × {samples:,}: {one.wall * samples:.2f} s wall "
        "(a loop over samples with the same vectorised scoring)"
    )
    print(f"  {load()}")
    print(f"  top {top}: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
