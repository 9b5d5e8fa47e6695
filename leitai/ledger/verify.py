"""`leitai ledger verify` against the database: every chain linked and hashed, every chain head
row against its chain's last entry, and each chain of a registered kind (leitai.ledger.registry)
replayed from its entries alone, its anchors checked, and the kind's rows in the database held
against what the replay found.

The entries and the head rows are read in two queries, each kind's rows once, and everything is
compared in memory, so a city's day of thousands of sheets takes seconds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from leitai.ledger import registry
from leitai.ledger.checks import anchors_for, check_anchors, check_chain, check_head, last_of
from leitai.ledger.hashing import ANCHOR_KINDS, GLOBAL_CHAIN
from leitai.ledger.models import ChainHead, LedgerEntry
from leitai.ledger.reports import ChainReport


def _load_entries() -> dict[str, list[dict[str, Any]]]:
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        LedgerEntry.objects.order_by("chain", "seq")
        .values_list("chain", "seq", "kind", "body", "prev_hash", "hash")
        .iterator(chunk_size=5000)
    )
    for chain, seq, kind, body, prev_hash, digest in rows:
        chains[chain].append(
            {
                "chain": chain,
                "seq": seq,
                "kind": kind,
                "body": body,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
    return chains


def _order(chain: str) -> tuple[bool, int, int, str]:
    """Chains of a registered kind first, by kind then number; any other after, by name."""
    kinds = [kind.prefix for kind in registry.kinds()]
    kind = registry.kind_of(chain)
    if kind is None:
        return (True, 0, 0, chain)
    return (False, kinds.index(kind.prefix), kind.number(chain) or 0, chain)


def verify_database() -> list[ChainReport]:
    chains = _load_entries()
    heads = {
        chain: (seq, digest)
        for chain, seq, digest in ChainHead.objects.values_list("chain", "seq", "hash")
    }
    kinds = registry.kinds()
    records = {kind.prefix: kind.compare() for kind in kinds}

    global_entries = chains.get(GLOBAL_CHAIN, [])
    names = set(chains) | set(heads)
    for each in kinds:
        names |= {each.chain(number) for number in records[each.prefix].numbers()}
    reports = [
        ChainReport(
            GLOBAL_CHAIN,
            len(global_entries),
            last_of(global_entries),
            check_chain(GLOBAL_CHAIN, global_entries)
            + check_head(GLOBAL_CHAIN, global_entries, heads.get(GLOBAL_CHAIN)),
            f"{sum(1 for e in global_entries if e['kind'] in ANCHOR_KINDS)} anchors",
        )
    ]
    for chain in sorted(names - {GLOBAL_CHAIN}, key=_order):
        entries = chains.get(chain, [])
        problems = check_chain(chain, entries) + check_head(chain, entries, heads.get(chain))
        kind = registry.kind_of(chain)
        number = kind.number(chain) if kind is not None else None
        if kind is None or number is None:
            reports.append(
                ChainReport(
                    chain, len(entries), last_of(entries), problems, registry.unknown_detail()
                )
            )
            continue
        replay = kind.replay(chain, entries)
        problems += replay.problems
        problems += check_anchors(
            chain, replay.anchored_at(), entries, anchors_for(chain, global_entries)
        )
        problems += records[kind.prefix].compare(chain, number, replay, entries)
        reports.append(ChainReport(chain, replay.entries, replay.head, problems, replay.describe()))
    return reports
