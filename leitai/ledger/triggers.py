"""Database triggers that make ledger entries append-only, on SQLite and PostgreSQL.

Kept out of Django's reach on purpose: even a superuser's admin action or a stray ORM delete hits
the trigger. (PostgreSQL's TRUNCATE, which only a database owner issues, does not fire row
triggers; that is how the test suite resets its database.)
"""

from __future__ import annotations

from typing import Any

TABLE = "ledger_ledgerentry"
MESSAGE = "ledger entries are append-only"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS ledger_entry_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS ledger_entry_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete",
]
POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION ledger_entry_refuse() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql",
    f"CREATE OR REPLACE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse()",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_entry_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS ledger_entry_refuse()",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    _run(connection, POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL)


def remove(connection: Any) -> None:
    _run(connection, POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE)
