"""Who holds the database: a running `leitai serve`, or any process with an SQLite file open.

`leitai restore` must not replace a database under a running server (its next write would land
on top of the restored state, or in a WAL file that no longer matches it). Two locks tell:

- every `leitai serve` holds a shared lock on var/serve.lock for as long as it runs (an idle
  server has no database connection open, so the database alone cannot tell); a restore takes
  it exclusively, so a server cannot start during a restore either;
- every SQLite connection in WAL mode holds a shared lock on one byte of the -shm file (SQLite's
  "dead man switch", byte 128); when a write lock on that byte can be taken, no other process has
  the database open.

The kernel releases both when a process dies, SIGKILL included, so a crash never leaves a stale
lock behind (unlike a pid file).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

SHM_DEAD_MAN_SWITCH = 128  # UNIX_SHM_DMS in SQLite's os_unix.c: (22 + 8) * 4 + 8


class DatabaseInUse(Exception):
    """Another process holds the database; the message says which and what to do."""


def _lock_path() -> Path:
    return Path(settings.VAR_DIR) / "serve.lock"


def hold_for_server() -> int:
    """Take the server's shared lock for the life of this process; returns the descriptor to
    keep open. Refuses while a restore holds it."""
    fd = os.open(_lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise DatabaseInUse(
            "a restore is replacing the database (it holds var/serve.lock); start the server "
            "when it has finished"
        ) from None
    return fd


@contextlib.contextmanager
def no_server() -> Iterator[None]:
    """Hold the server lock exclusively: no `leitai serve` runs, and none starts meanwhile."""
    fd = os.open(_lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DatabaseInUse(
                "a Leitai server is running (it holds var/serve.lock); stop every `leitai serve` "
                "first"
            ) from None
        yield
    finally:
        os.close(fd)


def sqlite_open_elsewhere(database: Path) -> bool:
    """Whether another process has the SQLite database open (in WAL mode, as Leitai uses it).

    The caller must have no connection to it itself: POSIX locks belong to the process, and
    closing this descriptor releases every lock the process holds on the -shm file.
    """
    shm = database.with_name(f"{database.name}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False  # no connection has opened the WAL index since the last clean close
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DEAD_MAN_SWITCH)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DEAD_MAN_SWITCH)
        return False
    finally:
        os.close(fd)
