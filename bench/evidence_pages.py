"""A unit's evidence pages over HTTP with a province's data loaded, beside a trivial endpoint.

    python -m bench.evidence_pages             # 300,000 units, 12 months, 300 requests a kind
    python -m bench.evidence_pages --smoke     # 1,000 units, a few requests, no timing asserted
    python -m bench.evidence_pages --vendors postgresql --months 24 --requests 500

The province: the generated tree of 300,000 units (`leitai gen-orgs --facts`, `leitai
import-orgs`; on SQLite the imported tree is cached under var/bench/orgs/ and copied for the run),
then, by the database's bulk path (bench/_evidence_setup.py: the import's speed is not what this
measures), honours for a tenth of the units and 12 monthly daily-data imports of 9 metrics for
every unit (32.4 M values; `--months 24` for 64.8 M). Accounts: an organiser at the root and
`--secretaries` secretaries, each of one branch drawn at random.

A real `leitai serve` (one uvicorn process, `DEBUG` off) answers; the client, in this process,
signs in through /accounts/login/ and requests one at a time on kept-alive connections, for each
role, the unit page `/orgs/units/<code>/`, the evidence page `/evidence/units/<id>/` (honours,
their points and the sum explained) and the daily-data page `/evidence/units/<id>/daily/` (the
score, each metric's completion and the month-by-metric grid). The secretary asks for its own
branch (the secretaries in rotation), the organiser for units drawn at random from the whole
province. Each measured request is followed on the same connection by `GET /healthz`, the floor
(the convention of bench/org_pages.py): the same server's cost of a request that does nothing.

Target (issue 11): p95 under 100 ms for each page and role, printed as
`target NAME: ours X ms, floor Y ms, ratio R (limit 100 ms): met|missed`; reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench._live_common import stop_process
from bench._orgs_common import (
    LEITAI,
    PYTHON,
    SEED,
    PostgresServer,
    cached_sqlite,
    child_env,
    fetch_all,
    machine_summary,
    migrate,
    remove_sqlite,
    run_measured,
    sqlite_url,
    units_csv,
    work_dir,
)
from bench._orgs_http import Client, percentile
from bench.org_pages import cpu_seconds, free_port, resident_mib, start_server

PASSWORD = "bench-evidence-Pa55word"  # throw-away accounts in a throw-away database
TARGET_P95_MS = 100.0
WARM_UP = 10
MAX_ERROR_SHARE = 0.05
PAGES = (
    ("unit", "/orgs/units/{code}/"),
    ("evidence", "/evidence/units/{id}/"),
    ("daily", "/evidence/units/{id}/daily/"),
)


@dataclass
class Kind:
    role: str
    page: str
    clients: list[Client]
    paths: list[str]
    times: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_ms: float = float("nan")

    @property
    def label(self) -> str:
        return f"{self.role}, {self.page}"

    def row(self) -> str:
        ours = [t * 1000 for t in self.times]
        floor = [t * 1000 for t in self.floor]
        p95, floor_p95 = percentile(ours, 95), percentile(floor, 95)
        return (
            f"| {self.label} | {len(ours)} | {percentile(ours, 50):.1f} | {p95:.1f} | "
            f"{percentile(ours, 99):.1f} | {max(ours, default=float('nan')):.1f} | "
            f"{percentile(floor, 50):.1f} | {floor_p95:.1f} | {p95 / floor_p95:.1f} | "
            f"{self.cpu_ms:.1f} |"
        )


def load_province(url: str, args: argparse.Namespace, work: Path) -> dict[str, object]:
    plan = work / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "months": args.months,
                "honour_share": 0.1,
                "secretaries": args.secretaries,
                "seed": SEED,
                "password": PASSWORD,
            }
        ),
        encoding="utf-8",
    )
    log = work / "setup.log"
    took = run_measured([PYTHON, "-m", "bench._evidence_setup", str(plan)], child_env(url), log)
    loaded: dict[str, object] = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
    print(
        f"  loaded {loaded['units']:,} units' evidence in {took.wall:.0f} s: "
        f"{loaded['honours']:,} honours, {loaded['daily_values']:,} daily values over "
        f"{len(loaded['months'])} months ({loaded['months'][0]} … {loaded['months'][-1]}); "  # type: ignore[index, arg-type]
        f"parts {loaded['seconds']}",
        flush=True,
    )
    return loaded


def kinds_for(
    url: str, port: int, loaded: dict[str, object], requests: int, *, smoke: bool
) -> list[Kind]:
    secretaries: list[tuple[str, int, str]] = loaded["secretaries"]  # type: ignore[assignment]
    signed_in = []
    for username, _uid, _code in secretaries:
        client = Client(port)
        client.sign_in(username, PASSWORD)
        signed_in.append(client)
    organiser = Client(port)
    organiser.sign_in(str(loaded["organiser"]), PASSWORD)
    units = fetch_all(url, "SELECT id, code FROM orgs_unit")
    rng = random.Random(SEED)
    drawn = rng.sample(units, min(requests, len(units)))
    kinds = []
    for page, pattern in PAGES:
        own = [
            pattern.format(id=uid, code=urllib.parse.quote(code)) for _u, uid, code in secretaries
        ]
        kinds.append(Kind("secretary", page, signed_in, own))
        anywhere = [pattern.format(id=uid, code=urllib.parse.quote(code)) for uid, code in drawn]
        kinds.append(Kind("organiser", page, [organiser], anywhere))
    if smoke:
        for kind in kinds:
            kind.paths = kind.paths[:3]
    return kinds


def measure(
    url: str, vendor: str, loaded: dict[str, object], args: argparse.Namespace, work: Path
) -> list[Kind]:
    port = free_port()
    log = work / f"serve-{vendor}.log"
    server = start_server(url, port, log)
    try:
        kinds = kinds_for(url, port, loaded, args.requests, smoke=args.smoke)
        floor_client = kinds[0].clients[0]
        before = cpu_seconds(server.pid)
        for _ in range(args.requests):
            floor_client.get("/healthz")
        floor_cpu = (cpu_seconds(server.pid) - before) / args.requests
        print(f"  /healthz server CPU {floor_cpu * 1000:.1f} ms a request", flush=True)
        for kind in kinds:
            count = len(kind.clients)
            for i in range(1 if args.smoke else WARM_UP):
                kind.clients[i % count].get(kind.paths[i % len(kind.paths)])
            before = cpu_seconds(server.pid)
            for i in range(args.requests):
                client = kind.clients[i % count]
                path = kind.paths[i % len(kind.paths)]
                answer = client.get(path)
                if answer.status == 200:
                    kind.times.append(answer.seconds)
                else:
                    kind.errors.append(f"{path}: {answer.status}")
                floor = client.get("/healthz")
                if floor.status == 200:
                    kind.floor.append(floor.seconds)
                else:
                    kind.errors.append(f"/healthz: {floor.status}")
            kind.cpu_ms = ((cpu_seconds(server.pid) - before) / args.requests - floor_cpu) * 1000
            print(f"  {kind.row()}  load {os.getloadavg()[0]:.1f}", flush=True)
            if kind.errors:
                print(f"  {len(kind.errors)} failed: {', '.join(kind.errors[:5])}", flush=True)
                if len(kind.errors) > args.requests * 2 * MAX_ERROR_SHARE:
                    raise RuntimeError(f"{kind.label}: {len(kind.errors)} failed requests")
        print(f"  server RSS at the end {resident_mib(server.pid):.0f} MiB", flush=True)
        for kind in kinds:
            for client in kind.clients:
                client.close()
    except RuntimeError:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        print(f"--- the end of {log.name}:\n{tail}", file=sys.stderr, flush=True)
        raise
    finally:
        stop_process(server)
    return kinds


def report(vendor: str, loaded: dict[str, object], kinds: list[Kind], *, smoke: bool) -> None:
    print(
        f"\n{vendor}, {loaded['units']:,} units, {loaded['daily_values']:,} daily values, "
        f"{loaded['honours']:,} honours (milliseconds; floor = /healthz interleaved)"
    )
    print(
        "| request | n | p50 | p95 | p99 | max | floor p50 | floor p95 | p95 / floor p95 "
        "| server CPU beyond the floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in kinds:
        print(kind.row())
    if smoke:
        return
    for kind in kinds:
        p95 = percentile([t * 1000 for t in kind.times], 95)
        floor = percentile([t * 1000 for t in kind.floor], 95)
        verdict = "met" if p95 < TARGET_P95_MS else "missed"
        print(
            f"target evidence_pages_{vendor}_{kind.role}_{kind.page}: ours {p95:.1f} ms, "
            f"floor {floor:.1f} ms, ratio {p95 / floor:.2f} (limit {TARGET_P95_MS:g} ms): "
            f"{verdict}"
        )


def run_sqlite(args: argparse.Namespace, work: Path) -> None:
    database = work / "province.sqlite3"
    shutil.copyfile(cached_sqlite(args.units, SEED, work), database)
    url = sqlite_url(database)
    try:
        loaded = load_province(url, args, work)
        size = sum(p.stat().st_size for p in work.glob("province.sqlite3*"))
        print(f"  database {size / 1024**3:.2f} GiB", flush=True)
        report("sqlite", loaded, measure(url, "sqlite", loaded, args, work), smoke=args.smoke)
    finally:
        remove_sqlite(database)


def run_postgres(server: PostgresServer, args: argparse.Namespace, work: Path) -> None:
    name = f"leitai_bench_evidence_{os.getpid()}"
    try:
        url = server.create(name)
        migrate(url)
        took = run_measured(
            [str(LEITAI), "import-orgs", str(units_csv(args.units, SEED)), "--yes"],
            child_env(url),
            work / "import-postgresql.log",
        )
        print(f"  imported {args.units:,} units into PostgreSQL in {took.wall:.0f} s", flush=True)
        loaded = load_province(url, args, work)
        kinds = measure(url, "postgresql", loaded, args, work)
        report("postgresql", loaded, kinds, smoke=args.smoke)
    finally:
        server.drop_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evidence_pages")
    parser.add_argument("--smoke", action="store_true", help="1,000 units, a few requests")
    parser.add_argument("--units", type=int, default=None, help="default 300,000")
    parser.add_argument(
        "--months", type=int, default=12, help="months of daily data (default 12, the window)"
    )
    parser.add_argument("--requests", type=int, default=None, help="per kind (default 300)")
    parser.add_argument("--secretaries", type=int, default=None, help="default 40")
    parser.add_argument(
        "--vendors", nargs="*", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    args = parser.parse_args(argv)
    args.units = args.units or (1_000 if args.smoke else 300_000)
    args.requests = args.requests or (3 if args.smoke else 300)
    args.secretaries = args.secretaries or (3 if args.smoke else 40)
    started = time.monotonic()
    print(f"machine: {machine_summary()}", flush=True)
    server: PostgresServer | None = None
    if "postgresql" in args.vendors:
        server, reason = PostgresServer.find(smoke=args.smoke)
        if server is None:
            print(f"PostgreSQL part skipped: {reason}", flush=True)
    with work_dir("evidence") as work:
        if "sqlite" in args.vendors:
            print(f"sqlite: {args.units:,} units, {args.months} months", flush=True)
            run_sqlite(args, work)
        if server is not None:
            print(f"postgresql: {args.units:,} units, {args.months} months", flush=True)
            run_postgres(server, args, work)
    print(f"elapsed {time.monotonic() - started:.0f} s; load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
