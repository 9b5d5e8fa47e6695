"""Appending to and recomputing hash chains; pure functions where possible."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from leitai.ledger.hashing import GENESIS, entry_hash
from leitai.ledger.models import ChainHead, LedgerEntry


def arena_chain(arena_id: int) -> str:
    return f"arena:{arena_id}"


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept; floats are refused (use strings)."""

    def refuse_floats(obj: Any) -> Any:
        raise TypeError(f"ledger payloads hold no {type(obj).__name__}: use a decimal string")

    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=refuse_floats,
        allow_nan=False,
    )


def _check_no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("ledger payloads hold no float: use a decimal string")
    if isinstance(value, dict):
        for item in value.values():
            _check_no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_no_floats(item)


def append(
    *, chain: str, kind: str, data: dict[str, Any], actor: str, at: datetime | None = None
) -> LedgerEntry:
    """Append one entry in the caller's transaction; the chain's head row is locked until commit.

    On SQLite the IMMEDIATE transaction already serialises writers; on PostgreSQL
    select_for_update on the head row makes concurrent appends to one chain queue, while appends
    to other chains go on.
    """
    _check_no_floats(data)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.append must run inside the transaction that makes the change")
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                head = ChainHead.objects.create(chain=chain)
        except IntegrityError:  # another writer created it first
            head = ChainHead.objects.select_for_update().get(chain=chain)
    moment = (at or timezone.now()).astimezone(UTC)
    body = canonical(
        {"at": moment.isoformat(timespec="microseconds"), "actor": actor, "data": data}
    )
    seq = head.seq + 1
    digest = entry_hash(head.hash, chain, seq, kind, body)
    entry = LedgerEntry.objects.create(
        chain=chain, seq=seq, kind=kind, body=body, prev_hash=head.hash, hash=digest
    )
    updated = ChainHead.objects.filter(pk=head.pk, seq=head.seq).update(seq=seq, hash=digest)
    if not updated:  # pragma: no cover - the row lock makes this impossible
        raise RuntimeError(f"ledger chain {chain} moved during an append")
    return entry


def head_of(chain: str) -> tuple[int, str]:
    head = ChainHead.objects.filter(chain=chain).values_list("seq", "hash").first()
    return (int(head[0]), str(head[1])) if head else (0, GENESIS)


def entries_of(chain: str) -> list[dict[str, Any]]:
    return list(
        LedgerEntry.objects.filter(chain=chain)
        .order_by("seq")
        .values("chain", "seq", "kind", "body", "prev_hash", "hash")
    )
