"""Shared helpers for the scoring benchmarks: synthetic marks and honest timing."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from leitai.scoring.analysis.batch import MarkTable


def panel_marks(participants: int, judges: int, seed: int = 0) -> np.ndarray:
    """Marks in hundredths (6.00–10.00): a participant effect, a judge lean and noise."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(8.0, 0.8, size=(participants, 1))
    lean = rng.normal(0.0, 0.2, size=(1, judges))
    noise = rng.normal(0.0, 0.4, size=(participants, judges))
    marks = np.clip(np.round((quality + lean + noise) * 4) / 4, 0, 10)  # a 0.25 step
    return np.round(marks * 100).astype(np.int64)


def mark_table(units: np.ndarray) -> MarkTable:
    present = np.ones(units.shape, dtype=bool)
    return MarkTable(units[:, :, None], present, 2, (Decimal(1),))


@dataclass(frozen=True)
class Timing:
    wall: float  # median wall-clock seconds
    cpu: float  # median CPU seconds (user + system) of this process and its children

    def __str__(self) -> str:
        return f"{self.wall:.3f} s wall, {self.cpu:.3f} s CPU"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function: Callable[[], object], repeat: int) -> Timing:
    """Medians of `repeat` runs (after one warm-up run when repeat > 1).

    CPU time is printed beside wall time because our machines are shared: when other work
    competes for the two cores, wall time grows while CPU time stays an honest measure of the
    work done (for single-threaded code; a multi-threaded peer's CPU time exceeds its wall time).
    """
    if repeat > 1:
        function()
    walls, cpus = [], []
    for _ in range(repeat):
        cpu_started, started = _cpu(), time.perf_counter()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu_started)
    return Timing(statistics.median(walls), statistics.median(cpus))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def machine() -> str:
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


def target_ratio(name: str, ours: float, floor: float, limit: float) -> bool:
    ratio = ours / floor
    met = ratio <= limit
    print(
        f"target {name}: ours {ours:.1f} ms, floor {floor:.1f} ms, ratio {ratio:.2f} "
        f"(limit {limit:g}): {'met' if met else 'missed'}"
    )
    return met


def target_limit(name: str, ours: float, floor: float, limit: float, unit: str) -> bool:
    """An absolute limit, printed in the closing-line form beside the floor of the same run."""
    met = ours < limit
    verdict = "met" if met else "missed"
    print(
        f"target {name}: ours {ours:.2f} {unit}, floor {floor:.2f} {unit}, "
        f"ratio {ours / floor:.2f} (limit {limit:g} {unit}): {verdict}"
    )
    return met
