"""What `leitai ledger verify` prints: a line per chain, then the summary (the wording and the exit
status are a contract; see docs/ledger.md). No Django import: the offline check prints them too."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from leitai.ledger.checks import Problem, first_problem


@dataclass
class ChainReport:
    chain: str
    entries: int
    head: tuple[int, str]
    problems: list[Problem] = field(default_factory=list)
    detail: str = ""  # what was replayed, for the summary line

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        described = f"{self.chain}  #{self.head[0]} {self.head[1]}  {self.entries} entries"
        if self.detail:
            described += f", {self.detail}"
        if self.ok:
            return f"ok    {described}"
        first = first_problem(self.problems)
        more = len(self.problems) - 1
        return f"FAIL  {described}\n      {first}" + (
            f"  (and {more} more problem{'s' if more > 1 else ''}; --all lists them)"
            if more
            else ""
        )


def print_reports(
    reports: Sequence[ChainReport], *, started: float, show_all: bool, out: Any
) -> int:
    """One line per chain, then the summary; returns the exit status (0 all good, 1 not)."""
    for report in reports:
        out.write(report.line() + "\n")
        if show_all and len(report.problems) > 1:
            for problem in sorted(report.problems, key=lambda p: p.order)[1:]:
                out.write(f"      {problem}\n")
    failed = [r for r in reports if not r.ok]
    entries = sum(r.entries for r in reports)
    seconds = time.perf_counter() - started
    if failed:
        first = first_problem(failed[0].problems)
        out.write(
            f"ledger verify: FAILED — {len(failed)} of {len(reports)} "
            f"chain{'s' if len(reports) != 1 else ''} with problems; "
            f"first: {first} ({seconds:.2f} s)\n"
        )
        return 1
    chains = f"{len(reports)} chain{'s' if len(reports) != 1 else ''}"
    out.write(
        f"ledger verify: all {chains} and {entries} entries verified, "
        f"every result recomputed and matching ({seconds:.2f} s)\n"
    )
    return 0
