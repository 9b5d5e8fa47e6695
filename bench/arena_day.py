"""A city's busiest day: 50 arenas live at once, 9 judges and 100 viewers each, two processes.

    python -m bench.arena_day                  # 50 arenas x 9 judges x 100 viewers, pace "day"
    python -m bench.arena_day --pace stress    # three presenters per arena, back to back
    python -m bench.arena_day --postgres       # on a throw-away database on DATABASE_URL's server
    python -m bench.arena_day --smoke          # 3 arenas x 3 judges x 4 viewers

Two `leitai serve` processes share Redis (and the database: a throw-away SQLite file, or with
--postgres a throw-away PostgreSQL database). Each arena is played over the real HTTP API as on
the day: its host (a signed-in session) calls the next presenter, lets them talk, opens scoring;
its nine judges' phones post their sheets with their link tokens at random moments of the scoring
window, as a real panel does once a presentation ends; the head judge confirms from the phone;
the host shows the result; after the last presenter the host closes the arena. The arenas start
at staggered moments, as real ones do. A host's requests go to the server of its arena's parity,
the judges' alternate between the two, and each arena's viewers are split between them, so every
update reaches half its viewers through the other process and Redis.

A real day has a presentation every ~11 minutes per arena, 13 writes each: about one write a
second for 50 arenas. Pace "day" spreads one scoring round per arena over 100 s (some 4 times
that rate); pace "stress" runs three rounds per arena back to back with 20 s talks and 12 s
scoring windows (some 16 times).

Reported: how long the viewers took to connect; delivery (every screen state version not
superseded within 100 ms, and the last, must reach every viewer of its arena); latency from the
acknowledgement of the write that made a version (and from its request) to each viewer's
receipt; the judges' POST latency; the servers' CPU per write.

Without REDIS_URL it says so and exits 0 (two processes need Redis to share updates). A hard
time limit stops a run that hangs; the live phase stops calling new presenters in time to report.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from bench._arena_viewers import viewer_pool
from bench._live_common import (
    ROOT,
    free_port,
    leitai_env,
    machine_summary,
    migrate_and_set_up,
    raise_open_files_limit,
    start_leitai,
    stop_process,
)
from leitai.demo.rubric import DEMO_RUBRIC
from leitai.simulation import Host, Phone, Refused, SimulationError, plausible_marks

# The whole run; connecting 5,000 viewers alone takes minutes on PostgreSQL (each WebSocket
# snapshot opens a database connection), so the limit leaves room for it and the live phase
# gets at most LIVE_LIMIT_SECONDS of its own.
TIME_LIMIT_SECONDS = 480
LIVE_LIMIT_SECONDS = 200
WINDOW_NS = 100_000_000  # a version superseded within 100 ms need not arrive
LEFT_FOR_FIGURES = 45  # seconds kept after the live phase: last frames, collection, shut-down
PROGRESS_SECONDS = 15


def _time_limit(signum: int, frame: object) -> None:
    raise TimeoutError(f"bench.arena_day: over its {TIME_LIMIT_SECONDS} s limit")


@dataclass
class Pace:
    talk: float  # seconds from "next" to "open scoring"
    window: float  # the judges' sheets arrive at random moments within this many seconds
    pause: float  # before the head confirms, and again before the host shows
    gap: float  # after a result is shown, before the next presenter
    stagger: float  # arenas start at random moments within this many seconds
    presenters: int  # per arena


# A real day: a presentation every ~11 minutes per arena (8 to talk, 1-2 to score, the rest to
# confirm, show and call the next), 13 writes each: for 50 arenas about one write a second.
PACES = {
    # Each arena scores one presenter; their scoring windows are spread over 100 s, as on a real
    # day they are spread over the hours: some 4 times a real day's write rate.
    "day": Pace(talk=30.0, window=45.0, pause=2.0, gap=5.0, stagger=100.0, presenters=1),
    # Three presenters per arena back to back, 20 s talks and 12 s scoring windows: some 16 times.
    "stress": Pace(talk=20.0, window=12.0, pause=1.0, gap=5.0, stagger=20.0, presenters=3),
    "smoke": Pace(talk=0.3, window=1.0, pause=0.2, gap=0.2, stagger=0.5, presenters=2),
}


@dataclass
class Written:
    """One write acknowledged by the server: the screen version it produced, and when."""

    version: int
    sent: int
    acked: int


@dataclass
class ArenaLog:
    writes: list[Written] = field(default_factory=list)
    sheet_ms: list[float] = field(default_factory=list)
    host_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    drift: int = 0  # host answers whose version was not the one expected
    lock: threading.Lock = field(default_factory=threading.Lock)


class ArenaDriver:
    """Plays one arena: its host, its judges' phones, on its own thread (sheets on a pool)."""

    def __init__(
        self,
        spec: dict,
        *,
        urls: list[str],
        cookies: dict[str, str],
        pace: Pace,
        pool: ThreadPoolExecutor,
        index: int,
    ) -> None:
        self.spec = spec
        self.pace = pace
        self.pool = pool
        self.rng = random.Random(index)
        self.log = ArenaLog()
        self.host = Host(urls[index % 2], spec["id"])
        self.host.http.cookies.update(cookies)
        self.phones = [
            Phone(urls[(index + n) % 2], j["token"], j["code"])
            for n, j in enumerate(spec["judges"])
        ]
        self.head = next(p for p, j in zip(self.phones, spec["judges"], strict=True) if j["head"])
        self.version = spec["version"]
        self.finished = False

    def action(self, name: str, **payload: object) -> dict:
        sent = time.monotonic_ns()
        state = self.host.action(name, **payload)
        acked = time.monotonic_ns()
        self.version += 1
        if state["version"] != self.version:
            self.log.drift += 1
            self.version = state["version"]
        with self.log.lock:
            self.log.writes.append(Written(self.version, sent, acked))
            self.log.host_ms.append((acked - sent) / 1e6)
        return state

    def sheet(self, phone: Phone, participant: int, quality: float) -> None:
        rng = random.Random(f"{self.spec['id']}:{participant}:{phone.code}")
        marks = plausible_marks(DEMO_RUBRIC, quality=quality, severity=rng.gauss(0, 0.04), rng=rng)
        key = f"{participant}-{phone.code}"
        sent = time.monotonic_ns()
        answer = phone.submit(participant, marks, key)
        acked = time.monotonic_ns()
        if answer.status != 201:
            raise SimulationError(f"sheet {key}: {answer.status} {answer.body[:200]!r}")
        seq = int(json.loads(answer.body)["ledger_seq"])
        with self.log.lock:
            self.log.writes.append(Written(seq + self.spec["offset"], sent, acked))
            self.log.sheet_ms.append((acked - sent) / 1e6)

    def run(self, stop: threading.Event, presenters: int) -> None:
        """The day, until it ends or `stop` is set (the live phase's deadline): then the arena
        stops before its next presenter and is reported unfinished."""
        try:
            if stop.wait(self.rng.uniform(0, self.pace.stagger)):
                return
            current = None
            presenting, absent = self.spec["order"][:presenters], self.spec["order"][presenters:]
            for participant in presenting:
                if stop.is_set():
                    return
                self.action("next", expected_current=current)
                current = participant
                time.sleep(self.pace.talk)
                self.action("open", participant=participant)
                self.score(participant)
                time.sleep(self.pace.pause)
                sent = time.monotonic_ns()
                self.head.confirm(participant)
                acked = time.monotonic_ns()
                self.version += 1
                with self.log.lock:
                    self.log.writes.append(Written(self.version, sent, acked))
                time.sleep(self.pace.pause)
                self.action("show", participant=participant)
                time.sleep(self.pace.gap)
            for participant in absent:  # a draw needs two; pace "day" scores only one
                self.action("next", expected_current=current)
                current = participant
                self.action("absent", participant=participant)
            self.action("close_arena")
            self.finished = True
        except (SimulationError, Refused, KeyError, ValueError) as error:
            self.log.errors.append(f"arena {self.spec['id']}: {error}")
        finally:
            self.host.http.close()
            for phone in self.phones:
                phone.http.close()

    def score(self, participant: int) -> None:
        quality = self.rng.uniform(0.6, 0.93)
        moments = sorted(self.rng.uniform(0, self.pace.window) for _ in self.phones)
        order = self.rng.sample(self.phones, len(self.phones))
        started = time.monotonic()
        futures = []
        for moment, phone in zip(moments, order, strict=True):
            delay = started + moment - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(self.pool.submit(self.sheet, phone, participant, quality))
        for future in futures:
            future.result()
        # Every sheet is in: the arena's version is past all of them.
        self.version = max(w.version for w in self.log.writes)


def progress(drivers: list[ArenaDriver], since: float) -> None:
    sheets = [ms for d in drivers for ms in d.log.sheet_ms[-20:]]
    print(
        f"  {time.monotonic() - since:4.0f} s: {sum(len(d.log.writes) for d in drivers)} writes, "
        f"{sum(d.finished for d in drivers)}/{len(drivers)} arenas closed, recent sheet POST "
        f"p50 {_p(sheets, 50):.0f} ms",
        flush=True,
    )


# -- the database --------------------------------------------------------------------------------


def postgres_url(name: str) -> str:
    """A fresh database on DATABASE_URL's PostgreSQL server (dropped and created)."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--postgres needs DATABASE_URL pointing at a PostgreSQL server")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def prepare(env: dict[str, str], arenas: int, judges: int, participants: int) -> dict:
    return migrate_and_set_up(
        env, "bench._arena_setup", str(arenas), str(judges), str(participants)
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the figures ---------------------------------------------------------------------------------


def _p(values: np.ndarray | list[float], q: float) -> float:
    array = np.asarray(values, dtype=float)
    return float(np.percentile(array, q)) if array.size else float("nan")


@dataclass
class Figures:
    required: int = 0
    missing: int = 0
    from_ack: list[np.ndarray] = field(default_factory=list)
    from_request: list[np.ndarray] = field(default_factory=list)
    # (arena id, version, ms until the next version, viewers that missed it)
    misses: list[tuple[int, int, float, int]] = field(default_factory=list)


def tally(
    drivers: list[ArenaDriver],
    viewer_arena: np.ndarray,
    idents: np.ndarray,
    versions: np.ndarray,
    times: np.ndarray,
) -> Figures:
    figures = Figures()
    for index, driver in enumerate(drivers):
        writes = sorted(driver.log.writes, key=lambda w: w.version)
        if not writes:
            continue
        required = [
            a.version for a, b in itertools.pairwise(writes) if b.acked - a.acked >= WINDOW_NS
        ]
        required.append(writes[-1].version)
        viewers = np.flatnonzero(viewer_arena == index)
        mine = np.isin(idents, viewers)
        got = set(zip(idents[mine].tolist(), versions[mine].tolist(), strict=True))
        figures.required += len(required) * len(viewers)
        next_ack = {a.version: (b.acked - a.acked) / 1e6 for a, b in itertools.pairwise(writes)}
        for version in required:
            missed = sum((int(v), version) not in got for v in viewers)
            if missed:
                gap = next_ack.get(version, float("inf"))
                figures.misses.append((driver.spec["id"], version, gap, missed))
                figures.missing += missed
        acked = {w.version: w.acked for w in writes}
        sent = {w.version: w.sent for w in writes}
        known = mine & np.isin(versions, list(acked))
        figures.from_ack.append(
            (times[known] - np.array([acked[int(v)] for v in versions[known]], dtype=np.int64))
            / 1e6
        )
        figures.from_request.append(
            (times[known] - np.array([sent[int(v)] for v in versions[known]], dtype=np.int64)) / 1e6
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except TimeoutError as error:
        print(f"{error}: stopped (servers and viewers were shut down)")
        return 1


def run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.arena_day")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--arenas", type=int, default=None)
    parser.add_argument("--judges", type=int, default=None, help="per arena")
    parser.add_argument("--viewers", type=int, default=None, help="per arena")
    parser.add_argument("--presenters", type=int, default=None, help="per arena")
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL database")
    parser.add_argument(
        "--pace",
        choices=["day", "stress"],
        default="day",
        help="day: each arena scores one presenter, the arenas spread over the run (about 4x a "
        "real day's write rate); stress: three presenters each, back to back (about 16x)",
    )
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if not redis_url:
        print("bench.arena_day skipped: REDIS_URL is not set (two processes need Redis)")
        return 0
    smoke = args.smoke
    arenas = args.arenas or (3 if smoke else 50)
    judges = args.judges or (3 if smoke else 9)
    per_arena = args.viewers or (4 if smoke else 100)
    pace = PACES["smoke" if smoke else args.pace]
    presenters = args.presenters or pace.presenters

    signal.signal(signal.SIGALRM, _time_limit)
    signal.alarm(TIME_LIMIT_SECONDS)
    started = time.monotonic()
    raise_open_files_limit()
    print(f"machine: {machine_summary()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    var_dir = ROOT / "var" / "bench" / "arena_day"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = leitai_env(var_dir, redis_url=redis_url)
    env["DJANGO_SETTINGS_MODULE"] = "bench._arena_settings"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    database = "SQLite (WAL)"
    if args.postgres:
        env["DATABASE_URL"] = postgres_url("leitai_bench_arena_day")
        database = "PostgreSQL"
    city = prepare(env, arenas, judges, max(2, presenters))
    print(f"set up {arenas} live arenas on {database} in {time.monotonic() - started:.0f} s")

    ports = [free_port(), free_port()]
    servers = [start_leitai(env, port) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    cookies = {city["session_cookie"]: city["session"], city["csrf_cookie"]: "b" * 32}
    drivers: list[ArenaDriver] = []
    try:
        targets = [
            (ports[v % 2], f"/ws/live/arena:{spec['id']}:screen")
            for spec in city["arenas"]
            for v in range(per_arena)
        ]
        viewer_arena = np.repeat(np.arange(arenas), per_arena)
        with (
            viewer_pool(1 if smoke else 4) as pool,
            ThreadPoolExecutor(max_workers=min(128, arenas * judges)) as posts,
        ):
            connect_started = time.monotonic()
            connected, errors = pool.connect(targets)
            connect_seconds = time.monotonic() - connect_started
            print(
                f"viewers connected: {connected}/{len(targets)} in {connect_seconds:.0f} s "
                f"{errors[:1]}",
                flush=True,
            )
            time.sleep(1.0)
            drivers = [
                ArenaDriver(spec, urls=urls, cookies=cookies, pace=pace, pool=posts, index=index)
                for index, spec in enumerate(city["arenas"])
            ]
            cpu_before = [cpu_seconds(s.pid) for s in servers]
            live_started = time.monotonic()
            stop = threading.Event()
            threads = [
                threading.Thread(target=d.run, args=(stop, presenters), daemon=True)
                for d in drivers
            ]
            for thread in threads:
                thread.start()
            deadline = min(
                started + TIME_LIMIT_SECONDS - LEFT_FOR_FIGURES, live_started + LIVE_LIMIT_SECONDS
            )
            while any(t.is_alive() for t in threads):
                if time.monotonic() > deadline and not stop.is_set():
                    print("  live phase deadline: no new presenters from now on", flush=True)
                    stop.set()
                time.sleep(PROGRESS_SECONDS if not smoke else 2.0)
                progress(drivers, live_started)
            live_seconds = time.monotonic() - live_started
            cpu = [cpu_seconds(s.pid) - b for s, b in zip(servers, cpu_before, strict=True)]
            time.sleep(2.0)  # the last frames
            idents, versions, times, closed = pool.collect()
    finally:
        for server in servers:
            stop_process(server)
        signal.alarm(0)

    errors = [e for d in drivers for e in d.log.errors]
    for error in errors[:5]:
        print(f"  error: {error}")
    figures = tally(drivers, viewer_arena, idents, versions, times)
    writes = sum(len(d.log.writes) for d in drivers)
    sheet_ms = [ms for d in drivers for ms in d.log.sheet_ms]
    host_ms = [ms for d in drivers for ms in d.log.host_ms]
    from_ack = np.concatenate(figures.from_ack) if figures.from_ack else np.array([])
    from_request = np.concatenate(figures.from_request) if figures.from_request else np.array([])
    delivered = figures.required - figures.missing
    print(
        f"{arenas} arenas x {judges} judges x {per_arena} viewers ({arenas * per_arena} viewers) "
        f"on 2 processes sharing Redis, {database}; {presenters} presenter(s) per arena, "
        f"pace {'smoke' if smoke else args.pace}"
    )
    print(
        f"  live phase {live_seconds:.0f} s: {writes} writes ({len(sheet_ms)} sheets), "
        f"{writes / live_seconds:.1f} writes/s; server CPU {cpu[0]:.0f} s + {cpu[1]:.0f} s "
        f"({sum(cpu) / writes * 1000:.0f} ms per write)"
    )
    print(
        f"  delivered {delivered}/{figures.required} required versions; "
        f"{len(times)} frames received; {closed} viewers closed by a server"
    )
    print(
        f"  ack -> viewer p50 {_p(from_ack, 50):.1f} p99 {_p(from_ack, 99):.1f} ms | "
        f"request -> viewer p50 {_p(from_request, 50):.1f} p99 {_p(from_request, 99):.1f} ms"
    )
    print(
        f"  judges' sheet POST p50 {_p(sheet_ms, 50):.1f} p99 {_p(sheet_ms, 99):.1f} ms | "
        f"host actions p50 {_p(host_ms, 50):.1f} p99 {_p(host_ms, 99):.1f} ms | "
        f"version drift {sum(d.log.drift for d in drivers)}"
    )
    for arena_id, version, gap, missed in figures.misses[:5]:
        print(
            f"  missed: arena {arena_id} version {version} (next one {gap:.0f} ms later) "
            f"by {missed} viewers"
        )
    print(f"elapsed {time.monotonic() - started:.0f} s")
    finished = sum(d.finished for d in drivers)
    if finished < arenas:
        print(f"  only {finished} of {arenas} arenas finished within the time limit: overloaded")
    ok = not errors and figures.missing == 0 and connected == len(targets) and finished == arenas
    print(
        f"arena day: delivered {delivered}/{figures.required}, ack->viewer p99 "
        f"{_p(from_ack, 99):.1f} ms, judges' POST p99 {_p(sheet_ms, 99):.1f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
