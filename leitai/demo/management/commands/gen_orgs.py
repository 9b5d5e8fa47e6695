"""`leitai gen-orgs --units N --seed S --out FILE.csv`: a Qingdao-shaped tree of any size.

For benchmarks and load tests: the same (units, seed) always writes the same file, streamed, so a
million units need no more memory than ten. `--facts` adds the three optional fact columns
(成立时间, 党员人数, 是否设党小组), drawn from their own generator: codes and names stay the same.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from itertools import islice
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from leitai.demo.generate import FACT_HEADERS_ZH, HEADERS_ZH, generated_rows, streamed_facts

PROGRESS_EVERY = 100_000
FACTS_TODAY = (2026, 1, 1)


class Command(BaseCommand):
    help = "Write a deterministic organisation tree of N units as a UTF-8 CSV with Chinese headers."
    # It only writes a file: no database, no models, so no system checks to wait for or to fail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--units", required=True, help="number of units, at least 1")
        parser.add_argument("--seed", default="1", help="random seed (an integer; default 1)")
        parser.add_argument("--out", required=True, help="the CSV file to write, or - for stdout")
        parser.add_argument(
            "--facts",
            action="store_true",
            help="add the fact columns: founding month, members, party groups",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        units = _integer("--units", options["units"])
        if units < 1:
            raise CommandError(f"--units must be at least 1, not {units}")
        seed = _integer("--seed", options["seed"])
        out: str = options["out"]
        started = time.perf_counter()
        if out == "-":
            try:
                _write(sys.stdout, units, seed, self._progress, facts=options["facts"])
            except BrokenPipeError:
                # The reader stopped early (`leitai gen-orgs … --out - | head`): not an error.
                # Point stdout at /dev/null so that the interpreter's final flush stays quiet.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        else:
            try:
                with open(out, "w", encoding="utf-8", newline="") as file:
                    _write(file, units, seed, self._progress, facts=options["facts"])
            except OSError as error:
                raise CommandError(f"cannot write {out}: {error.strerror}") from error
        elapsed = time.perf_counter() - started
        where = "stdout" if out == "-" else out
        self.stderr.write(f"gen-orgs: wrote {units:,} units to {where} in {elapsed:.1f} s")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"gen-orgs: {done:,} / {total:,} units")


def _integer(option: str, value: str) -> int:
    # Parsed here rather than by argparse `type=int`, so that a bad value is a CommandError that
    # names the option, whether the command runs from the shell or from call_command().
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"{option} must be a whole number, not {value!r}") from None


def _write(
    file: TextIO,
    units: int,
    seed: int,
    progress: Callable[[int, int], None],
    *,
    facts: bool = False,
) -> None:
    csv.writer(file).writerow([*HEADERS_ZH, *FACT_HEADERS_ZH] if facts else HEADERS_ZH)
    rows = generated_rows(units, seed)
    if facts:
        # A fixed "today", so that the same (units, seed) writes the same file on any day.
        rows = streamed_facts(rows, FACTS_TODAY)
    done = 0
    while done < units:
        # Joined by hand: the csv module writes a million rows three times slower, and generated
        # values never need quoting (no comma, quote or line break: tests/orgs checks the name
        # material). Lines end in CRLF, as csv.writer's do, so the file reads the same either way.
        file.writelines([",".join(row) + "\r\n" for row in islice(rows, PROGRESS_EVERY)])
        done = min(done + PROGRESS_EVERY, units)
        if units > PROGRESS_EVERY:
            progress(done, units)
