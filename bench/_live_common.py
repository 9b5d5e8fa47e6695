"""Shared parts of the live fan-out benchmarks: servers, viewer processes, the poster, figures.

Viewers are raw asyncio protocols on uvloop in separate processes: each parses WebSocket frames
by hand and notes the receipt time of each `"seq"`, so the load generators cost far less CPU than
the servers they measure (our machines have two cores). Clients offer no permessage-deflate, so
neither server compresses: the same compression setting on both sides.

All times are `time.monotonic_ns()`, which on Linux is one clock for every process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import http.client
import itertools
import json
import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LEITAI = ROOT / ".venv" / "bin" / "leitai"
PYTHON = sys.executable
SEQ_MARK = b'"seq":'
SNAPSHOT_MARK = b'{"type":"snapshot"'


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- the Leitai side ----------------------------------------------------------------------


def leitai_env(var_dir: Path, *, redis_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="leitai.settings",
        LEITAI_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'leitai.sqlite3'}",
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@dataclass
class Organiser:
    cookie: str
    csrf: str


def migrate_and_set_up(env: dict[str, str], module: str, *args: str) -> dict[str, Any]:
    """Migrate the benchmark's database, then run a set-up module (`python -m MODULE ARGS`) in
    Django and return the JSON object it prints last."""
    subprocess.run([str(LEITAI), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [PYTHON, "-m", module, *args],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def prepare_database(var_dir: Path, env: dict[str, str]) -> Organiser:
    """A throw-away SQLite database with one superuser and a signed-in session for the poster."""
    var_dir.mkdir(parents=True, exist_ok=True)
    data = migrate_and_set_up(env, "bench._live_setup")
    csrf = base64.b32encode(os.urandom(20)).decode().lower()[:32]
    cookie = f"{data['session_cookie']}={data['session']}; {data['csrf_cookie']}={csrf}"
    return Organiser(cookie=cookie, csrf=csrf)


def start_leitai(env: dict[str, str], port: int, *, workers: int = 1) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(LEITAI), "serve", "--host", "127.0.0.1", "--port", str(port)]
        + (["--workers", str(workers)] if workers > 1 else []),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, stopped as one
    )
    wait_for_port(port, process)
    return process


def start_floor(port: int, topic: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [PYTHON, "-m", "bench._live_floor", "--port", str(port), "--topic", topic],
        cwd=ROOT,
        start_new_session=True,
    )
    wait_for_port(port, process)
    return process


class LeitaiPoster:
    """POST /live/check/send as an organiser, over one kept-alive connection."""

    def __init__(self, port: int, organiser: Organiser, *, channel: str, padding: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {
            "Cookie": organiser.cookie,
            "X-CSRFToken": organiser.csrf,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.body = urllib.parse.urlencode(
            {"text": "bench", "padding_bytes": padding, "channel": channel}
        )

    def post(self) -> tuple[int, int, int]:
        """(seq, sent_ns, acknowledged_ns)"""
        sent = time.monotonic_ns()
        try:
            self.connection.request("POST", "/live/check/send", self.body, self.headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # uvicorn closed the idle kept-alive connection between runs; open another.
            self.connection.close()
            sent = time.monotonic_ns()
            self.connection.request("POST", "/live/check/send", self.body, self.headers)
            response = self.connection.getresponse()
        payload = response.read()
        acknowledged = time.monotonic_ns()
        if response.status != 200:
            raise RuntimeError(f"POST /live/check/send: {response.status} {payload[:300]!r}")
        return int(json.loads(payload)["seq"]), sent, acknowledged

    def close(self) -> None:
        self.connection.close()


class FloorPoster:
    """Asks the bare websockets server to broadcast, over its control socket."""

    def __init__(self, port: int, *, padding: int) -> None:
        from websockets.sync.client import connect

        self.ws = connect(f"ws://127.0.0.1:{port}/control", compression=None)
        self.padding = padding
        self.seq = 0

    def post(self) -> tuple[int, int, int]:
        self.seq += 1
        sent = time.monotonic_ns()
        self.ws.send(json.dumps({"seq": self.seq, "padding_bytes": self.padding}))
        self.ws.recv(timeout=30)
        return self.seq, sent, time.monotonic_ns()

    def close(self) -> None:
        self.ws.close()


# --- viewers (in their own processes) -----------------------------------------------------


class RawViewer(asyncio.Protocol):
    """A WebSocket viewer at the byte level (thousands per process): it records, for each text
    frame, the number after `mark` and when it arrived; snapshots are left out when
    `skip_snapshots`. bench._arena_viewers reads screen versions with the same class."""

    __slots__ = ("buffer", "ident", "opened", "records", "request", "transport", "upgraded")
    mark = SEQ_MARK
    skip_snapshots = True

    def __init__(self, ident: int, request: bytes, records: _Records, opened: asyncio.Future):
        self.ident = ident
        self.request = request
        self.records = records
        self.opened = opened
        self.buffer = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        self.records.closed += 1
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed during the handshake"))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.opened.set_exception(ConnectionError(bytes(buffer[:200]).decode("latin-1")))
                self.transport.close()  # type: ignore[union-attr]
                return
            del buffer[: end + 4]
            self.upgraded = True
            self.opened.set_result(None)
        while len(buffer) >= 2:
            opcode = buffer[0] & 0x0F
            length = buffer[1] & 0x7F
            start = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length = int.from_bytes(buffer[2:4], "big")
                start = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length = int.from_bytes(buffer[2:10], "big")
                start = 10
            end = start + length
            if len(buffer) < end:
                return
            if opcode == 1:
                at = buffer.find(self.mark, start, end)
                snapshot = self.skip_snapshots and buffer.startswith(SNAPSHOT_MARK, start)
                if at >= 0 and not snapshot:
                    at += len(self.mark)
                    stop = at
                    while 48 <= buffer[stop] <= 57:
                        stop += 1
                    self.records.add(self.ident, int(buffer[at:stop]), now)
            elif opcode == 9:  # ping: answer with a masked pong (mask key 0 keeps the payload)
                payload = bytes(buffer[start:end])
                self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)  # type: ignore[union-attr]
            elif opcode == 8:
                self.transport.close()  # type: ignore[union-attr]
            del buffer[:end]


class _Records:
    def __init__(self) -> None:
        self.idents = array("i")
        self.seqs = array("i")
        self.times = array("q")
        self.closed = 0

    def add(self, ident: int, seq: int, when: int) -> None:
        self.idents.append(ident)
        self.seqs.append(seq)
        self.times.append(when)


def handshake_request(host: str, port: int, path: str) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


async def _viewer_main(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    transports: list[asyncio.Transport] = []
    records = _Records()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "connect":
            _, targets, first_ident, concurrency = command
            records = _Records()
            gate = asyncio.Semaphore(concurrency)
            errors: list[str] = []

            async def open_one(
                ident: int,
                port: int,
                path: str,
                gate: asyncio.Semaphore = gate,
                records: _Records = records,
                errors: list[str] = errors,
            ) -> None:
                async with gate:
                    opened = loop.create_future()
                    request = handshake_request("127.0.0.1", port, path)
                    try:
                        transport, _ = await loop.create_connection(
                            lambda: RawViewer(ident, request, records, opened), "127.0.0.1", port
                        )
                        await asyncio.wait_for(opened, 30)
                    except (OSError, TimeoutError) as error:
                        errors.append(f"{type(error).__name__}: {error}")
                        return
                    transports.append(transport)

            await asyncio.gather(
                *(open_one(first_ident + i, port, path) for i, (port, path) in enumerate(targets))
            )
            gc.collect()
            gc.freeze()
            pipe.send(("connected", len(transports), errors[:3], len(errors)))
        elif command[0] == "collect":
            pipe.send(
                (
                    "records",
                    records.idents.tobytes(),
                    records.seqs.tobytes(),
                    records.times.tobytes(),
                    records.closed,
                )
            )
            for transport in transports:
                transport.close()
            transports.clear()
            gc.unfreeze()
        elif command[0] == "exit":
            return


def _viewer_process(pipe: Connection) -> None:
    import uvloop

    raise_open_files_limit()
    uvloop.run(_viewer_main(pipe))


class ViewerPool:
    """K load processes that open viewers, record receipts and hand them back."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=_viewer_process, args=(child,), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def connect(self, targets: Sequence[tuple[int, str]], *, concurrency: int = 50) -> int:
        """Open one viewer per (port, path); viewer i is targets[i]."""
        share = -(-len(targets) // len(self.pipes))
        for index, pipe in enumerate(self.pipes):
            chunk = list(targets[index * share : (index + 1) * share])
            pipe.send(("connect", chunk, index * share, concurrency))
        opened = 0
        for pipe in self.pipes:
            _, count, errors, error_count = pipe.recv()
            opened += count
            if error_count:
                print(f"  viewers: {error_count} failed to connect, e.g. {errors}", flush=True)
        return opened

    def collect(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        for pipe in self.pipes:
            pipe.send(("collect",))
        idents, seqs, times, closed = [], [], [], 0
        for pipe in self.pipes:
            _, i, s, t, c = pipe.recv()
            idents.append(np.frombuffer(i, dtype=np.int32))
            seqs.append(np.frombuffer(s, dtype=np.int32))
            times.append(np.frombuffer(t, dtype=np.int64))
            closed += c
        return np.concatenate(idents), np.concatenate(seqs), np.concatenate(times), closed

    def close(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(BrokenPipeError):  # that process died and said why
                pipe.send(("exit",))
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


@contextmanager
def viewer_pool(processes: int) -> Iterator[ViewerPool]:
    pool = ViewerPool(processes)
    try:
        yield pool
    finally:
        pool.close()


# --- one measured run ---------------------------------------------------------------------


@dataclass
class RunResult:
    label: str
    viewers: int
    connected: int
    updates: int
    latencies_ms: np.ndarray  # acknowledgement → receipt
    from_request_ms: np.ndarray  # request sent → receipt
    post_ms: np.ndarray
    missing: int  # (viewer, required version) pairs that never arrived
    required: int
    notes: list[str] = field(default_factory=list)

    def p(self, q: float) -> float:
        """Percentile of the latency from the acknowledgement (the POST's response)."""
        return _percentile(self.latencies_ms, q)

    def r(self, q: float) -> float:
        """Percentile of the latency from the moment the request was sent."""
        return _percentile(self.from_request_ms, q)

    def post_p(self, q: float) -> float:
        return _percentile(self.post_ms, q)

    def line(self) -> str:
        return (
            f"  {self.label:<7} {self.viewers:>5} viewers: from request p50 {self.r(50):6.1f} "
            f"p99 {self.r(99):6.1f} ms | from ack p50 {self.p(50):6.1f} p99 {self.p(99):6.1f} ms"
            f" | delivered {self.required - self.missing}/{self.required}"
            f" | POST p50 {self.post_p(50):6.1f} p99 {self.post_p(99):6.1f} ms"
        )


def _percentile(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if values.size else float("nan")


def post_at_rate(
    poster: LeitaiPoster | FloorPoster, count: int, hz: float, *, phase: float = 0.0
) -> list[tuple[int, int, int]]:
    """`count` posts at `hz`, the first after `phase` seconds."""
    posts = []
    period = 1 / hz
    started = time.monotonic() + phase
    for index in range(count):
        delay = started + index * period - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        posts.append(poster.post())
    return posts


def required_versions(posts: Sequence[tuple[int, int, int]], window_ns: int) -> list[int]:
    """Versions not superseded within the window (by acknowledgement time), and the last."""
    required = [
        seq
        for (seq, _, ack), (_, _, next_ack) in itertools.pairwise(posts)
        if next_ack - ack >= window_ns
    ]
    required.append(posts[-1][0])
    return required


def measure(
    label: str,
    pool: ViewerPool,
    targets_by_topic: dict[str, list[tuple[int, str]]],
    posters: dict[str, LeitaiPoster | FloorPoster],
    *,
    updates: int,
    hz: float,
    warmup: int = 3,
) -> RunResult:
    """Connect viewers, post `updates` per topic at `hz`, collect and score the receipts.

    With several topics, one thread per topic posts (as separate judges' phones would), their
    schedules spread evenly over the period: arenas do not all score in the same instant.
    """
    from concurrent.futures import ThreadPoolExecutor

    targets = [target for group in targets_by_topic.values() for target in group]
    viewer_topic = [topic for topic, group in targets_by_topic.items() for _ in group]
    connected = pool.connect(targets)
    time.sleep(1.0)
    phases = [index / (len(posters) * hz) for index in range(len(posters))]
    with ThreadPoolExecutor(max_workers=len(posters)) as executor:
        list(executor.map(lambda p: post_at_rate(p, warmup, hz), posters.values()))
        time.sleep(0.5)
        runs = list(
            executor.map(
                lambda p, phase: post_at_rate(p, updates, hz, phase=phase),
                posters.values(),
                phases,
            )
        )
    time.sleep(1.5)
    idents, seqs, times, _ = pool.collect()

    latencies: list[np.ndarray] = []
    from_request: list[np.ndarray] = []
    missing = 0
    required_total = 0
    post_ms = []
    for (topic, _poster), posts in zip(posters.items(), runs, strict=True):
        post_ms.extend((ack - sent) / 1e6 for _, sent, ack in posts)
        ack_of = {seq: ack for seq, _, ack in posts}
        sent_of = {seq: sent for seq, sent, _ in posts}
        viewers = [i for i, t in enumerate(viewer_topic) if t == topic]
        if not posts:
            continue
        in_topic = np.isin(idents, viewers)
        mask = in_topic & np.isin(seqs, list(ack_of))
        acks = np.array([ack_of[int(s)] for s in seqs[mask]], dtype=np.int64)
        latencies.append((times[mask] - acks) / 1e6)
        sents = np.array([sent_of[int(s)] for s in seqs[mask]], dtype=np.int64)
        from_request.append((times[mask] - sents) / 1e6)
        required = required_versions(posts, 100_000_000)
        required_total += len(required) * len(viewers)
        got = {(int(i), int(s)) for i, s in zip(idents[mask], seqs[mask], strict=True)}
        missing += sum((v, s) not in got for v in viewers for s in required)
    return RunResult(
        label=label,
        viewers=len(targets),
        connected=connected,
        updates=updates,
        latencies_ms=np.concatenate(latencies),
        from_request_ms=np.concatenate(from_request),
        post_ms=np.array(post_ms),
        missing=missing,
        required=required_total,
    )


def machine_summary() -> str:
    cpu = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {sys.version.split()[0]}, "
        f"open files {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}"
    )
