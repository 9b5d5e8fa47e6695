"""The entry hash that the chain writes with and the offline verifier checks with (one function,
leitai.ledger.hashing, importable without Django)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from leitai.arenas.audit import ARENA_PREFIX
from leitai.ledger import chain
from leitai.ledger.hashing import GENESIS, entry_hash


def test_the_hash_is_sha256_over_the_fields_a_line_each() -> None:
    body = '{"actor":"user:host","at":"2026-07-11T01:00:00+00:00","data":{"mark":"7.5"}}'
    by_hand = hashlib.sha256(f"{GENESIS}\narena:12\n1\nsheet\n{body}\n".encode()).hexdigest()
    assert entry_hash(GENESIS, "arena:12", 1, "sheet", body) == by_hand


def test_the_offline_verifier_hashes_without_django() -> None:
    probe = (
        "import sys, leitai.ledger.hashing, leitai.arenas.audit.replay; "
        "print('django.db' in sys.modules, 'django.conf' in sys.modules and "
        "sys.modules['django.conf'].settings.configured)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_arena_chains_are_named_as_the_verifier_expects() -> None:
    assert chain.arena_chain(12) == f"{ARENA_PREFIX}12"
