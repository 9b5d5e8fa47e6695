"""SQLite transactions wait for another connection's write lock in short steps of their own
(leitai.core.sqlite3): they get it once it is freed, and give up as busy after the timeout."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction

from leitai.core.busy import is_busy
from leitai.orgs.models import Unit

# SQLite's write lock has nothing to test on PostgreSQL: left out there (conftest), not skipped.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.sqlite_only]


@contextmanager
def lock_held_by_another(release_after: float | None) -> Iterator[None]:
    """Another connection holds the write lock; released after `release_after` s, or at exit."""
    other = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(release_after or 0, other.commit)
    if release_after is not None:
        timer.start()
    try:
        yield
    finally:
        timer.join() if release_after is not None else other.commit()
        other.close()


def busy_timeout() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return int(cursor.fetchone()[0])


def test_a_transaction_gets_the_lock_once_another_connection_frees_it() -> None:
    connection.ensure_connection()
    with lock_held_by_another(release_after=0.3), transaction.atomic():
        Unit.objects.update(name="waited")
    assert busy_timeout() == 20_000  # SQLite's own wait is back for writes outside a transaction


def test_a_transaction_gives_up_as_busy_after_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    with lock_held_by_another(release_after=None):
        with (
            pytest.raises(OperationalError, match="database is locked") as raised,
            transaction.atomic(),
        ):
            Unit.objects.update(name="never")
        assert is_busy(raised.value)
    assert busy_timeout() == 200
