"""Importing an organisation tree from CSV, beside the floor of loading the same rows.

    python -m bench.import_orgs            # 100,000 (3 rounds) and 1,000,000 units (2 rounds)
    python -m bench.import_orgs --smoke    # 1,000 units, one round, no timing asserted
    python -m bench.import_orgs --sizes 100000 --rounds 5 --vendors sqlite

Ours is the command line end to end: `leitai import-orgs FILE.csv --yes` in a child process
(interpreter start, Django set-up, reading and checking the file, computing paths and counts,
writing, commit, exit) into a freshly migrated, empty database. The floor (bench/_orgs_floor.py)
loads the rows our import wrote, read back beforehand (untimed), into an identical freshly
migrated database in one transaction: `executemany` on SQLite with Leitai's pragmas, `COPY` on
PostgreSQL. Each database is a copy of one migrated template, so both start from the same file.

Rounds interleave ours and the floor (ours, floor; floor, ours; …) so that neither always runs on
the quieter machine. Medians over rounds, and ratios of medians. Wall time is what the issue's
targets are about; CPU time (the child's user + system, from wait4) is printed beside it because
on a shared machine the wall time is mostly waiting for a core. On PostgreSQL the CPU time is the
client's only (the server's backend does the inserting).

The generated file carries the unit facts (`leitai gen-orgs --facts`: founding month, members,
party groups), so the import parses and writes them and the floor loads them too.

Targets (issues 2 and 11): within 2× of the floor (stretch 1.5×); gates: 1,000,000 units in under
90 s on SQLite, peak memory under 1 GiB. Each is printed as a closing line
`target NAME: ours X, floor Y, ratio R (limit L): met|missed`; reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench._orgs_common import (
    GIB,
    LEITAI,
    PYTHON,
    SEED,
    Measured,
    PostgresServer,
    child_env,
    copy_sqlite,
    fetch_all,
    keep_as_cached_sqlite,
    machine_summary,
    median,
    migrate,
    remove_sqlite,
    run_measured,
    sqlite_template,
    sqlite_url,
    units_csv,
    work_dir,
)

MIB = 1024**2
GATE_UNITS = 1_000_000
GATE_SECONDS = 90.0
TARGET_RATIO = 2.0
STRETCH_RATIO = 1.5  # issue 11's stretch


@dataclass(frozen=True)
class Run:
    vendor: str
    units: int
    side: str  # "ours" or "floor"
    wall: float  # ours: the CLI end to end; the floor: the load alone
    cpu: float
    peak_rss: int
    load: str

    def line(self) -> str:
        return (
            f"  {self.vendor:<10} {self.units:>9,} {self.side:<5} wall {self.wall:7.2f} s  "
            f"cpu {self.cpu:7.2f} s  peak {self.peak_rss / MIB:6.0f} MiB  "
            f"{self.units / self.wall:>9,.0f} units/s  load {self.load}"
        )


class Target:
    """Fresh databases of one vendor, each a copy of one migrated template."""

    vendor = ""
    migrated = ""  # SQLite: the digest of the migrations in the template

    def fresh(self, name: str) -> str:
        raise NotImplementedError

    def discard(self, url: str) -> None:
        raise NotImplementedError


class SqliteTarget(Target):
    vendor = "sqlite"

    def __init__(self, work: Path) -> None:
        self.work = work
        self.template, self.migrated = sqlite_template()

    def fresh(self, name: str) -> str:
        path = self.work / f"{name}.sqlite3"
        copy_sqlite(self.template, path)
        return sqlite_url(path)

    def discard(self, url: str) -> None:
        remove_sqlite(Path(url.removeprefix("sqlite:///")))


class PostgresTarget(Target):
    vendor = "postgresql"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.prefix = f"leitai_bench_import_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        migrate(server.create(self.template))

    def fresh(self, name: str) -> str:
        return self.server.create(f"{self.prefix}_{name}", template=self.template)

    def discard(self, url: str) -> None:
        self.server.drop(url.rsplit("/", 1)[1].split("?", 1)[0])


def count_units(url: str) -> int:
    return int(fetch_all(url, "SELECT COUNT(*) FROM orgs_unit")[0][0])


def run_ours(target: Target, csv_path: Path, units: int, name: str, work: Path) -> tuple[Run, str]:
    url = target.fresh(name)
    measured = run_measured(
        [str(LEITAI), "import-orgs", str(csv_path), "--yes"], child_env(url), work / f"{name}.log"
    )
    found = count_units(url)
    if found != units:
        raise RuntimeError(f"our import wrote {found:,} units, not {units:,}")
    return _run(target.vendor, units, "ours", measured, measured.wall, measured.cpu), url


def run_floor(target: Target, source: str, units: int, name: str, work: Path) -> Run:
    url = target.fresh(name)
    log = work / f"{name}.log"
    measured = run_measured(
        [PYTHON, "-m", "bench._orgs_floor", source, url], os.environ.copy(), log
    )
    result = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
    found = count_units(url)
    target.discard(url)
    if result["rows"] != units or found != units:
        raise RuntimeError(f"the floor loaded {found:,} of {result['rows']:,} rows, not {units:,}")
    return _run(
        target.vendor, units, "floor", measured, result["load_seconds"], result["load_cpu_seconds"]
    )


def _run(vendor: str, units: int, side: str, measured: Measured, wall: float, cpu: float) -> Run:
    return Run(
        vendor=vendor,
        units=units,
        side=side,
        wall=wall,
        cpu=cpu,
        peak_rss=measured.peak_rss,
        load=f"{measured.load_before} → {measured.load_after}",
    )


def bench_size(
    target: Target, units: int, rounds: int, work: Path, *, keep_for_pages: bool
) -> list[Run]:
    csv_path = units_csv(units, SEED)
    runs: list[Run] = []
    source = ""
    for number in range(1, rounds + 1):
        # The first round must run ours first: the floor loads what our import wrote.
        sides = ["ours", "floor"] if number % 2 == 1 else ["floor", "ours"]
        for side in sides:
            name = f"{side}_{units}_{number}"
            if side == "ours":
                run, url = run_ours(target, csv_path, units, name, work)
                if source:
                    target.discard(url)
                else:
                    source = url  # kept as the floor's source of prepared rows
            else:
                run = run_floor(target, source, units, name, work)
            runs.append(run)
            print(run.line(), flush=True)
    if keep_for_pages and target.vendor == "sqlite":
        keep_as_cached_sqlite(
            Path(source.removeprefix("sqlite:///")), units, SEED, migrated=target.migrated
        )
    else:
        target.discard(source)
    return runs


def summarise(runs: list[Run], *, smoke: bool) -> None:
    print("\nsummary (medians over rounds; ours = `leitai import-orgs` end to end)")
    print(
        "| database | units | ours wall s | floor wall s | ratio | ours CPU s | floor CPU s "
        "| CPU ratio | ours peak RSS MiB | ours units/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    keys = list(dict.fromkeys((r.vendor, r.units) for r in runs))
    for vendor, units in keys:
        ours = [r for r in runs if (r.vendor, r.units, r.side) == (vendor, units, "ours")]
        floor = [r for r in runs if (r.vendor, r.units, r.side) == (vendor, units, "floor")]
        ours_wall, floor_wall = median([r.wall for r in ours]), median([r.wall for r in floor])
        ours_cpu, floor_cpu = median([r.cpu for r in ours]), median([r.cpu for r in floor])
        peak = max(r.peak_rss for r in ours)
        print(
            f"| {vendor} | {units:,} | {ours_wall:.1f} | {floor_wall:.1f} | "
            f"{ours_wall / floor_wall:.2f} | {ours_cpu:.1f} | {floor_cpu:.1f} | "
            f"{ours_cpu / floor_cpu:.2f} | {peak / MIB:.0f} | {units / ours_wall:,.0f} |"
        )
    if smoke:
        return
    print()
    for vendor, units in keys:
        ours = [r for r in runs if (r.vendor, r.units, r.side) == (vendor, units, "ours")]
        floor = [r for r in runs if (r.vendor, r.units, r.side) == (vendor, units, "floor")]
        ours_wall, floor_wall = median([r.wall for r in ours]), median([r.wall for r in floor])
        ratio = ours_wall / floor_wall
        name = f"import_orgs_{vendor}_{units}"
        for suffix, limit in (("", TARGET_RATIO), ("_stretch", STRETCH_RATIO)):
            print(
                f"target {name}{suffix}: ours {ours_wall:.1f} s, floor {floor_wall:.1f} s, "
                f"ratio {ratio:.2f} (limit {limit:g}): {'met' if ratio <= limit else 'missed'}"
            )
        if units == GATE_UNITS:
            peak = max(r.peak_rss for r in ours)
            floor_peak = max(r.peak_rss for r in floor)
            verdict = "met" if peak < GIB else "missed"
            print(
                f"target {name}_memory: ours {peak / MIB:.0f} MiB, floor {floor_peak / MIB:.0f} "
                f"MiB, ratio {peak / floor_peak:.2f} (limit 1024 MiB): {verdict}"
            )
            if vendor == "sqlite":
                verdict = "met" if ours_wall < GATE_SECONDS else "missed"
                print(
                    f"target {name}_seconds: ours {ours_wall:.1f} s, floor {floor_wall:.1f} s, "
                    f"ratio {ratio:.2f} (limit {GATE_SECONDS:.0f} s): {verdict}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_orgs")
    parser.add_argument("--smoke", action="store_true", help="1,000 units, one round")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--rounds", type=int, default=None, help="default 3, or 2 at 1,000,000")
    parser.add_argument(
        "--vendors", nargs="*", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1_000] if args.smoke else [100_000, GATE_UNITS])
    started = time.monotonic()
    print(f"machine: {machine_summary()}", flush=True)

    server: PostgresServer | None = None
    if "postgresql" in args.vendors:
        server, reason = PostgresServer.find(smoke=args.smoke)
        if server is None:
            print(f"PostgreSQL part skipped: {reason}", flush=True)
    runs: list[Run] = []
    with work_dir("import") as work:
        try:
            targets: list[Target] = []
            if "sqlite" in args.vendors:
                targets.append(SqliteTarget(work))
            if server is not None:
                targets.append(PostgresTarget(server))
            for units in sizes:
                rounds = args.rounds or (1 if args.smoke else 2 if units >= GATE_UNITS else 3)
                for target in targets:
                    runs += bench_size(
                        target, units, rounds, work, keep_for_pages=units >= GATE_UNITS
                    )
        finally:
            if server is not None:
                server.drop_all()
    summarise(runs, smoke=args.smoke)
    print(f"elapsed {time.monotonic() - started:.0f} s; load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
