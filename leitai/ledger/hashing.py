"""How a ledger entry is hashed, without Django: the chain writes with it (leitai.ledger.chain)
and the offline verifier checks with it (leitai.ledger.checks, `leitai ledger verify FILE`)."""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64  # the previous hash of every chain's first entry
GLOBAL_CHAIN = "global"  # anchors each arena's chain when it opens and when it closes
ANCHOR_KINDS = ("arena_live", "arena_closed")


def entry_hash(prev_hash: str, chain: str, seq: int, kind: str, body: str) -> str:
    digest = hashlib.sha256()
    for part in (prev_hash, chain, str(seq), kind, body):
        digest.update(part.encode())
        digest.update(b"\n")
    return digest.hexdigest()
