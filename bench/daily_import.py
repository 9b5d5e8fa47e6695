"""Importing the platform's daily data from CSV, beside the floor of loading the same rows.

    python -m bench.daily_import                  # 300,000 units × 12 months × 9 metrics
    python -m bench.daily_import --units 20000    # a smaller province (2.16 M rows)
    python -m bench.daily_import --smoke          # 200 units (21,600 rows), no timing asserted

Ours is the command line end to end: `leitai import-daily FILE.csv --yes` in a child process
(interpreter start, Django set-up, reading and checking every row, staging in batches of short
transactions, making the import current with its ledger entry, exit) into a database that holds
the units already (imported untimed with `leitai import-orgs` from `leitai gen-orgs`' tree). The
floor (bench/_daily_floor.py) loads the rows our import wrote, read back beforehand (untimed),
into a copy of the same database in one transaction: `executemany` on SQLite, `COPY` on
PostgreSQL. The file is long form, Chinese headers, UTF-8: one figure a row.

Target (issue 11): within 2× of the floor (stretch 1.5×), peak memory under 1 GiB. Figures are
reported, not asserted: a missed target is printed as missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench._daily_judges import JudgeLoad, build_arena, p99
from bench._orgs_common import (
    BENCH_VAR,
    GIB,
    LEITAI,
    PYTHON,
    SEED,
    PostgresServer,
    child_env,
    copy_sqlite,
    fetch_all,
    machine_summary,
    migrate,
    remove_sqlite,
    run_measured,
    run_quiet,
    sqlite_template,
    sqlite_url,
    units_csv,
    work_dir,
)

MIB = 1024**2
TARGET_RATIO = 2.0
STRETCH_RATIO = 1.5
JUDGES = 5
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
METRICS = (
    ("支委会", "1"),
    ("党员大会", "1"),
    ("党小组会", "2"),
    ("党课", "0"),
    ("主题党日", "1"),
    ("组织生活会", "0"),
    ("民主评议党员", "1"),
    ("党费按时交纳率", "0.9731"),
    ("学习达标率", "0.88"),
)


def daily_csv(units: int) -> tuple[Path, int]:
    """The long-form file of every unit's year, made once per size; (path, rows)."""
    source = units_csv(units, SEED)
    path = BENCH_VAR / f"daily-{units}-seed-{SEED}.csv"
    rows = units * len(MONTHS) * len(METRICS)
    if path.exists():
        return path, rows
    with source.open(encoding="utf-8-sig", newline="") as handle:
        codes = [row[0] for row in list(csv.reader(handle))[1:]]
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write("单位编码,期间,指标,数值\n")
        lines = [f",{month},{name},{value}\n" for month in MONTHS for name, value in METRICS]
        for code in codes:
            out.write("".join(code + line for line in lines))
    os.replace(partial, path)
    return path, len(codes) * len(lines)


@dataclass(frozen=True)
class Run:
    vendor: str
    rows: int
    side: str
    wall: float
    cpu: float
    peak_rss: int

    def line(self) -> str:
        return (
            f"  {self.vendor:<10} {self.rows:>11,} {self.side:<5} wall {self.wall:8.2f} s  "
            f"cpu {self.cpu:8.2f} s  peak {self.peak_rss / MIB:6.0f} MiB  "
            f"{self.rows / self.wall:>10,.0f} rows/s"
        )


def count_values(url: str) -> int:
    return int(fetch_all(url, "SELECT COUNT(*) FROM evidence_dailyvalue")[0][0])


@dataclass(frozen=True)
class Judged:
    """The judges' sheet POSTs on the served database: before the import, and while it ran."""

    vendor: str
    quiet: np.ndarray  # ms
    during: np.ndarray  # ms
    rounds: int
    errors: list[str]
    uncovered: float  # seconds at the import's end with no sheets (the presenters ran out)

    def line(self) -> str:
        return (
            f"  {self.vendor:<10} judges: {self.rounds} presenters scored; sheet POSTs before the "
            f"import {len(self.quiet)} (p99 {p99(self.quiet):.0f} ms), while it ran "
            f"{len(self.during)} (p50 {np.median(self.during) if len(self.during) else 0:.0f} ms, "
            f"p99 {p99(self.during):.0f} ms, max "
            f"{self.during.max() if len(self.during) else 0:.0f} ms)"
            + (f"; errors: {self.errors[:3]}" if self.errors else "")
            + (
                f"; the arena ran out of presenters {self.uncovered:.0f} s before the import ended"
                if self.uncovered > 0
                else ""
            )
        )


def bench_vendor(
    vendor: str,
    fresh: Callable[[str], str],
    discard: Callable[[str], None],
    path: Path,
    rows: int,
    work: Path,
    city: dict[str, Any],
    quiet_seconds: float,
) -> tuple[list[Run], Judged]:
    ours_url = fresh("ours")
    load = JudgeLoad(child_env(ours_url), city).start()
    try:
        time.sleep(quiet_seconds)
        began = time.monotonic()
        measured = run_measured(
            [str(LEITAI), "import-daily", str(path), "--yes"],
            child_env(ours_url),
            work / "ours.log",
        )
        ended = time.monotonic()
    finally:
        load.stop()
    judged = Judged(
        vendor,
        load.sheets.between(0, began),
        load.sheets.between(began, ended),
        load.rounds,
        load.sheets.errors,
        ended - load.ran_out if load.ran_out is not None else 0.0,
    )
    found = count_values(ours_url)
    if found != rows:
        raise RuntimeError(f"our import wrote {found:,} values, not {rows:,}")
    ours = Run(vendor, rows, "ours", measured.wall, measured.cpu, measured.peak_rss)
    print(ours.line(), flush=True)
    print(judged.line(), flush=True)
    floor_url = fresh("floor")
    log = work / "floor.log"
    measured = run_measured(
        [PYTHON, "-m", "bench._daily_floor", ours_url, floor_url], os.environ.copy(), log
    )
    result = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
    if result["rows"] != rows or count_values(floor_url) != rows:
        raise RuntimeError(f"the floor loaded {result['rows']:,} rows, not {rows:,}")
    floor = Run(
        vendor, rows, "floor", result["load_seconds"], result["load_cpu_seconds"], measured.peak_rss
    )
    print(floor.line(), flush=True)
    discard(ours_url)
    discard(floor_url)
    return [ours, floor], judged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.daily_import")
    parser.add_argument("--smoke", action="store_true", help="200 units, no timing asserted")
    parser.add_argument("--units", type=int, default=None, help="default 300,000")
    parser.add_argument(
        "--vendors", nargs="*", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    args = parser.parse_args(argv)
    units = args.units or (200 if args.smoke else 300_000)
    started = time.monotonic()
    print(f"machine: {machine_summary()}", flush=True)
    path, rows = daily_csv(units)
    print(f"file: {path.name}, {rows:,} rows, {path.stat().st_size / MIB:,.0f} MiB", flush=True)
    tree = units_csv(units, SEED)
    runs: list[Run] = []
    judges: list[Judged] = []
    # Enough presenters for the arena to go on all through the import (a round takes ~2 s).
    presenters = 6 if args.smoke else max(100, rows // 40_000)
    quiet_seconds = 2.0 if args.smoke else 20.0
    server: PostgresServer | None = None
    if "postgresql" in args.vendors:
        server, reason = PostgresServer.find(smoke=args.smoke)
        if server is None:
            print(f"PostgreSQL part skipped: {reason}", flush=True)
    with work_dir("daily") as work:
        try:
            if "sqlite" in args.vendors:
                template, _migrated = sqlite_template()
                base = work / "base.sqlite3"
                copy_sqlite(template, base)
                run_quiet(
                    [str(LEITAI), "import-orgs", str(tree), "--yes"], child_env(sqlite_url(base))
                )
                city = build_arena(child_env(sqlite_url(base)), JUDGES, presenters)

                def fresh_sqlite(name: str) -> str:
                    target = work / f"{name}.sqlite3"
                    copy_sqlite(base, target)
                    return sqlite_url(target)

                measured, judged = bench_vendor(
                    "sqlite",
                    fresh_sqlite,
                    lambda url: remove_sqlite(Path(url.removeprefix("sqlite:///"))),
                    path,
                    rows,
                    work,
                    city,
                    quiet_seconds,
                )
                runs += measured
                judges.append(judged)
            if server is not None:
                prefix = f"leitai_bench_daily_{os.getpid()}"
                base_url = server.create(f"{prefix}_base")
                migrate(base_url)
                run_quiet([str(LEITAI), "import-orgs", str(tree), "--yes"], child_env(base_url))
                city = build_arena(child_env(base_url), JUDGES, presenters)
                measured, judged = bench_vendor(
                    "postgresql",
                    lambda name: server.create(f"{prefix}_{name}", template=f"{prefix}_base"),
                    lambda url: server.drop(url.rsplit("/", 1)[1].split("?", 1)[0]),
                    path,
                    rows,
                    work,
                    city,
                    quiet_seconds,
                )
                runs += measured
                judges.append(judged)
        finally:
            if server is not None:
                server.drop_all()
    print("\nsummary (ours = `leitai import-daily` end to end; floor = the bulk load alone)")
    print(
        "| database | rows | ours wall s | floor wall s | ratio | ours CPU s | floor CPU s "
        "| CPU ratio | ours peak MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    vendors = list(dict.fromkeys(r.vendor for r in runs))
    for vendor in vendors:
        ours = next(r for r in runs if (r.vendor, r.side) == (vendor, "ours"))
        floor = next(r for r in runs if (r.vendor, r.side) == (vendor, "floor"))
        print(
            f"| {vendor} | {rows:,} | {ours.wall:.1f} | {floor.wall:.1f} | "
            f"{ours.wall / floor.wall:.2f} | {ours.cpu:.1f} | {floor.cpu:.1f} | "
            f"{ours.cpu / floor.cpu:.2f} | {ours.peak_rss / MIB:.0f} |"
        )
    for vendor in vendors:
        ours = next(r for r in runs if (r.vendor, r.side) == (vendor, "ours"))
        floor = next(r for r in runs if (r.vendor, r.side) == (vendor, "floor"))
        ratio = ours.wall / floor.wall
        if args.smoke:
            continue
        print(
            f"target daily_import_{vendor}: ours {ours.wall:.1f} s, floor {floor.wall:.1f} s, "
            f"ratio {ratio:.2f} (limit {TARGET_RATIO:g}): "
            f"{'met' if ratio <= TARGET_RATIO else 'missed'}"
        )
        print(
            f"target daily_import_{vendor}_stretch: ours {ours.wall:.1f} s, floor "
            f"{floor.wall:.1f} s, ratio {ratio:.2f} (limit {STRETCH_RATIO:g}): "
            f"{'met' if ratio <= STRETCH_RATIO else 'missed'}"
        )
        # Bounds with no floor to measure: the bound stands as the floor, the ratio's limit 1.
        share = ours.peak_rss / GIB
        print(
            f"target daily_import_{vendor}_memory: ours {ours.peak_rss / MIB:.0f} MiB, "
            f"floor 1024 MiB, ratio {share:.2f} (limit 1): {'met' if share < 1 else 'missed'}"
        )
        sheets = next((j for j in judges if j.vendor == vendor), None)
        if sheets is not None:
            worst = p99(sheets.during) / 1000
            verdict = "met" if len(sheets.during) and worst < 1 and not sheets.errors else "missed"
            print(
                f"target daily_import_{vendor}_sheet_p99: ours {worst:.3f} s, floor 1 s, "
                f"ratio {worst:.2f} (limit 1): {verdict}"
            )
    print(f"elapsed {time.monotonic() - started:.0f} s; load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
