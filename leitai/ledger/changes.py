"""Chains of changes to one record: who changed which values, when, from what to what, and why.

A record's settings or facts changed by a person (a programme's evidence settings, a unit's
facts) are written as one entry per change on the record's own chain (`<prefix>:<id>`), each
entry naming every value that changed:

    kind "changed", data {"changes": {"honours.cap": {"old": 15, "new": 20}, …}, "reason": "…"}

The app that owns the record registers its chain kind (`change_kind`) with the replay below and
its own comparison with the database. The replay reads the entries alone (no database, no Django
settings: the offline check of an exported file runs it) and names an entry the services could
not have written: no change, a value unchanged, a missing reason where one is required, and — for
records changed only through these entries (`continuous`) — an entry whose old value is not the
value the chain left.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leitai.ledger import registry
from leitai.ledger.checks import Problem, parse_body
from leitai.ledger.hashing import GENESIS

if TYPE_CHECKING:
    from leitai.ledger.models import LedgerEntry

ENTRY_KIND = "changed"


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{name: {"old": …, "new": …}} for every value that differs (a missing value is None)."""
    return {
        name: {"old": old.get(name), "new": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }


def record_change(
    *, chain: str, old: Mapping[str, Any], new: Mapping[str, Any], actor: str, reason: str = ""
) -> LedgerEntry | None:
    """Append the change from `old` to `new` (flat records: name → JSON value) in the caller's
    transaction; nothing when no value changed."""
    from leitai.ledger.chain import append

    changes = differences(old, new)
    if not changes:
        return None
    return append(
        chain=chain, kind=ENTRY_KIND, data={"changes": changes, "reason": reason}, actor=actor
    )


@dataclass(frozen=True)
class Change:
    seq: int
    at: datetime
    actor: str
    reason: str
    changes: dict[str, dict[str, Any]]


def history(chain: str, *, limit: int = 50) -> list[Change]:
    """The chain's changes, newest first (at most `limit`)."""
    from leitai.ledger.models import LedgerEntry

    rows = (
        LedgerEntry.objects.filter(chain=chain, kind=ENTRY_KIND)
        .order_by("-seq")
        .values_list("seq", "body")[:limit]
    )
    result = []
    for seq, body in rows:
        parsed = parse_body({"body": body})
        data = parsed["data"]
        result.append(
            Change(
                seq=seq,
                at=datetime.fromisoformat(parsed["at"]),
                actor=str(parsed.get("actor", "")),
                reason=str(data.get("reason", "")),
                changes=dict(data.get("changes", {})),
            )
        )
    return result


@dataclass
class ChangeReplay:
    chain: str
    entries: int = 0
    head: tuple[int, str] = (0, GENESIS)
    state: dict[str, Any] = field(default_factory=dict)  # each value as the chain left it
    changes: int = 0
    problems: list[Problem] = field(default_factory=list)

    def anchored_at(self) -> Mapping[str, int | None]:
        return {}

    def describe(self) -> str:
        return f"{self.changes} change{'s' if self.changes != 1 else ''} recorded"


def replay_changes(
    chain: str,
    entries: Sequence[Mapping[str, Any]],
    *,
    continuous: bool,
    reason_required: bool,
) -> ChangeReplay:
    replay = ChangeReplay(chain=chain, entries=len(entries))
    if entries:
        replay.head = (int(entries[-1]["seq"]), str(entries[-1]["hash"]))
    for entry in entries:
        seq, kind = int(entry["seq"]), str(entry["kind"])

        def refuse(message: str, seq: int = seq, kind: str = kind) -> None:
            replay.problems.append(Problem(chain, seq, kind, message))

        if kind != ENTRY_KIND:
            refuse(f"not a change (expected {ENTRY_KIND})")
            continue
        try:
            body = parse_body(entry)
        except (ValueError, TypeError) as error:
            refuse(f"unreadable body: {error}")
            continue
        data, actor = body["data"], body.get("actor")
        changes, reason = data.get("changes"), data.get("reason", "")
        if not isinstance(actor, str) or not actor:
            refuse("no one made the change")
        if not isinstance(reason, str) or (reason_required and not reason.strip()):
            refuse("a change without its reason")
        if not isinstance(changes, dict) or not changes:
            refuse("a change that changes nothing")
            continue
        for name, change in sorted(changes.items()):
            if not isinstance(change, dict) or set(change) != {"old", "new"}:
                refuse(f"{name}: not an old and a new value")
                continue
            if change["old"] == change["new"]:
                refuse(f"{name}: the value did not change ({change['new']!r})")
            if continuous and name in replay.state and replay.state[name] != change["old"]:
                refuse(
                    f"{name}: changed from {change['old']!r}, but the chain left "
                    f"{replay.state[name]!r}"
                )
            replay.state[name] = change["new"]
        replay.changes += 1
    return replay


def change_kind(
    *,
    prefix: str,
    noun: str,
    compare: Callable[[], registry.Records[ChangeReplay]],
    export: Callable[[str], dict[str, Any]],
    continuous: bool,
    reason_required: bool,
) -> registry.ChainKind[ChangeReplay]:
    """The chain kind of an app's change records, replayed by `replay_changes`."""
    return registry.ChainKind(
        prefix=prefix,
        noun=noun,
        replay=functools.partial(
            replay_changes, continuous=continuous, reason_required=reason_required
        ),
        compare=compare,
        export=export,
    )


def export_changes(prefix: str, text: str, header: str) -> dict[str, Any]:
    """`leitai ledger export <prefix>:12` for a change chain: the ledger's export file."""
    from leitai.ledger.exporting import EmptyChain, export_chain

    number = text.strip().removeprefix(f"{prefix}:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a {prefix} chain ({prefix}:12)")
    chain = f"{prefix}:{number}"
    try:
        return export_chain(chain, {header: int(number)})
    except EmptyChain:
        raise LookupError(
            f"no ledger chain {chain}: nothing of {header} {number} changed"
        ) from None
