"""The generic change chain's replay (leitai.ledger.changes), from entries alone: what it keeps,
and each entry the services could not have written."""

from __future__ import annotations

import json
from typing import Any

from leitai.ledger.changes import differences, replay_changes
from leitai.ledger.hashing import GENESIS, entry_hash

CHAIN = "programme:7"


def chain_of(*datas: dict[str, Any], actor: str = "org", kind: str = "changed") -> list[dict]:  # type: ignore[type-arg]
    entries: list[dict[str, Any]] = []
    previous = GENESIS
    for seq, data in enumerate(datas, start=1):
        body = json.dumps({"at": "2026-12-05T00:00:00+00:00", "actor": actor, "data": data})
        digest = entry_hash(previous, CHAIN, seq, kind, body)
        entries.append(
            {
                "chain": CHAIN,
                "seq": seq,
                "kind": kind,
                "body": body,
                "prev_hash": previous,
                "hash": digest,
            }
        )
        previous = digest
    return entries


def change(reason: str = "决定", **values: tuple[Any, Any]) -> dict[str, Any]:
    return {
        "changes": {name: {"old": old, "new": new} for name, (old, new) in values.items()},
        "reason": reason,
    }


def messages(entries: list[dict[str, Any]], *, continuous: bool = True) -> list[str]:
    replay = replay_changes(CHAIN, entries, continuous=continuous, reason_required=True)
    return [str(problem) for problem in replay.problems]


def test_differences_name_only_what_changed() -> None:
    assert differences({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": {"old": 2, "new": 3}}


def test_a_good_chain_leaves_each_value_as_its_last_change_says() -> None:
    entries = chain_of(change(cap=(15, 20), years=(3, 4)), change(cap=(20, 25)))
    replay = replay_changes(CHAIN, entries, continuous=True, reason_required=True)
    assert replay.problems == []
    assert replay.state == {"cap": 25, "years": 4}
    assert replay.describe() == "2 changes recorded"
    assert replay.head == (2, entries[-1]["hash"])


def test_each_entry_the_service_could_not_have_written_is_named() -> None:
    assert messages(chain_of(change(cap=(15, 20)), change(cap=(15, 30)))) == [
        "programme:7 #2 changed: cap: changed from 15, but the chain left 20"
    ]
    assert messages(chain_of(change(reason=" ", cap=(15, 20)))) == [
        "programme:7 #1 changed: a change without its reason"
    ]
    assert messages(chain_of(change(cap=(15, 15)))) == [
        "programme:7 #1 changed: cap: the value did not change (15)"
    ]
    assert messages(chain_of({"changes": {}, "reason": "x"})) == [
        "programme:7 #1 changed: a change that changes nothing"
    ]
    assert messages(chain_of(change(cap=(15, 20)), kind="edited")) == [
        "programme:7 #1 edited: not a change (expected changed)"
    ]
    assert messages(chain_of(change(cap=(15, 20)), actor="")) == [
        "programme:7 #1 changed: no one made the change"
    ]


def test_a_chain_of_edits_only_need_not_be_continuous() -> None:
    entries = chain_of(change(members=(None, 23)), change(members=(30, 31)))
    assert messages(entries, continuous=False) == []
