"""`leitai backup [--out DIR]`: a consistent copy of the SQLite database, safe while serving.

The copy uses SQLite's online backup API in one step: the backup holds one read transaction on
the source for the whole copy, so it is a snapshot of a single moment (no half-written sheet,
no ledger entry without its sheet row). In WAL mode, which Leitai's settings turn on, a read
transaction does not block writers: judges keep submitting while the copy is taken. The copy is
written under a temporary name, checked with `PRAGMA integrity_check`, switched to a single-file
journal mode, and renamed into place, so a file named leitai-*.sqlite3 is always complete.

The chain heads printed are read from the copy: writing them down (or photographing them with
the signed score sheets) before and after an arena day lets anyone check later that the copy,
and the ledger it holds, is the one taken then.

On PostgreSQL it runs pg_dump (custom format, one consistent snapshot) into the same directory,
as leitai-<stamp>.dump, and prints the chain heads the dump holds. `leitai restore` takes either.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from leitai.core import pgdump


class BackupError(Exception):
    pass


def _target(directory: Path, stamp: str, extension: str = "sqlite3") -> Path:
    target = directory / f"leitai-{stamp}.{extension}"
    number = 1
    while target.exists():  # two backups within one second
        number += 1
        target = directory / f"leitai-{stamp}-{number}.{extension}"
    return target


def backup_sqlite(source: Path, directory: Path, *, stamp: str) -> Path:
    """Copy `source` into `directory` as leitai-<stamp>.sqlite3; returns the copy's path."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    directory.mkdir(parents=True, exist_ok=True)
    target = _target(directory, stamp)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # The copy holds everything, password hashes included: readable by its owner only.
    partial.touch(mode=0o600)
    try:
        reader = sqlite3.connect(source, timeout=30)
        try:
            writer = sqlite3.connect(partial)
            try:
                # pages=-1: the whole database in one step, inside one read transaction.
                reader.backup(writer, pages=-1)
                writer.execute("PRAGMA journal_mode=DELETE")
                status = writer.execute("PRAGMA integrity_check").fetchall()
                if status != [("ok",)]:
                    raise BackupError(
                        "the copy fails PRAGMA integrity_check: "
                        + "; ".join(str(row[0]) for row in status[:5])
                    )
            finally:
                writer.close()
        finally:
            reader.close()
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def chain_heads(path: Path) -> list[tuple[str, int, str]]:
    """The ledger's chain heads as the copy holds them: global first, then arenas by number."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT chain, seq, hash FROM ledger_chainhead").fetchall()
    except sqlite3.OperationalError:  # a database not yet migrated
        rows = []
    finally:
        connection.close()
    return in_chain_order((str(c), int(s), str(h)) for c, s, h in rows)


def in_chain_order(heads: Iterable[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Global first, then arenas by number."""

    def order(row: tuple[str, int, str]) -> tuple[int, int, str]:
        number = row[0].removeprefix("arena:")
        return (row[0] != "global", int(number) if number.isdigit() else 0, row[0])

    return sorted(heads, key=order)


def print_chain_heads(out: Any, heads: list[tuple[str, int, str]]) -> None:
    if not heads:
        out.write("  no ledger entries yet")
        return
    out.write("ledger chain heads in the copy:")
    width = max(len(chain) for chain, _seq, _hash in heads)
    for chain, seq, digest in heads:
        out.write(f"  {chain:<{width}}  #{seq:<6} {digest}")


class Command(BaseCommand):
    help = "Copy the SQLite database consistently while the server runs (online backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="directory for the copy (default: var/backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        directory = options["out"] or Path(settings.VAR_DIR) / "backups"
        started = time.perf_counter()
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self._backup_postgresql(database, directory, stamp, started)
            return
        source = Path(str(database["NAME"]))
        try:
            path = backup_sqlite(source, directory, stamp=stamp)
        except (BackupError, sqlite3.Error, OSError) as error:
            raise CommandError(f"backup failed: {error}") from None
        seconds = time.perf_counter() - started
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"{path.resolve()}\n"
            f"  {size:.1f} MB, integrity_check ok, copied in {seconds:.2f} s (online backup)"
        )
        print_chain_heads(self.stdout, chain_heads(path))

    def _backup_postgresql(
        self, database: dict[str, Any], directory: Path, stamp: str, started: float
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        target = _target(directory, stamp, "dump")
        try:
            pgdump.dump(database, target)
            heads = in_chain_order(pgdump.dump_chain_heads(target, database))
        except (pgdump.PgToolError, OSError) as error:
            raise CommandError(f"backup failed: {error}") from None
        seconds = time.perf_counter() - started
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"{target.resolve()}\n  {size:.1f} MB, pg_dump custom format in {seconds:.2f} s"
        )
        print_chain_heads(self.stdout, heads)
