"""`leitai backup` and `leitai restore` on PostgreSQL: pg_dump and pg_restore, wrapped.

The connection comes from DATABASE_URL through the PG* environment variables, so a password never
appears on a command line (where `ps` would show it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any


class PgToolError(Exception):
    pass


# libpq's connection parameter, its environment variable, and Django's setting for each.
_PARAMETERS = (
    ("dbname", "PGDATABASE", "NAME"),
    ("host", "PGHOST", "HOST"),
    ("port", "PGPORT", "PORT"),
    ("user", "PGUSER", "USER"),
    ("password", "PGPASSWORD", "PASSWORD"),
)


def pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment of pg_dump and pg_restore: the database's connection in PG* variables."""
    env = dict(os.environ)
    for _parameter, variable, key in _PARAMETERS:
        if database.get(key):
            env[variable] = str(database[key])
    return env


def other_sessions(database: dict[str, Any]) -> list[str]:
    """Other sessions on the database, asked over a connection of our own (Django's pool would
    open several, and count itself)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    parameters = {p: str(database[key]) for p, _v, key in _PARAMETERS if database.get(key)}
    with psycopg.connect(make_conninfo(**parameters)) as connection:
        rows = connection.execute(
            "SELECT pid, COALESCE(application_name, ''), COALESCE(client_addr::text, 'local') "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [f"pid {pid} {name or '-'} from {address}" for pid, name, address in rows]


def _run(tool: str, arguments: list[str], database: dict[str, Any]) -> str:
    if shutil.which(tool) is None:
        raise PgToolError(f"{tool} is not installed (apt-get install postgresql-client)")
    result = subprocess.run(
        [tool, *arguments],
        env=pg_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PgToolError(f"{tool} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def dump(database: dict[str, Any], target: Path) -> None:
    """pg_dump's custom format (compressed, restorable table by table), written under a
    temporary name and renamed when complete."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _run("pg_dump", ["--format=custom", f"--file={partial}"], database)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# The table of contents' line for the ledger's chain heads, e.g.
# "215; 1259 16424 TABLE public ledger_chainhead postgres": every Leitai database has one.
LEDGER_IN_LISTING = re.compile(r"^\d+; \d+ \d+ TABLE \S+ ledger_chainhead\b", re.MULTILINE)


def check_dump(path: Path, database: dict[str, Any]) -> None:
    """Raises PgToolError unless `path` is a pg_dump archive of a Leitai database that
    pg_restore can read (a dump of another database would restore nothing, "successfully")."""
    listing = _run("pg_restore", ["--list", str(path)], database)
    if LEDGER_IN_LISTING.search(listing) is None:
        raise PgToolError(f"{path} is not a Leitai backup: it holds no ledger_chainhead table")


def dump_chain_heads(path: Path, database: dict[str, Any]) -> list[tuple[str, int, str]]:
    """The ledger's chain heads as the dump holds them (its COPY data for ledger_chainhead)."""
    text = _run(
        "pg_restore",
        ["--data-only", "--table=ledger_chainhead", "--file=-", str(path)],
        database,
    )
    heads = []
    copying = False
    columns: list[str] = []
    for line in text.splitlines():
        if line.startswith("COPY ") and "ledger_chainhead" in line:
            columns = [
                c.strip().strip('"') for c in line.split("(", 1)[1].split(")", 1)[0].split(",")
            ]
            copying = True
            continue
        if copying:
            if line == "\\.":
                break
            row = dict(zip(columns, line.split("\t"), strict=True))
            heads.append((row["chain"], int(row["seq"]), row["hash"]))
    return heads


def restore(path: Path, database: dict[str, Any]) -> None:
    """Replace the database's tables with the dump's, all or nothing (one transaction)."""
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database['NAME']}",
            str(path),
        ],
        database,
    )
