"""`leitai restore BACKUP`: put a `leitai backup` copy back as the database, and say what it holds.

Copying a backup over an SQLite database by hand is not safe: after a crash, the database's
-wal file holds committed transactions not yet written into the file, and SQLite replays it on
top of whatever file it finds — a mid-day backup then comes back as the later state (and
`ledger verify` agrees with it), an older one as a "malformed" database. So the command:

1. refuses while a `leitai serve` runs or another process has the database open
   (leitai.core.holders), and keeps servers from starting until it is done;
2. checks the backup (`PRAGMA integrity_check`; `pg_restore --list` for a PostgreSQL dump);
3. copies the backup beside the database through SQLite's backup API (as `leitai backup` does:
   checked, single file) before moving anything (on PostgreSQL: pg_restore --clean in one
   transaction, all or nothing);
4. moves the database it replaces, with its -wal, into var/backups/replaced-<stamp>/ (nothing is
   lost, a wrong restore can be undone), removes the -shm, and renames the copy into place;
5. prints what it restored, the arenas and the last ledger entry, and runs `ledger verify` on
   it, which prints each chain's head, to hold against the heads noted at backup time.

Exit status: 0 restored and verified, 1 restored but the ledger does not verify, 2 refused
(nothing changed).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from leitai.core import pgdump
from leitai.core.holders import DatabaseInUse, no_server, sqlite_open_elsewhere
from leitai.core.management.commands.backup import BackupError, backup_sqlite


class Refused(Exception):
    pass


# What a file starts with tells a `leitai backup` of either database apart, whatever its name.
BACKUP_HEADERS = {
    "sqlite": (b"SQLite format 3\x00", "an SQLite backup"),
    "postgresql": (b"PGDMP", "a PostgreSQL dump (pg_dump custom format)"),
}


def check_made_for(backup: Path, vendor: str) -> None:
    """Refuses a backup of the other kind of database, naming both: restoring a PostgreSQL dump
    into SQLite, or the other way round, is a mix-up of installations, not a damaged file."""
    with backup.open("rb") as handle:
        head = handle.read(16)
    for made_for, (header, kind) in BACKUP_HEADERS.items():
        if made_for != vendor and head.startswith(header):
            raise Refused(
                f"{backup} is {kind}, but this installation's database (DATABASE_URL) is "
                f"{vendor}: restore it where it was taken"
            )


def check_sqlite_backup(path: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = copy.execute("PRAGMA integrity_check").fetchall()
            copy.execute("SELECT COUNT(*) FROM ledger_chainhead").fetchone()
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise Refused(f"{path} is not a Leitai SQLite backup: {error}") from None
    if status != [("ok",)]:
        raise Refused(f"{path} fails PRAGMA integrity_check: {status[0][0]}")


def set_aside(database: Path, folder: Path) -> list[Path]:
    """Move the database and its -wal into `folder`; remove its -shm (an index of the -wal that
    SQLite rebuilds). Returns the files moved."""
    moved = []
    for name in (database.name, f"{database.name}-wal"):
        path = database.with_name(name)
        if path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(path, folder / name)
            moved.append(folder / name)
    database.with_name(f"{database.name}-shm").unlink(missing_ok=True)
    return moved


class Command(BaseCommand):
    help = "Restore a `leitai backup` copy as the database, then verify the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="a leitai-*.sqlite3 or leitai-*.dump file")

    def handle(self, *args: Any, **options: Any) -> None:
        backup: Path = options["backup"].resolve()
        if not backup.is_file():
            raise CommandError(f"no backup file at {backup}", returncode=2)
        # This process must hold no connection of its own: SQLite's locks and PostgreSQL's
        # session list would count it as another holder.
        connections.close_all()
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        sqlite = connections[DEFAULT_DB_ALIAS].vendor == "sqlite"
        try:
            check_made_for(backup, connections[DEFAULT_DB_ALIAS].vendor)
            with no_server():
                if sqlite:
                    self._restore_sqlite(backup, Path(str(database["NAME"])))
                else:
                    self._restore_postgresql(backup, database)
        except (DatabaseInUse, Refused, pgdump.PgToolError) as error:
            raise CommandError(f"nothing restored: {error}", returncode=2) from None
        self._report()

    def _restore_sqlite(self, backup: Path, database: Path) -> None:
        if sqlite_open_elsewhere(database):
            raise DatabaseInUse(
                f"another process has {database} open (a server, an import, a shell); stop it first"
            )
        check_sqlite_backup(backup)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        # The copy is made (and checked) beside the database before anything is moved, so a
        # failure here changes nothing; then two renames.
        try:
            staged = backup_sqlite(backup, database.parent, stamp=f"restoring-{stamp}")
        except (BackupError, sqlite3.Error, OSError) as error:
            raise Refused(f"the backup could not be copied: {error}") from None
        folder = Path(settings.VAR_DIR) / "backups" / f"replaced-{stamp}"
        moved = set_aside(database, folder)
        os.replace(staged, database)
        self.stdout.write(f"restored {backup} as {database}")
        if moved:
            self.stdout.write(f"  the database it replaced is in {folder}")

    def _restore_postgresql(self, backup: Path, database: dict[str, Any]) -> None:
        others = pgdump.other_sessions(database)
        if others:
            raise DatabaseInUse(
                f"{len(others)} other connection(s) to database {database['NAME']} "
                f"({'; '.join(others[:5])}); stop every server and client first"
            )
        pgdump.check_dump(backup, database)
        pgdump.restore(backup, database)
        self.stdout.write(f"restored {backup} into PostgreSQL database {database['NAME']}")

    def _report(self) -> None:
        from leitai.arenas.models import Arena
        from leitai.ledger.models import LedgerEntry
        from leitai.ledger.reports import print_reports
        from leitai.ledger.verify import verify_database

        arenas = list(Arena.objects.order_by("pk").values_list("pk", "title", "state"))
        self.stdout.write(f"arenas in the restored database: {len(arenas)}")
        for pk, title, state in arenas:
            self.stdout.write(f"  #{pk} {title} ({state})")
        last = LedgerEntry.objects.order_by("-pk").first()
        if last is None:
            self.stdout.write("last ledger entry: none")
        else:
            at = json.loads(last.body).get("at", "")
            self.stdout.write(f"last ledger entry: {last.chain} #{last.seq} {last.kind} at {at}")
        # `ledger verify` prints every chain's head (checked against the chain-head table):
        # the figures to hold against those `leitai backup` printed.
        started = time.perf_counter()
        status = print_reports(verify_database(), started=started, show_all=False, out=self.stdout)
        if status:
            raise CommandError(
                "restored, but the ledger does not verify: see the first problem above; "
                "the database it replaced is kept",
                returncode=1,
            )
