"""The import's floor, in a child process of its own: prepared rows loaded in one transaction.

    python -m bench._orgs_floor SOURCE_URL TARGET_URL

Reads every unit row from SOURCE (a database our import produced) into memory first, untimed:
the floor excludes preparing rows. Then, timed, loads them into TARGET (freshly migrated, the
same table, indexes and constraints) the way a hand-written loader would: on SQLite
`executemany` inside `BEGIN IMMEDIATE` … `COMMIT` on a connection with Leitai's pragmas, then
`close()` (which checkpoints the WAL, as the CLI's exit does); on PostgreSQL `COPY … FROM STDIN`
through psycopg 3 in one transaction. Prints one JSON line: rows, load_seconds, load_cpu_seconds.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from bench._orgs_common import UNIT_COLUMNS

# As leitai/settings.py sets them on every SQLite connection.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA cache_size=-65536",
)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sqlite_path(url: str) -> str:
    return urlsplit(url).path[1:]


def read_sqlite(url: str) -> list[tuple[Any, ...]]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(_sqlite_path(url))) as conn:
        return conn.execute(f"SELECT {UNIT_COLUMNS} FROM orgs_unit ORDER BY id").fetchall()


def load_sqlite(url: str, rows: list[tuple[Any, ...]]) -> None:
    import sqlite3

    # isolation_level=None: the module opens no transaction of its own; ours is BEGIN IMMEDIATE.
    conn = sqlite3.connect(_sqlite_path(url), isolation_level=None, timeout=20)
    for pragma in SQLITE_PRAGMAS:
        conn.execute(pragma)
    marks = ", ".join(["?"] * len(UNIT_COLUMNS.split(",")))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO orgs_unit ({UNIT_COLUMNS}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    conn.close()


def read_postgres(url: str) -> list[tuple[Any, ...]]:
    import psycopg

    # counts as text: the loader writes JSON text, as our import does.
    columns = UNIT_COLUMNS.replace("counts", "counts::text")
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT {columns} FROM orgs_unit ORDER BY id").fetchall()


def load_postgres(url: str, rows: list[tuple[Any, ...]]) -> None:
    import psycopg

    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cursor,
        cursor.copy(f"COPY orgs_unit ({UNIT_COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    # Leaving the connection's block commits.


def main(argv: list[str] | None = None) -> int:
    source, target = argv if argv is not None else sys.argv[1:]
    is_sqlite = source.startswith("sqlite:")
    rows = read_sqlite(source) if is_sqlite else read_postgres(source)
    cpu_before = _cpu()
    started = time.perf_counter()
    if is_sqlite:
        load_sqlite(target, rows)
    else:
        load_postgres(target, rows)
    elapsed = time.perf_counter() - started
    result = {"rows": len(rows), "load_seconds": elapsed, "load_cpu_seconds": _cpu() - cpu_before}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
