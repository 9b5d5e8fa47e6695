"""The checks every chain gets, whatever its kind: no database, no Django settings.

`leitai ledger verify` runs them on the entries it reads from the database (leitai.ledger.verify)
and on an exported file (leitai.ledger.exporting):

1. the chain: every entry links to the one before it and its hash is recomputed; the chain head
   row names the chain's last entry;
2. the anchors: the global chain's anchor entries must name the chain's entries at those sequence
   numbers by their hashes, and a chain must be anchored where its kind says (an arena at its
   `frozen` and `closed` entries).

What a chain's entries mean is its kind's to check (the replay registered in
leitai.ledger.registry). Each problem names its entry (`arena:12 #37 sheet: …`); the first one is
what a person reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leitai.ledger.hashing import ANCHOR_KINDS, GENESIS, GLOBAL_CHAIN, entry_hash


def short(digest: str) -> str:
    return digest[:16]


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None  # the entry it concerns; None for a problem outside the entries (a head row)
    kind: str
    message: str

    def __str__(self) -> str:
        where = self.chain if self.seq is None else f"{self.chain} #{self.seq}"
        if self.kind:
            where += f" {self.kind}"
        return f"{where}: {self.message}"

    @property
    def order(self) -> tuple[bool, int]:
        return (self.seq is None, self.seq or 0)


def first_problem(problems: Sequence[Problem]) -> Problem | None:
    return min(problems, key=lambda p: p.order) if problems else None


def parse_body(entry: Mapping[str, Any]) -> dict[str, Any]:
    body = json.loads(entry["body"])
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise ValueError("the body is not an object with a data object")
    return body


def last_of(entries: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    """The chain's head as its entries say: (0, GENESIS) for a chain with none."""
    return (int(entries[-1]["seq"]), str(entries[-1]["hash"])) if entries else (0, GENESIS)


# -- 1. the chain ------------------------------------------------------------------------------


def check_chain(chain: str, entries: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Every link and hash; after a break, checking goes on from the stored hash, so an entry
    altered in place is named alone and not every entry after it."""
    problems = []
    previous = GENESIS
    expected_seq = 1
    for entry in entries:
        seq, kind = int(entry["seq"]), str(entry["kind"])
        if entry.get("chain", chain) != chain:
            problems.append(Problem(chain, seq, kind, f"belongs to chain {entry['chain']}"))
        if seq != expected_seq:
            problems.append(Problem(chain, seq, kind, f"sequence gap: expected #{expected_seq}"))
        if entry["prev_hash"] != previous:
            problems.append(Problem(chain, seq, kind, "does not link to the entry before it"))
        recomputed = entry_hash(str(entry["prev_hash"]), chain, seq, kind, str(entry["body"]))
        if recomputed != entry["hash"]:
            problems.append(Problem(chain, seq, kind, "its content does not match its hash"))
        previous = str(entry["hash"])
        expected_seq = seq + 1
    return problems


def check_head(
    chain: str, entries: Sequence[Mapping[str, Any]], head: tuple[int, str] | None
) -> list[Problem]:
    """The chain head row (None: there is none) against the chain's last entry."""
    last = last_of(entries)
    if head is None:
        return [Problem(chain, None, "head", "no chain head row")] if entries else []
    if (int(head[0]), str(head[1])) != last:
        return [
            Problem(
                chain,
                None,
                "head",
                f"the chain head row says #{head[0]} {short(head[1])}…, "
                f"the last entry is #{last[0]} {short(last[1])}…",
            )
        ]
    return []


# -- 2. the anchors ------------------------------------------------------------------------------


def anchors_for(chain: str, global_entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found = []
    for entry in global_entries:
        if entry["kind"] not in ANCHOR_KINDS:
            continue
        try:
            data = parse_body(entry)["data"]
        except ValueError:
            continue  # the global chain's own check names it
        if data.get("chain") == chain:
            found.append(entry)
    return found


def check_anchors(
    chain: str,
    required: Mapping[str, int | None],
    entries: Sequence[Mapping[str, Any]],
    anchors: Sequence[Mapping[str, Any]],
    *,
    check_own_hash: bool = False,
) -> list[Problem]:
    """Each anchor must name an entry of the chain by its hash; `required` says, for each anchor
    kind, the entry the chain must have been anchored at (None: not yet), as its replay found it
    (an arena that went live or closed: its `frozen` or `closed` entry).

    Offline, the anchors come without the rest of the global chain, so `check_own_hash`
    recomputes each anchor's hash from its own fields instead of its link."""
    problems: list[Problem] = []
    by_seq = {int(e["seq"]): e for e in entries}
    anchored: dict[str, int] = {}
    for anchor in anchors:
        where = f"global #{anchor['seq']} {anchor['kind']}"
        if check_own_hash:
            recomputed = entry_hash(
                str(anchor["prev_hash"]),
                GLOBAL_CHAIN,
                int(anchor["seq"]),
                str(anchor["kind"]),
                str(anchor["body"]),
            )
            if recomputed != anchor["hash"]:
                problems.append(
                    Problem(
                        GLOBAL_CHAIN,
                        int(anchor["seq"]),
                        str(anchor["kind"]),
                        "its content does not match its hash",
                    )
                )
                continue
        data = parse_body(anchor)["data"]
        seq, digest = int(data["seq"]), str(data["hash"])
        anchored[str(anchor["kind"])] = seq
        entry = by_seq.get(seq)
        if entry is None:
            problems.append(
                Problem(chain, None, "", f"{where} anchors #{seq}, which the chain does not hold")
            )
        elif entry["hash"] != digest:
            problems.append(
                Problem(
                    chain,
                    seq,
                    str(entry["kind"]),
                    f"its hash {short(str(entry['hash']))}… differs from the one anchored in "
                    f"{where}: {short(digest)}…",
                )
            )
    for kind, at in required.items():
        if at is None:
            continue
        if kind not in anchored:
            problems.append(Problem(chain, at, by_seq[at]["kind"], f"no {kind} anchor"))
        elif anchored[kind] != at:
            problems.append(
                Problem(
                    chain,
                    at,
                    by_seq[at]["kind"],
                    f"the {kind} anchor names #{anchored[kind]} instead",
                )
            )
    return problems
