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


def bench_vendor(
    vendor: str,
    fresh: Callable[[str], str],
    discard: Callable[[str], None],
    path: Path,
    rows: int,
    work: Path,
) -> list[Run]:
    ours_url = fresh("ours")
    measured = run_measured(
        [str(LEITAI), "import-daily", str(path), "--yes"], child_env(ours_url), work / "ours.log"
    )
    found = count_values(ours_url)
    if found != rows:
        raise RuntimeError(f"our import wrote {found:,} values, not {rows:,}")
    ours = Run(vendor, rows, "ours", measured.wall, measured.cpu, measured.peak_rss)
    print(ours.line(), flush=True)
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
    return [ours, floor]


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

                def fresh_sqlite(name: str) -> str:
                    target = work / f"{name}.sqlite3"
                    copy_sqlite(base, target)
                    return sqlite_url(target)

                runs += bench_vendor(
                    "sqlite",
                    fresh_sqlite,
                    lambda url: remove_sqlite(Path(url.removeprefix("sqlite:///"))),
                    path,
                    rows,
                    work,
                )
            if server is not None:
                prefix = f"leitai_bench_daily_{os.getpid()}"
                base_url = server.create(f"{prefix}_base")
                migrate(base_url)
                run_quiet([str(LEITAI), "import-orgs", str(tree), "--yes"], child_env(base_url))
                runs += bench_vendor(
                    "postgresql",
                    lambda name: server.create(f"{prefix}_{name}", template=f"{prefix}_base"),
                    lambda url: server.drop(url.rsplit("/", 1)[1].split("?", 1)[0]),
                    path,
                    rows,
                    work,
                )
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
        verdict = "met" if ours.peak_rss < GIB else "missed"
        print(
            f"target daily_import_{vendor}_memory: ours {ours.peak_rss / MIB:.0f} MiB, "
            f"limit 1024 MiB: {verdict}"
        )
    print(f"elapsed {time.monotonic() - started:.0f} s; load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
