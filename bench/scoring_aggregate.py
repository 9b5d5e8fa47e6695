"""Aggregating 1,000,000 participants × 9 judges: totals, trimmed, ranked.

1. The batch path (`aggregate_batch` + `rank_batch`: exact integers, half-up rounding, dropped
   judges named, competition ranks) against the floor: bare numpy on floats, sort each row,
   slice off the extremes, mean, argsort. Target: within 3×.
2. The CLI end to end (`python -m leitai.scoring.analysis.cli stats aggregate FILE > out`, a fresh
   interpreter) on the same marks as a 9,000,000-row CSV, against polars (also in a fresh
   interpreter) reading the file and writing the first rows of it as a file of the same size as
   our output. Target: within 3×.

    python -m bench.scoring_aggregate [--smoke]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench._scoring_data import load, machine, mark_table, panel_marks, timed
from leitai.scoring.analysis.batch import aggregate_batch, rank_batch

JUDGES = 9
POLARS_PEER = """
import sys, polars as pl
frame = pl.read_csv(sys.argv[1])
frame.head(int(sys.argv[3])).write_csv(sys.argv[2], separator="\\t")
"""


def floor(marks: np.ndarray) -> np.ndarray:
    values = marks.astype(np.float64) / 100
    trimmed = np.sort(values, axis=1)[:, 1:-1].mean(axis=1)
    return np.argsort(-trimmed, kind="stable")


def ours(marks_table: object) -> tuple[object, ...]:
    scores = aggregate_batch(marks_table)  # type: ignore[arg-type]
    return rank_batch(scores)


def write_csv(marks: np.ndarray, path: Path) -> int:
    """The long-format CSV, one row per mark, grouped by participant like an export."""
    import polars as pl

    participants, judges = marks.shape
    codes = np.char.add("P", np.char.zfill(np.arange(participants).astype(str), 7))
    frame = pl.DataFrame(
        {
            "participant": np.repeat(codes, judges),
            "judge": np.tile(np.array([f"J{j}" for j in range(1, judges + 1)]), participants),
            "score": (marks.ravel() / 100).round(2),
        }
    )
    frame.write_csv(path, float_precision=2)
    return frame.height


def run_process(command: list[str], stdout_path: Path) -> float:
    started = time.perf_counter()
    with stdout_path.open("wb") as sink:
        subprocess.run(command, stdout=sink, check=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scoring_aggregate")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    participants = 2_000 if args.smoke else 1_000_000
    repeat = 1 if args.smoke else 5
    marks = panel_marks(participants, JUDGES)
    table = mark_table(marks)

    print(f"machine: {machine()}; {load()}")
    print(f"{participants:,} participants × {JUDGES} judges, trimmed mean (k=1), 2 decimals")
    floor_time = timed(lambda: floor(marks), repeat)
    ours_time = timed(lambda: ours(table), repeat)
    print(f"  floor (numpy sort-slice-mean-argsort, float): {floor_time}")
    print(f"  batch path (exact, dropped named, ranked):    {ours_time}")
    print(
        f"  ratio: {ours_time.wall / floor_time.wall:.2f}× wall, "
        f"{ours_time.cpu / floor_time.cpu:.2f}× CPU (target ≤ 3×), medians of {repeat}"
    )

    with tempfile.TemporaryDirectory(prefix="leitai-bench-") as folder:
        csv_path = Path(folder) / "marks.csv"
        rows = write_csv(marks, csv_path)
        size = csv_path.stat().st_size
        print(f"CLI end to end on a {rows:,}-row CSV ({size / 1e6:.0f} MB)")
        cli = [
            sys.executable,
            "-m",
            "leitai.scoring.analysis.cli",
            "stats",
            "aggregate",
            str(csv_path),
        ]
        ours_out = Path(folder) / "ours.txt"
        peer_out = Path(folder) / "polars.txt"
        cli_repeat = 1 if args.smoke else 3
        cli_time = timed(lambda: run_process(cli, ours_out), cli_repeat)
        json_time = timed(lambda: run_process([*cli, "--json"], ours_out), cli_repeat)
        run_process(cli, ours_out)
        # As many input rows as make an output of our output's size.
        peer_rows = round(rows * ours_out.stat().st_size / size)
        peer = [sys.executable, "-c", POLARS_PEER, str(csv_path), str(peer_out), str(peer_rows)]
        peer_time = timed(lambda: run_process(peer, Path(folder) / "discard"), cli_repeat)
        ours_mb, peer_mb = ours_out.stat().st_size / 1e6, peer_out.stat().st_size / 1e6
        print(f"  leitai stats aggregate (text):   {cli_time}, {ours_mb:.0f} MB out")
        print(f"  leitai stats aggregate --json:   {json_time}")
        print(f"  polars read_csv + write_csv:     {peer_time}, {peer_mb:.0f} MB out")
        print(
            f"  ratio (text): {cli_time.wall / peer_time.wall:.2f}× wall, "
            f"{cli_time.cpu / peer_time.cpu:.2f}× CPU (target ≤ 3× wall), "
            f"medians of {cli_repeat}; {load()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
