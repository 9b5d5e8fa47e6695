"""The daily-data import's floor, in a child process of its own: the same pre-parsed rows loaded
into the same table and indexes in one transaction.

    python -m bench._daily_floor SOURCE_URL TARGET_URL

Reads every value row our import wrote in SOURCE into compact arrays first, untimed (the floor
excludes reading and checking the file). Then, timed, loads them into TARGET (the same units,
the same freshly migrated `evidence_dailyvalue` with its unique index) the way a hand-written
loader would: on SQLite `executemany` inside `BEGIN IMMEDIATE` … `COMMIT` with Leitai's pragmas;
on PostgreSQL `COPY … FROM STDIN` in one transaction. The rows are fed from the arrays (32.4 M
tuples would not fit in memory as Python objects). Prints one JSON line: rows, load_seconds,
load_cpu_seconds.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from array import array
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from bench._orgs_floor import SQLITE_PRAGMAS, _cpu

COLUMNS = "daily_import_id, unit_id, period, metric, value"
TABLE = "evidence_dailyvalue"


class Rows:
    """The rows as arrays: unit, period, metric number, value as text (few distinct values)."""

    def __init__(self) -> None:
        self.unit = array("q")
        self.period = array("i")
        self.metric = array("b")
        self.value = array("i")
        self.metrics: list[str] = []
        self.values: list[str] = []
        self._metric_of: dict[str, int] = {}
        self._value_of: dict[str, int] = {}

    def add(self, unit: int, period: int, metric: str, value: Any) -> None:
        text = format(value, "f") if not isinstance(value, str | int) else str(value)
        if metric not in self._metric_of:
            self._metric_of[metric] = len(self.metrics)
            self.metrics.append(metric)
        if text not in self._value_of:
            self._value_of[text] = len(self.values)
            self.values.append(text)
        self.unit.append(unit)
        self.period.append(period)
        self.metric.append(self._metric_of[metric])
        self.value.append(self._value_of[text])

    def __len__(self) -> int:
        return len(self.unit)

    def tuples(self, import_id: int) -> Iterator[tuple[Any, ...]]:
        metrics, values = self.metrics, self.values
        for unit, period, metric, value in zip(
            self.unit, self.period, self.metric, self.value, strict=True
        ):
            yield (import_id, unit, period, metrics[metric], values[value])


def _path(url: str) -> str:
    return urlsplit(url).path[1:]


SELECT = f"SELECT unit_id, period, metric, CAST(value AS TEXT) FROM {TABLE}"
IMPORT_ROW = (
    "INSERT INTO evidence_dailyimport (state, actor_name, owner, file_name, digest, rows, "
    "periods, units, created_at, supersedes) VALUES ('staging', 'floor', '', 'floor.csv', '', 0, "
    "'[]', 0, CURRENT_TIMESTAMP, '[]')"
)


def read(url: str) -> Rows:
    rows = Rows()
    if url.startswith("sqlite:"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(_path(url))) as conn:
            for row in conn.execute(SELECT):
                rows.add(*row)
        return rows
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor(name="floor") as cursor:
        cursor.itersize = 100_000
        cursor.execute(SELECT)
        for row in cursor:
            rows.add(*row)
    return rows


def load_sqlite(url: str, rows: Rows) -> None:
    import sqlite3

    conn = sqlite3.connect(_path(url), isolation_level=None, timeout=20)
    for pragma in SQLITE_PRAGMAS:
        conn.execute(pragma)
    import_id = conn.execute(IMPORT_ROW + " RETURNING id").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows.tuples(import_id)
    )
    conn.execute("COMMIT")
    conn.close()


def load_postgres(url: str, rows: Rows) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        import_id = conn.execute(IMPORT_ROW + " RETURNING id").fetchone()[0]  # type: ignore[index]
    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cursor,
        cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows.tuples(import_id):
            copy.write_row(row)


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    rows = read(source)
    started, cpu = time.perf_counter(), _cpu()
    if target.startswith("sqlite:"):
        load_sqlite(target, rows)
    else:
        load_postgres(target, rows)
    print(
        json.dumps(
            {
                "rows": len(rows),
                "load_seconds": time.perf_counter() - started,
                "load_cpu_seconds": _cpu() - cpu,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
