"""A terminal progress line for long imports (no dependency; redraws in place on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, stream: TextIO | None = None, every: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.is_tty = self.stream.isatty()
        self.every = every if self.is_tty else 5.0
        self.started = time.monotonic()
        self.last = 0.0
        self.phase = ""
        self.total: int | None = None

    def set_total(self, total: int | None) -> None:
        self.total = total

    def __call__(self, phase: str, done: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < self.every:
            return
        if phase != self.phase and self.phase and self.is_tty:
            self.stream.write("\n")
        self.phase, self.last = phase, now
        rate = done / max(now - self.started, 1e-6)
        if self.total:
            share = min(done / self.total, 1.0)
            filled = int(share * 30)
            text = f"{phase:<9} [{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {done:,} rows"
        else:
            text = f"{phase:<9} {done:,} rows ({rate:,.0f}/s)"
        if self.is_tty:
            self.stream.write("\r" + text.ljust(78))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.is_tty and self.phase:
            self.stream.write("\n")
        self.stream.flush()
