"""The record of a unit's facts changed by hand: the ledger's change chain `unit:<id>`
(leitai.ledger.changes), one entry per edit naming who, when, and each fact's old and new value.

The tree import sets facts too, for many units at once, without an entry per unit: so a unit's
chain is its edits, not the whole story of its facts, and the replay does not require an edit to
start from the value the previous edit left (`continuous=False`). The comparison with the
database checks that every chain's unit still exists. Registered by `OrgsConfig.ready()` and, for
the offline check of an exported file, by leitai.cli. Importing this module loads no model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from leitai.ledger import registry
from leitai.ledger.changes import ChangeReplay, change_kind, export_changes
from leitai.ledger.checks import Problem

PREFIX = "unit"


def chain_of(unit_id: int) -> str:
    return f"{PREFIX}:{unit_id}"


def facts_record(
    founded: dt.date | None, members: int | None, has_party_groups: bool | None
) -> dict[str, Any]:
    """The facts as the ledger holds them: the month as YYYY-MM, unknown as null."""
    return {
        "founded": founded.strftime("%Y-%m") if founded is not None else None,
        "members": members,
        "has_party_groups": has_party_groups,
    }


class UnitChains:
    """The units that have a change chain, read once for a whole verification."""

    def __init__(self) -> None:
        from leitai.ledger.models import ChainHead
        from leitai.orgs.models import Unit

        numbers = {
            int(chain.partition(":")[2])
            for chain in ChainHead.objects.filter(chain__startswith=f"{PREFIX}:").values_list(
                "chain", flat=True
            )
            if chain.partition(":")[2].isdigit()
        }
        self.chained = numbers
        self.existing = set(Unit.objects.filter(pk__in=numbers).values_list("pk", flat=True))

    def numbers(self) -> Iterable[int]:
        return self.chained

    def compare(
        self, chain: str, number: int, replay: ChangeReplay, entries: registry.Entries
    ) -> list[Problem]:
        if number not in self.existing:
            return [Problem(chain, None, "", f"unit {number} is on the ledger only")]
        return []


def _export(text: str) -> dict[str, Any]:
    return export_changes(PREFIX, text, "unit")


UNIT_CHAINS = change_kind(
    prefix=PREFIX,
    noun="a unit's facts",
    compare=UnitChains,
    export=_export,
    continuous=False,
    reason_required=False,
)


def register() -> None:
    registry.register(UNIT_CHAINS)
