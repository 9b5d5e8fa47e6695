"""The append-only triggers refuse UPDATE and DELETE on ledger entries, whatever the path: the
ORM, a queryset, raw SQL; on SQLite and PostgreSQL alike (this module runs on both legs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from leitai.ledger.models import LedgerEntry
from tests.arena_factories import make_arena_world

pytestmark = pytest.mark.django_db


def _save(entry: LedgerEntry) -> None:
    entry.kind = "forged"
    entry.save()


def _update(entry: LedgerEntry) -> None:
    LedgerEntry.objects.filter(pk=entry.pk).update(body="{}")


def _delete(entry: LedgerEntry) -> None:
    entry.delete()


def _delete_all(entry: LedgerEntry) -> None:
    LedgerEntry.objects.all().delete()


def _raw_update(entry: LedgerEntry) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgerentry SET hash = %s WHERE id = %s", ["0" * 64, entry.pk]
        )


def _raw_delete(entry: LedgerEntry) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])


@pytest.mark.parametrize(
    "attempt", [_save, _update, _delete, _delete_all, _raw_update, _raw_delete]
)
def test_ledger_entries_refuse_update_and_delete(
    attempt: Callable[[LedgerEntry], None],
) -> None:
    make_arena_world(participants=2, judges=3)
    entry = LedgerEntry.objects.order_by("id").first()
    before = list(LedgerEntry.objects.order_by("id").values_list("id", "kind", "body", "hash"))
    # A savepoint, so the test's transaction survives the refusal on PostgreSQL.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        attempt(entry)
    after = list(LedgerEntry.objects.order_by("id").values_list("id", "kind", "body", "hash"))
    assert after == before
