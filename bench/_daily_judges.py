"""Judges scoring a live arena on a served Leitai while the daily-data import runs beside it.

The issue's third target for the import: "while it runs, a judge's sheet POST p99 stays under
1 s". `build_arena` adds one live arena (bench._arena_setup: its units, a panel of judges with
their link tokens, the drawn order) to the database the import will write into; `JudgeLoad`
then plays it over HTTP against a `leitai serve` of that database, as on the day: the host calls
the next presenter and opens scoring, every judge's phone posts its sheet (all at once, with a
little jitter), the head judge confirms, the host shows the result, a short pause, the next —
until stopped. Each sheet POST's latency (request sent → answer read) is kept with the moment it
was sent, so the figures can be split into "before the import started" and "while it ran".
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench._live_common import PYTHON, ROOT, free_port, start_leitai, stop_process
from leitai.demo.rubric import DEMO_RUBRIC
from leitai.simulation import Host, Phone, SimulationError, plausible_marks

ROUND_PAUSE = 1.0  # seconds between one presenter's result and the next presenter


def build_arena(env: dict[str, str], judges: int, participants: int) -> dict[str, Any]:
    """One live arena in the database of `env` (already migrated); the set-up's JSON."""
    out = subprocess.run(
        [PYTHON, "-m", "bench._arena_setup", "1", str(judges), str(participants)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


@dataclass
class Sheets:
    sent: list[float] = field(default_factory=list)  # time.monotonic() at sending
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def between(self, start: float, end: float) -> np.ndarray:
        with self.lock:
            sent, ms = np.array(self.sent), np.array(self.ms)
        if not len(sent):
            return np.array([])
        return ms[(sent >= start) & (sent <= end)]


def p99(values: np.ndarray) -> float:
    return float(np.percentile(values, 99)) if len(values) else float("nan")


class JudgeLoad:
    """Plays the arena on its own thread against a server it starts, until `stop()`."""

    def __init__(self, env: dict[str, str], city: dict[str, Any]) -> None:
        self.port = free_port()
        self.server = start_leitai(env, self.port)
        url = f"http://127.0.0.1:{self.port}"
        spec = city["arenas"][0]
        self.spec = spec
        self.host = Host(url, spec["id"])
        self.host.http.cookies.update(
            {city["session_cookie"]: city["session"], city["csrf_cookie"]: "b" * 32}
        )
        self.phones = [Phone(url, j["token"], j["code"]) for j in spec["judges"]]
        self.head = next(p for p, j in zip(self.phones, spec["judges"], strict=True) if j["head"])
        self.sheets = Sheets()
        self.rounds = 0
        self.ran_out: float | None = None
        self.host_ms: list[float] = []
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=len(self.phones))
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> JudgeLoad:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=120)
        self._pool.shutdown()
        self.host.http.close()
        for phone in self.phones:
            phone.http.close()
        stop_process(self.server)

    def _action(self, name: str, **payload: object) -> None:
        sent = time.monotonic()
        self.host.action(name, **payload)
        self.host_ms.append((time.monotonic() - sent) * 1000)

    def _sheet(self, phone: Phone, participant: int, rng: random.Random) -> None:
        marks = plausible_marks(DEMO_RUBRIC, quality=0.8, severity=rng.gauss(0, 0.04), rng=rng)
        time.sleep(rng.uniform(0, 0.3))
        sent = time.monotonic()
        answer = phone.submit(participant, marks, f"{participant}-{phone.code}")
        ms = (time.monotonic() - sent) * 1000
        with self.sheets.lock:
            self.sheets.sent.append(sent)
            self.sheets.ms.append(ms)
            if answer.status != 201:
                self.sheets.errors.append(f"{answer.status} {answer.body[:120]!r}")

    def _run(self) -> None:
        rng = random.Random(7)
        current = None
        try:
            for participant in self.spec["order"]:
                if self._stop.is_set():
                    return
                self._action("next", expected_current=current)
                current = participant
                self._action("open", participant=participant)
                futures = [
                    self._pool.submit(self._sheet, phone, participant, rng) for phone in self.phones
                ]
                for future in futures:
                    future.result()
                self.head.confirm(participant)
                self._action("show", participant=participant)
                self.rounds += 1
                self._stop.wait(ROUND_PAUSE)
            self.ran_out = time.monotonic()  # the last presenter scored: no more sheets
        except (SimulationError, KeyError, ValueError) as error:
            self.sheets.errors.append(f"arena {self.spec['id']}: {error}")
