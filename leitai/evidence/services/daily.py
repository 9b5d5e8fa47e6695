"""Writing the platform's daily data: an import is opened, its values are staged in batches
(invisible: readers take only current imports), and it becomes current in one short transaction
that puts it on the ledger; the values it replaced are deleted afterwards, a batch at a time.

Why batches and not one transaction: a province's year is 32.4 M values. In one transaction
SQLite's single write lock would be held for minutes and every judge's sheet and sign-in would
wait behind it. Each batch here holds the lock for a fraction of a second, then pauses long enough
for a waiting writer to get in (see STAGE_PAUSE). On PostgreSQL inserts block no
other writer; the batches are larger and go through COPY. The batches are written by a thread of
their own while the caller goes on reading the file (`_Writer`), so the parse, the database's
work and the pauses overlap.

A process killed mid-import leaves its import staging, its values invisible: the import records
its process (`owner`), and the next import discards every staging import whose process is gone
(`discard_abandoned`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from leitai.core.processes import current_process, is_running
from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.ledger.chain import append

DAILY_PREFIX = "daily"
# SQLite: rows are handed to the writer in batches of STAGE_ROWS_SQLITE; it gathers up to
# STAGE_GATHER rows before a transaction (outside the lock), and the transaction writes them for
# at most STAGE_HOLD seconds — however loaded the machine, another write waits behind it well
# under a second (a fixed 50,000 rows held the lock 0.3 s on a quiet machine, over a second at
# load 8). PostgreSQL: rows per COPY transaction (inserts block no other writer).
STAGE_ROWS_SQLITE = 5_000
STAGE_GATHER = 50_000
STAGE_HOLD = 0.2
STAGE_ROWS_POSTGRES = 200_000
# A pause after each batch on SQLite, so writers waiting for the lock get it before the next
# batch: they try for it every 2 ms (leitai.core.sqlite3), so a short pause lets a burst of them
# in (each then holds it a few milliseconds; the import's next BEGIN waits its turn among them).
# It was 0.12 s while writers waited in SQLite's own busy handler, which sleeps up to 100 ms.
STAGE_PAUSE = 0.05
DELETE_ROWS = 20_000

ValueRow = tuple[int, int, str, "int | Decimal"]  # unit id, period yyyymm, metric key, value
Progress = Callable[[str, int], None]


def daily_chain(import_id: int) -> str:
    return f"{DAILY_PREFIX}:{import_id}"


def _quiet(phase: str, rows: int) -> None:
    return None


def actor_name(actor: Any) -> str:
    username = getattr(actor, "username", "") or ""
    return str(username) or "(command line)"


def open_import(*, actor: Any, file_name: str, digest: str, job: Any = None) -> DailyImport:
    """The import's record, staging: nothing of it is visible until `make_current`."""
    saved = actor if getattr(actor, "pk", None) is not None else None
    return DailyImport.objects.create(
        state=DailyImportState.STAGING,
        actor=saved,
        actor_name=actor_name(actor),
        job=job,
        owner=current_process(),
        file_name=file_name[:255],
        digest=digest,
    )


def discard_abandoned() -> int:
    """Imports left staging by a process that is gone (killed mid-import: nothing of them ever
    became current) have their staged values deleted and are marked failed; returns how many.
    Run before each import, so a crash's leftovers go at the next one. An import whose process
    still runs (or runs on another host) is left alone."""
    abandoned = [
        daily_import
        for daily_import in DailyImport.objects.filter(state=DailyImportState.STAGING)
        if not is_running(daily_import.owner)
    ]
    for daily_import in abandoned:
        discard_import(daily_import)
    return len(abandoned)


def _table() -> str:
    return connection.ops.quote_name(DailyValue._meta.db_table)


COLUMNS = ("daily_import_id", "unit_id", "period", "metric", "value")


def _write_batch(import_id: int, batch: list[ValueRow]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(cursor, import_id, batch)


def _insert(cursor: Any, import_id: int, batch: list[ValueRow]) -> None:
    columns = ", ".join(COLUMNS)
    if connection.vendor == "postgresql":
        # COPY goes to psycopg directly: its errors are turned into Django's (an
        # IntegrityError for a duplicate), as the ORM's own statements' are.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {_table()} ({columns}) FROM STDIN") as copy,
        ):
            for unit_id, period, metric, value in batch:
                copy.write_row((import_id, unit_id, period, metric, value))
    else:
        # SQLite stores the decimal as text in a NUMERIC column; Django reads it back exact.
        cursor.executemany(
            f"INSERT INTO {_table()} ({columns}) VALUES (%s, %s, %s, %s, %s)",
            [(import_id, u, p, m, str(v)) for u, p, m, v in batch],
        )


def _batches(rows: Iterable[ValueRow], size: int) -> Iterator[list[ValueRow]]:
    batch: list[ValueRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer(threading.Thread):
    """Writes batches on its own database connection while the caller reads the next ones: the
    file's parsing and checking (Python) overlaps the database's work and the pause after each
    transaction. A bounded queue keeps a few batches waiting. Rows for a transaction are
    gathered before it begins (up to `rows`), never while it holds the lock; on SQLite the
    transaction commits after `hold` seconds even if some are left for the next one."""

    def __init__(
        self, import_id: int, *, rows: int, pause: float, hold: float, waiting: int
    ) -> None:
        super().__init__(name="daily-writer", daemon=True)
        self.import_id = import_id
        self.rows = rows
        self.pause = pause
        self.hold = hold
        self.queue: queue.Queue[list[ValueRow] | None] = queue.Queue(maxsize=waiting)
        self.written = 0
        self.error: BaseException | None = None
        self.ended = False  # the caller's last batch (None) was taken

    def run(self) -> None:
        pending: list[list[ValueRow]] = []
        try:
            while True:
                gathered = sum(len(batch) for batch in pending)
                while gathered < self.rows and not self.ended:
                    batch = self.queue.get()
                    if batch is None:
                        self.ended = True
                    else:
                        pending.append(batch)
                        gathered += len(batch)
                if not pending:
                    return
                self._transaction(pending)
                if self.pause and (pending or not self.ended):
                    time.sleep(self.pause)
        except BaseException as error:  # handed to the caller, which raises it
            self.error = error
            while not self.ended and self.queue.get() is not None:  # let the caller finish
                pass
        finally:
            connection.close()

    def _transaction(self, pending: list[list[ValueRow]]) -> None:
        """Writes gathered batches, in order, until none is left or `hold` has passed."""
        written = 0
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.monotonic()
            while pending:
                batch = pending.pop(0)
                _insert(cursor, self.import_id, batch)
                written += len(batch)
                if self.hold and time.monotonic() - started >= self.hold:
                    break
        self.written += written

    def put(self, batch: list[ValueRow] | None) -> None:
        if self.error is not None and batch is not None:
            raise self.error
        self.queue.put(batch)


def stage_values(
    daily_import: DailyImport, rows: Iterable[ValueRow], progress: Progress = _quiet
) -> int:
    """Write the rows tagged with the import, one short transaction per batch; returns how many.
    The rows stay invisible (the import is staging). Outside a transaction the batches are
    written by a thread of their own (see _Writer); inside the caller's, on its connection."""
    sqlite = connection.vendor == "sqlite"
    size = STAGE_ROWS_SQLITE if sqlite else STAGE_ROWS_POSTGRES
    if connection.in_atomic_block:
        written = 0
        for batch in _batches(rows, size):
            _write_batch(daily_import.pk, batch)
            written += len(batch)
            progress("writing", written)
        return written
    if sqlite:
        writer = _Writer(
            daily_import.pk, rows=STAGE_GATHER, pause=STAGE_PAUSE, hold=STAGE_HOLD, waiting=16
        )
    else:
        writer = _Writer(daily_import.pk, rows=size, pause=0.0, hold=0.0, waiting=2)
    writer.start()
    try:
        for batch in _batches(rows, size):
            writer.put(batch)
            progress("writing", writer.written)
    finally:
        if not writer.ended:
            writer.queue.put(None)
        writer.join()
    if writer.error is not None:
        raise writer.error
    progress("writing", writer.written)
    return writer.written


def _overlapping(daily_import: DailyImport, periods: list[str]) -> list[int]:
    """The current imports holding a value of a unit and month this import brings (whose values
    it therefore replaces). Candidates are found by their months (a few rows), then each is
    probed once: the first shared unit-month answers."""
    wanted = set(periods)
    candidates = [
        (pk, sorted(wanted & set(covered)))
        for pk, covered in DailyImport.objects.filter(state=DailyImportState.CURRENT)
        .exclude(pk=daily_import.pk)
        .values_list("pk", "periods")
        if wanted & set(covered)
    ]
    mine = DailyValue.objects.filter(
        daily_import=daily_import, unit=OuterRef("unit"), period=OuterRef("period")
    )
    found = []
    for pk, common in candidates:
        months = [int(text.replace("-", "")) for text in common]
        if (
            DailyValue.objects.filter(daily_import_id=pk, period__in=months)
            .filter(Exists(mine))
            .exists()
        ):
            found.append(pk)
    return sorted(found)


@dataclass(frozen=True)
class Summary:
    rows: int
    periods: list[str]  # "YYYY-MM", sorted
    units: int


def ledger_data(daily_import: DailyImport) -> dict[str, Any]:
    """What the ledger records when an import becomes current (and what `compare` checks)."""
    return {
        "import": daily_import.pk,
        "file": daily_import.file_name,
        "digest": daily_import.digest,
        "rows": daily_import.rows,
        "periods": list(daily_import.periods),
        "units": daily_import.units,
        "generation": daily_import.generation,
        "supersedes": list(daily_import.supersedes),
    }


class ImportMoved(Exception):
    """The import was no longer staging when it was to become current (discarded meanwhile)."""


def make_current(daily_import: DailyImport, summary: Summary) -> DailyImport:
    """The import's one short last transaction: it becomes current (its values visible, replacing
    those of the same units and months) and goes on the ledger. A few statements, whatever the
    file's size."""
    supersedes = _overlapping(daily_import, summary.periods)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Generations are handed out in order: one import becomes current at a time.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(DailyImport._meta.db_table)} "
                    "IN SHARE ROW EXCLUSIVE MODE"
                )
        top = DailyImport.objects.aggregate(top=Max("generation"))["top"] or 0
        now = timezone.now()
        fields = {
            "state": DailyImportState.CURRENT,
            "generation": top + 1,
            "current_at": now,
            "rows": summary.rows,
            "periods": summary.periods,
            "units": summary.units,
            "supersedes": supersedes,
        }
        moved = DailyImport.objects.filter(
            pk=daily_import.pk, state=DailyImportState.STAGING
        ).update(**fields)
        if not moved:
            raise ImportMoved
        for name, value in fields.items():
            setattr(daily_import, name, value)
        append(
            chain=daily_chain(daily_import.pk),
            kind="current",
            data=ledger_data(daily_import),
            actor=daily_import.actor_name,
            at=now,
        )
    return daily_import


def _first_ids(rows: QuerySet[DailyValue]) -> list[int]:
    return list(rows.values_list("pk", flat=True)[:DELETE_ROWS])


def _delete_batches(select_ids: Callable[[], list[int]]) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = select_ids()
            if not ids:
                return deleted
            DailyValue.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            time.sleep(STAGE_PAUSE)


def clean_replaced(daily_import: DailyImport) -> int:
    """Delete the values this import replaced (readers ignore them already) in small batches,
    and mark an import superseded once none of its values is left. Safe to run again."""
    newer = DailyValue.objects.filter(
        daily_import=daily_import, unit=OuterRef("unit"), period=OuterRef("period")
    )
    deleted = 0
    for old in daily_import.supersedes:
        replaced = DailyValue.objects.filter(daily_import_id=old).filter(Exists(newer))
        deleted += _delete_batches(partial(_first_ids, replaced))
        if not DailyValue.objects.filter(daily_import_id=old).exists():
            DailyImport.objects.filter(pk=old, state=DailyImportState.CURRENT).update(
                state=DailyImportState.SUPERSEDED
            )
    return deleted


def discard_import(daily_import: DailyImport) -> None:
    """A failed import: its staged values deleted in batches, its record marked failed."""
    rows = DailyValue.objects.filter(daily_import=daily_import)
    _delete_batches(partial(_first_ids, rows))
    DailyImport.objects.filter(pk=daily_import.pk, state=DailyImportState.STAGING).update(
        state=DailyImportState.FAILED
    )


def import_values(
    *,
    actor: Any,
    file_name: str,
    digest: str,
    rows: Iterable[ValueRow],
    progress: Progress = _quiet,
    job: Any = None,
) -> DailyImport:
    """Rows already checked (the demo's generated months): open, stage, make current, clean —
    the same path as a file's import."""
    daily_import = open_import(actor=actor, file_name=file_name, digest=digest, job=job)
    periods: set[int] = set()
    units: set[int] = set()

    def counted() -> Iterator[ValueRow]:
        for row in rows:
            units.add(row[0])
            periods.add(row[1])
            yield row

    try:
        written = stage_values(daily_import, counted(), progress)
        make_current(
            daily_import,
            Summary(
                rows=written, periods=[period_text(p) for p in sorted(periods)], units=len(units)
            ),
        )
    except BaseException:
        discard_import(daily_import)
        raise
    clean_replaced(daily_import)
    return daily_import


def period_text(period: int) -> str:
    return f"{period // 100:04d}-{period % 100:02d}"
