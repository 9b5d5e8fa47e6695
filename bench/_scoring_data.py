"""Shared helpers for the scoring benchmarks: synthetic marks and honest timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from decimal import Decimal

import numpy as np

from leitai.scoring.batch import MarkTable


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


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs (after one warm-up run when repeat > 1)."""
    if repeat > 1:
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"
