"""The daily data's ledger chain kind: `daily:<import id>`, one entry when the import becomes
current (who, when, the file's name and SHA-256 digest, its rows, months and units, the imports
whose values it replaced).

- `replay` reads the chain's entries alone (no database, no Django: the offline check of an
  exported file runs it too) and names an entry the import service could not have written;
- `compare` holds each `DailyImport` row against its entry: a row made current without an entry,
  an entry whose row is gone or was changed (file, digest, rows, months, units, generation, who,
  when, what it replaced), a superseded import no later import names;
- `export` writes the chain to a file anyone can check.

Registered by `EvidenceConfig.ready()` and, for the offline check, by leitai.cli. Importing this
module loads no Django model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from leitai.ledger import registry
from leitai.ledger.checks import Problem, parse_body
from leitai.ledger.hashing import GENESIS

PREFIX = "daily"
ENTRY_KIND = "current"
FIELDS = {
    "import": int,
    "file": str,
    "digest": str,
    "rows": int,
    "periods": list,
    "units": int,
    "generation": int,
    "supersedes": list,
}


@dataclass
class DailyReplay:
    chain: str
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0
    head: tuple[int, str] = (0, GENESIS)
    data: dict[str, Any] = field(default_factory=dict)
    actor: str = ""
    at: str = ""

    def anchored_at(self) -> Mapping[str, int | None]:
        return {}

    def describe(self) -> str:
        if not self.data:
            return "daily import: no entry"
        return (
            f"daily import of {self.data['file']}: {self.data['rows']} rows, "
            f"{len(self.data['periods'])} months, {self.data['units']} units"
        )


def replay_daily(chain: str, entries: Sequence[Mapping[str, Any]]) -> DailyReplay:
    replay = DailyReplay(chain=chain, entries=len(entries))
    if entries:
        last = entries[-1]
        replay.head = (int(last["seq"]), str(last["hash"]))
    number = chain.partition(":")[2]
    for position, entry in enumerate(entries):
        seq, kind = int(entry["seq"]), str(entry["kind"])

        def refuse(message: str, seq: int = seq, kind: str = kind) -> None:
            replay.problems.append(Problem(chain, seq, kind, message))

        if position > 0:
            refuse("an import becomes current once: a second entry")
            continue
        if kind != ENTRY_KIND:
            refuse(f"not an entry of a daily import (expected {ENTRY_KIND})")
            continue
        try:
            body = parse_body(entry)
        except (ValueError, TypeError) as error:
            refuse(f"unreadable body: {error}")
            continue
        data = body["data"]
        wrong = [
            name
            for name, kind_of in FIELDS.items()
            if not isinstance(data.get(name), kind_of) or isinstance(data.get(name), bool)
        ]
        if wrong:
            refuse(f"missing or malformed field(s): {', '.join(wrong)}")
            continue
        if str(data["import"]) != number:
            refuse(f"names import {data['import']}, not {number}")
            continue
        if data["rows"] < 1 or data["units"] < 1 or not data["periods"]:
            refuse("an import with no figures cannot become current")
            continue
        if data["periods"] != sorted(set(data["periods"])):
            refuse("the months are not listed once each, in order")
            continue
        replay.data = data
        replay.actor = str(body.get("actor", ""))
        replay.at = str(body.get("at", ""))
    return replay


def _stored_at(value: Any) -> str:
    from datetime import UTC

    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else ""


class DailyRecords:
    """Every daily import's row, read once for the whole verification."""

    def __init__(self) -> None:
        from leitai.evidence.models import DailyImport, DailyImportState

        self.current_states = {DailyImportState.CURRENT.value, DailyImportState.SUPERSEDED.value}
        self.superseded_state = DailyImportState.SUPERSEDED.value
        self.rows = {
            row["pk"]: row
            for row in DailyImport.objects.values(
                "pk",
                "state",
                "actor_name",
                "file_name",
                "digest",
                "rows",
                "periods",
                "units",
                "generation",
                "supersedes",
                "current_at",
            )
        }
        self.named: set[int] = set()
        for row in self.rows.values():
            self.named.update(int(pk) for pk in row["supersedes"] or [])

    def numbers(self) -> Iterable[int]:
        return [pk for pk, row in self.rows.items() if row["state"] in self.current_states]

    def compare(
        self, chain: str, number: int, replay: DailyReplay, entries: Sequence[Mapping[str, Any]]
    ) -> list[Problem]:
        def problem(message: str) -> Problem:
            return Problem(chain, None, "", message)

        row = self.rows.get(number)
        if row is None:
            return [problem(f"the ledger records daily import {number}; the database has none")]
        made_current = row["state"] in self.current_states
        if not entries:
            return (
                [problem(f"daily import {number} is {row['state']} with no ledger entry")]
                if made_current
                else []
            )
        if not made_current:
            return [problem(f"the ledger says current; the database says {row['state']}")]
        if not replay.data:
            return []
        data = replay.data
        stored = {
            "file": row["file_name"],
            "digest": row["digest"],
            "rows": row["rows"],
            "periods": list(row["periods"] or []),
            "units": row["units"],
            "generation": row["generation"],
            "supersedes": [int(pk) for pk in row["supersedes"] or []],
        }
        problems = [
            problem(
                f"{name}: the database has {json.dumps(value, ensure_ascii=False)}, the ledger "
                f"{json.dumps(data[name], ensure_ascii=False)}"
            )
            for name, value in stored.items()
            if value != data[name]
        ]
        if row["actor_name"] != replay.actor:
            problems.append(
                problem(f"who: the database has {row['actor_name']}, the ledger {replay.actor}")
            )
        when = _stored_at(row["current_at"])
        if when != replay.at:
            problems.append(problem(f"when: the database has {when}, the ledger {replay.at}"))
        if row["state"] == self.superseded_state and number not in self.named:
            problems.append(problem("superseded, but no later import replaced its values"))
        return problems


def _compare() -> registry.Records[DailyReplay]:
    return DailyRecords()


def _export(text: str) -> dict[str, Any]:
    from leitai.ledger.exporting import EmptyChain, export_chain

    number = text.strip().removeprefix(f"{PREFIX}:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a daily import (daily:12)")
    chain = f"{PREFIX}:{int(number)}"
    try:
        return export_chain(chain, {"daily_import": int(number)})
    except EmptyChain:
        raise LookupError(
            f"no ledger chain {chain}: import {number} never became current"
        ) from None


DAILY_CHAINS = registry.ChainKind(
    prefix=PREFIX,
    noun="a daily import",
    replay=replay_daily,
    compare=_compare,
    export=_export,
)


def register() -> None:
    registry.register(DAILY_CHAINS)
