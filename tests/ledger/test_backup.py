"""`leitai backup`: a consistent copy of a live SQLite database (online backup API)."""

from __future__ import annotations

import io
import sqlite3
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from leitai.core.management.commands.backup import backup_sqlite, chain_heads
from leitai.ledger.chain import head_of
from leitai.ledger.hashing import GLOBAL_CHAIN
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import make_arena_world

ACCOUNTS = 50
BALANCE = 1000


def _bank(path: Path) -> None:
    """A WAL database whose invariant (the balances add up to ACCOUNTS × BALANCE) holds at
    every commit and is broken inside every transaction, plus enough padding to make the
    copy take a while."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
    db.execute("CREATE TABLE padding (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
    db.executemany("INSERT INTO account VALUES (?, ?)", [(i, BALANCE) for i in range(ACCOUNTS)])
    db.executemany("INSERT INTO padding (blob) VALUES (?)", [(bytes(4096),) for _ in range(5000)])
    db.commit()
    db.close()


def _check_copy(path: Path) -> tuple[int, int]:
    copy = sqlite3.connect(path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        total = copy.execute("SELECT SUM(balance) FROM account").fetchone()[0]
        transfers = copy.execute("SELECT COUNT(*) FROM padding").fetchone()[0]
    finally:
        copy.close()
    return total, transfers


def test_a_copy_taken_under_concurrent_writes_is_a_consistent_snapshot(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    _bank(source)
    stop = threading.Event()
    committed = [0]

    def transfer() -> None:
        # Each transaction moves money between two accounts in two statements and appends a
        # row: a copy taken mid-transaction would show the sum off or a row too many.
        db = sqlite3.connect(source, timeout=30, isolation_level=None)
        n = 0
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE account SET balance = balance - 7 WHERE id = ?", (n % ACCOUNTS,))
            db.execute("INSERT INTO padding (blob) VALUES (zeroblob(64))")
            db.execute(
                "UPDATE account SET balance = balance + 7 WHERE id = ?", ((n + 1) % ACCOUNTS,)
            )
            db.execute("COMMIT")
            n += 1
            committed[0] = n
        db.close()

    writer = threading.Thread(target=transfer)
    writer.start()
    try:
        copies = [backup_sqlite(source, tmp_path / "out", stamp=f"run{i}") for i in range(5)]
    finally:
        stop.set()
        writer.join()
    assert committed[0] > 0
    for copy in copies:
        total, rows = _check_copy(copy)
        assert total == ACCOUNTS * BALANCE
        assert 5000 <= rows <= 5000 + committed[0]


def test_an_open_write_transaction_is_not_in_the_copy(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    _bank(source)
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE account SET balance = 0 WHERE id = 1")
    try:
        copy = backup_sqlite(source, tmp_path / "out", stamp="open")
    finally:
        writer.execute("COMMIT")
        writer.close()
    total, _rows = _check_copy(copy)
    assert total == ACCOUNTS * BALANCE  # the uncommitted change is not in the snapshot
    assert copy.name == "leitai-open.sqlite3"
    assert copy.stat().st_mode & 0o777 == 0o600
    again = backup_sqlite(source, tmp_path / "out", stamp="open")
    assert again.name == "leitai-open-2.sqlite3"


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_command_copies_the_live_database_and_prints_the_chain_heads(
    tmp_path: Path,
) -> None:
    world = make_arena_world(participants=2, judges=3)
    chain = f"arena:{world.arena.pk}"
    entries = LedgerEntry.objects.count()
    # Another connection is mid-transaction, appending to the ledger, while the copy is taken.
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=30)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO ledger_ledgerentry (chain, seq, kind, body, prev_hash, hash) "
        "VALUES ('scratch', 1, 'x', '{}', '', '')"
    )
    out = io.StringIO()
    try:
        call_command("backup", "--out", str(tmp_path), stdout=out)
    finally:
        other.execute("ROLLBACK")
        other.close()
    lines = out.getvalue().splitlines()
    copy = Path(lines[0])
    assert copy.parent == tmp_path.resolve()
    assert copy.name.startswith("leitai-")
    assert "integrity_check ok" in lines[1]
    seq, digest = head_of(chain)
    assert any(line.split() == [chain, f"#{seq}", digest] for line in lines)
    global_seq, global_hash = head_of(GLOBAL_CHAIN)
    assert any(line.split() == [GLOBAL_CHAIN, f"#{global_seq}", global_hash] for line in lines)
    snapshot = sqlite3.connect(copy)
    try:
        assert snapshot.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert snapshot.execute("SELECT COUNT(*) FROM ledger_ledgerentry").fetchone()[0] == entries
    finally:
        snapshot.close()
    assert chain_heads(copy)[0] == (GLOBAL_CHAIN, global_seq, global_hash)
