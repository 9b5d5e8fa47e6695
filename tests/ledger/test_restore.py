"""`leitai restore BACKUP`: after a crash left a -wal behind, a restore brings back the backup's
state (not the later one the -wal holds), verifies the ledger and says what it restored; it
refuses while a server runs or another process has the database open."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from leitai.core import pgdump
from leitai.core.management.commands.backup import backup_sqlite
from tests.arena_factories import make_arena_world
from tests.support.server import ROOT, ServerProcess, database_url

LEITAI = Path(sys.executable).with_name("leitai")

# A process that writes in WAL mode, never checkpoints, and is then killed: its committed
# transactions stay in the -wal only, as after a power cut or a SIGKILL of the server.
WRITER = """
import os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.settings")
django.setup()
from django.db import connection
connection.ensure_connection()
connection.cursor().execute("PRAGMA wal_autocheckpoint=0")
import itertools
from tests import arena_factories, factories
factories._codes = itertools.count(10_000)  # the database holds this test's first units
arena_factories._keys = itertools.count(10_000)
arena_factories.make_arena_world(participants=2, judges=3)
print("written", flush=True)
time.sleep(120)
"""


def leitai(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LEITAI), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def state(path: Path) -> tuple[int, int, int]:
    """(arenas, ledger entries, the last entry's id), read from a closed copy of the files."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (
            db.execute("SELECT COUNT(*) FROM arenas_arena").fetchone()[0],
            db.execute("SELECT COUNT(*) FROM ledger_ledgerentry").fetchone()[0],
            db.execute("SELECT MAX(id) FROM ledger_ledgerentry").fetchone()[0],
        )
    finally:
        db.close()


def state_with_wal(database: Path, scratch: Path) -> tuple[int, int, int]:
    """The state the files on disk hold, -wal included, read from copies (opening the files
    themselves would checkpoint the -wal into the database)."""
    scratch.mkdir()
    for suffix in ("", "-wal"):
        source = database.with_name(database.name + suffix)
        (scratch / f"db{suffix}").write_bytes(source.read_bytes())
    return state(scratch / "db")


@pytest.fixture
def live_database(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A migrated SQLite database with one arena in a var/ of its own, and the environment of a
    `leitai` command pointed at it."""
    make_arena_world(participants=2, judges=3)
    var = tmp_path / "var"
    var.mkdir()
    copy = backup_sqlite(Path(connection.settings_dict["NAME"]), tmp_path, stamp="base")
    live = var / "leitai.sqlite3"
    os.replace(copy, live)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env = {
        **clean,
        "LEITAI_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{live}",
        "DJANGO_SETTINGS_MODULE": "leitai.settings",
    }
    return live, env


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_restore_after_a_crash_brings_back_the_backup_not_the_wal(
    tmp_path: Path, live_database: tuple[Path, dict[str, str]]
) -> None:
    live, env = live_database
    taken = leitai(env, "backup", "--out", str(tmp_path / "backups"))
    assert taken.returncode == 0, taken.stderr
    backup = Path(taken.stdout.splitlines()[0])
    at_backup = state(backup)

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "written"
        refused = leitai(env, "restore", str(backup))  # the writer has the database open
        assert refused.returncode == 2
        assert "nothing restored: another process has" in refused.stderr
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    wal = live.with_name(live.name + "-wal")
    assert wal.stat().st_size > 0
    later = state_with_wal(live, tmp_path / "crashed")
    assert later[0] == at_backup[0] + 1  # the -wal holds the arena added after the backup

    restored = leitai(env, "restore", str(backup))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert state(live) == at_backup
    out = restored.stdout
    assert f"arenas in the restored database: {at_backup[0]}" in out
    assert "ledger verify: all" in out
    last = (
        sqlite3.connect(backup)
        .execute("SELECT chain, seq, kind FROM ledger_ledgerentry ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    assert f"last ledger entry: {last[0]} #{last[1]} {last[2]} at " in out
    # What it replaced is kept, -wal included: a wrong restore can be undone.
    replaced = next((live.parent / "backups").glob("replaced-*"))
    assert state_with_wal(replaced / "leitai.sqlite3", tmp_path / "kept") == later
    verified = leitai(env, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout


def _text(path: Path, live: Path) -> Path:
    path.write_text("not a database\n")
    return path


def _empty(path: Path, live: Path) -> Path:
    path.write_bytes(b"")
    return path


def _truncated(path: Path, live: Path) -> Path:
    whole = backup_sqlite(live, path.parent / "whole", stamp="whole")
    path.write_bytes(whole.read_bytes()[:8192])
    return path


def _not_leitai(path: Path, live: Path) -> Path:
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    return path


def _postgresql_dump(path: Path, live: Path) -> Path:
    # pg_dump's custom format begins so; the file is refused on its first bytes.
    path.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + bytes(500))
    return path


BAD_BACKUPS: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "missing": (lambda path, live: path, "no backup file at"),
    "a directory": (lambda path, live: path.parent, "no backup file at"),
    "text": (_text, "is not a Leitai SQLite backup: file is not a database"),
    "empty": (_empty, "is not a Leitai SQLite backup"),
    "truncated": (_truncated, "is not a Leitai SQLite backup: database disk image is malformed"),
    "another database": (_not_leitai, "is not a Leitai SQLite backup: no such table"),
    "a PostgreSQL dump": (_postgresql_dump, "is a PostgreSQL dump (pg_dump custom format), but"),
}


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bad", BAD_BACKUPS, ids=list(BAD_BACKUPS))
def test_restore_refuses_what_is_not_a_backup_of_this_database(
    bad: str, tmp_path: Path, live_database: tuple[Path, dict[str, str]]
) -> None:
    live, env = live_database
    make, message = BAD_BACKUPS[bad]
    (tmp_path / "bad").mkdir()
    backup = make(tmp_path / "bad" / "leitai-bad.sqlite3", live)
    before = state(live)

    refused = leitai(env, "restore", str(backup))

    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr  # one line, never a traceback
    assert message in lines[0]
    assert str(backup) in lines[0]
    assert state(live) == before
    assert not (live.parent / "backups").exists()  # nothing was set aside


@pytest.mark.sqlite_only
@pytest.mark.server
def test_restore_refuses_while_a_server_runs(
    tmp_path: Path, server_factory: Callable[..., ServerProcess]
) -> None:
    make_arena_world(participants=2, judges=3)
    # A copy of the test database itself: were the refusal broken, restoring it changes nothing.
    backup = backup_sqlite(Path(connection.settings_dict["NAME"]), tmp_path, stamp="same")
    # A var/ of this test's own: other tests' servers (xdist's other worker) hold the shared one.
    var = tmp_path / "var"
    server = server_factory(env={"LEITAI_VAR_DIR": str(var)})
    refused = leitai(server.env, "restore", str(backup))
    assert refused.returncode == 2
    assert "nothing restored: a Leitai server is running" in refused.stderr
    server.stop()
    # A stopped server holds nothing: its lock is free again.
    fd = os.open(var / "serve.lock", os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_on_postgresql(tmp_path: Path) -> None:
    """pg_dump and pg_restore wrapped, into a database of this test's own."""
    import psycopg

    make_arena_world(participants=2, judges=3)
    settings = connection.settings_dict
    env = {
        **os.environ,
        "LEITAI_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "leitai.settings",
        "DATABASE_URL": database_url(settings),
        "DATABASE_POOL_SIZE": "0",
    }
    taken = leitai(env, "backup", "--out", str(tmp_path))
    assert taken.returncode == 0, taken.stderr
    dump = Path(taken.stdout.splitlines()[0])
    assert dump.suffix == ".dump"
    assert "ledger chain heads in the copy:" in taken.stdout

    own = f"leitai_restore_{uuid.uuid4().hex[:12]}"
    admin = {
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{own}"')
    try:
        env_own = {**env, "DATABASE_URL": database_url({**settings, "NAME": own})}
        # What is not a dump of a Leitai database is refused, the database left as it was: a
        # dump of another (here: the empty) database would otherwise "restore" nothing, ok.
        other = tmp_path / "other.dump"
        pgdump.dump({**settings, "NAME": own}, other)
        truncated = tmp_path / "truncated.dump"
        truncated.write_bytes(dump.read_bytes()[:3000])
        sqlite_backup = tmp_path / "leitai.sqlite3"
        sqlite_backup.write_bytes(b"SQLite format 3\x00" + bytes(4080))
        for bad, message in (
            (other, "is not a Leitai backup: it holds no ledger_chainhead table"),
            (truncated, "pg_restore failed"),
            (sqlite_backup, "is an SQLite backup, but this installation's database"),
        ):
            refused = leitai(env_own, "restore", str(bad))
            assert refused.returncode == 2, refused.stdout + refused.stderr
            assert message in refused.stderr
            assert "Traceback" not in refused.stderr
        with psycopg.connect(dbname=own, **admin) as db:
            assert db.execute(
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone() == (0,)
        restored = leitai(env_own, "restore", str(dump))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "arenas in the restored database: 1" in restored.stdout
        assert "ledger verify: all" in restored.stdout
        # A later, unverifiable state is replaced by the dump's again.
        with psycopg.connect(dbname=own, **admin) as db:
            db.execute(
                "INSERT INTO ledger_ledgerentry (chain, seq, kind, body, prev_hash, hash) "
                "VALUES ('global', 999, 'x', '{}', '', '')"
            )
        with psycopg.connect(dbname=own, **admin) as holder:
            refused = leitai(env_own, "restore", str(dump))
            assert refused.returncode == 2
            assert "other connection(s)" in refused.stderr
            holder.rollback()
        again = leitai(env_own, "restore", str(dump))
        assert again.returncode == 0, again.stdout + again.stderr
        with psycopg.connect(dbname=own, **admin) as db:
            assert db.execute(
                "SELECT COUNT(*) FROM ledger_ledgerentry WHERE seq = 999"
            ).fetchone() == (0,)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
