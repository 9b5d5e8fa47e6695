"""The offline replay carries its own copy of the chain's hash (leitai.ledger.chain needs
Django to import); the two must agree to the bit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leitai.ledger import chain, models, replay
from leitai.ledger.verify import ARENA_PREFIX


@given(
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    name=st.text(min_size=1, max_size=20),
    seq=st.integers(min_value=1, max_value=10**12),
    kind=st.text(min_size=1, max_size=20),
    body=st.text(max_size=200),
)
def test_replay_hashes_as_the_chain_does(
    prev: str, name: str, seq: int, kind: str, body: str
) -> None:
    assert replay.entry_hash(prev, name, seq, kind, body) == chain.entry_hash(
        prev, name, seq, kind, body
    )


def test_replay_shares_the_chain_constants() -> None:
    assert replay.GENESIS == models.GENESIS
    assert replay.GLOBAL_CHAIN == chain.GLOBAL_CHAIN
    assert chain.arena_chain(12) == f"{ARENA_PREFIX}12"
