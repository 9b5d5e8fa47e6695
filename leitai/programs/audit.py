"""The record of a programme's settings changed by an organiser: the ledger's change chain
`programme:<id>` (leitai.ledger.changes), one entry per change naming who, when, why (a reason is
required), and each value's old and new (the evidence record flattened to dotted names,
"evidence.honours.cap": 15 → 20).

The settings change only through `programs.services`, so the replay requires each change to start
from the value the previous one left (`continuous`), and the comparison holds the programme's
record in the database against the values the chain left. Registered by
`ProgramsConfig.ready()` and, for the offline check of an exported file, by leitai.cli. Importing
this module loads no model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from leitai.ledger import registry
from leitai.ledger.changes import ChangeReplay, change_kind, export_changes
from leitai.ledger.checks import Problem
from leitai.scoring.evidence import flatten

PREFIX = "programme"


def chain_of(programme_id: int) -> str:
    return f"{PREFIX}:{programme_id}"


def settings_record(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """A programme's settings as the ledger names them: {"evidence.honours.cap": 15, …}."""
    return flatten({"evidence": evidence})


class ProgrammeRecords:
    """The settings of every programme with a chain, read once for a whole verification (a
    programme never changed has no chain and nothing to compare: it is not listed)."""

    def __init__(self) -> None:
        from leitai.ledger.models import ChainHead
        from leitai.programs.models import Programme

        self.chained = {
            int(number)
            for chain in ChainHead.objects.filter(chain__startswith=f"{PREFIX}:").values_list(
                "chain", flat=True
            )
            if (number := chain.partition(":")[2]).isdigit()
        }
        self.settings = {
            pk: settings_record(evidence or {})
            for pk, evidence in Programme.objects.filter(pk__in=self.chained).values_list(
                "pk", "evidence"
            )
        }

    def numbers(self) -> Iterable[int]:
        return self.chained

    def compare(
        self, chain: str, number: int, replay: ChangeReplay, entries: registry.Entries
    ) -> list[Problem]:
        stored = self.settings.get(number)
        if stored is None:
            return [Problem(chain, None, "", f"programme {number} is on the ledger only")]
        return [
            Problem(
                chain,
                None,
                "",
                f"{name}: the database says {stored.get(name)!r}, the ledger {value!r}",
            )
            for name, value in sorted(replay.state.items())
            if stored.get(name) != value
        ]


def _export(text: str) -> dict[str, Any]:
    return export_changes(PREFIX, text, "programme")


PROGRAMME_CHAINS = change_kind(
    prefix=PREFIX,
    noun="a programme's settings",
    compare=ProgrammeRecords,
    export=_export,
    continuous=True,
    reason_required=True,
)


def register() -> None:
    registry.register(PROGRAMME_CHAINS)
