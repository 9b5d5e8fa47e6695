"""Helpers for the ledger tests: the verify command in-process, and the triggers lifted as an
attacker would (the arena day they verify: tests/arenas/audit/helpers.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from leitai.ledger import triggers


def run_verify(*args: str) -> tuple[int, str]:
    """`leitai ledger verify …` in-process: (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("ledger", "verify", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def first_problem(output: str) -> str:
    """The problem printed under the first FAIL line, without the "(and N more …)" note."""
    lines = output.splitlines()
    failed = next(i for i, line in enumerate(lines) if line.startswith("FAIL"))
    return lines[failed + 1].strip().split("  (and ", 1)[0]


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """Play an attacker with database access: drop the append-only triggers, put them back."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)
