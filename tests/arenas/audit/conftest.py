"""Fixtures for the tests of the arena's audit (and the ledger admin's, tests/ledger).

`full_day` is played once per module (it takes a couple of seconds through the real services)
inside an outer transaction; each test runs in a savepoint within it, as pytest-django's `db`
nests, so whatever a test tampers with is rolled back before the next one. Modules using it hold
no transactional tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.arena_factories import ArenaWorld
from tests.arenas.audit.helpers import play_full_day


@pytest.fixture(scope="module")
def full_day(django_db_setup: None, django_db_blocker: Any) -> Iterator[ArenaWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = play_full_day()
        yield world
        transaction.set_rollback(True)
