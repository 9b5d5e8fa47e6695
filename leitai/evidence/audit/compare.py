"""The honours and vetoes in the database held against each unit's evidence chain, for
`leitai ledger verify`: every stored field that the entries set (title, level, conferring body,
document number, date, the file's SHA-256, state, who entered and decided it, the reasons), and a
record missing on either side. Read in two queries for the whole verification."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from leitai.evidence.audit.replay import EvidenceReplay
from leitai.evidence.models import Honour, Veto
from leitai.ledger.checks import Problem
from leitai.ledger.registry import Entries

Row = dict[str, str]


def honour_row(
    *,
    title: str,
    level: str,
    conferred_by: str,
    document: str,
    day: str,
    file: str,
    state: str,
    entered_by: str,
    decided_by: str,
    reason: str,
) -> Row:
    return {
        "title": title,
        "level": level,
        "conferred_by": conferred_by,
        "document": document,
        "date": day,
        "file": file,
        "state": state,
        "entered_by": entered_by,
        "decided_by": decided_by,
        "reason": reason,
    }


class EvidenceRecords:
    def __init__(self) -> None:
        self.honours: dict[int, dict[int, Row]] = defaultdict(dict)
        self.vetoes: dict[int, dict[int, Row]] = defaultdict(dict)
        rows = Honour.objects.values_list(
            "pk",
            "unit_id",
            "title",
            "level",
            "conferred_by",
            "document",
            "conferred_on",
            "file_sha256",
            "state",
            "entered_by__username",
            "verified_by__username",
            "rejection_reason",
        )
        for pk, unit_id, title, level, body, document, day, sha, state, by, decided, reason in rows:
            self.honours[unit_id][pk] = honour_row(
                title=title,
                level=level,
                conferred_by=body,
                document=document,
                day=day.isoformat(),
                file=sha,
                state=state,
                entered_by=by,
                decided_by=decided or "",
                reason=reason,
            )
        vetoes = Veto.objects.values_list(
            "pk",
            "unit_id",
            "year",
            "category",
            "evidence",
            "file_sha256",
            "state",
            "recorded_by__username",
            "lifted_by__username",
            "lift_reason",
        )
        for pk, unit_id, year, category, evidence, sha, state, by, lifted, reason in vetoes:
            self.vetoes[unit_id][pk] = {
                "year": str(year),
                "category": category,
                "evidence": evidence,
                "file": sha,
                "state": state,
                "recorded_by": by,
                "lifted_by": lifted or "",
                "reason": reason,
            }

    def numbers(self) -> Iterable[int]:
        return set(self.honours) | set(self.vetoes)

    def compare(
        self, chain: str, number: int, replay: EvidenceReplay, entries: Entries
    ) -> list[Problem]:
        problems: list[Problem] = []
        stored = self.honours.get(number, {})
        for pk in sorted(set(stored) | set(replay.honours)):
            row = stored.get(pk)
            record = replay.honours.get(pk)
            if row is None:
                problems.append(Problem(chain, None, "", f"honour {pk} is on the ledger only"))
                continue
            if record is None:
                problems.append(Problem(chain, None, "", f"honour {pk} is not on the ledger"))
                continue
            expected = honour_row(
                title=record.fields["title"],
                level=record.fields["level"],
                conferred_by=record.fields["conferred_by"],
                document=record.fields["document"],
                day=record.fields["date"],
                file=record.fields["file"],
                state=record.state,
                entered_by=record.entered_by,
                decided_by=record.decided_by,
                reason=record.reason,
            )
            problems += _differences(chain, f"honour {pk}", row, expected)
        vetoes = self.vetoes.get(number, {})
        for pk in sorted(set(vetoes) | set(replay.vetoes)):
            row = vetoes.get(pk)
            veto = replay.vetoes.get(pk)
            if row is None:
                problems.append(Problem(chain, None, "", f"veto {pk} is on the ledger only"))
                continue
            if veto is None:
                problems.append(Problem(chain, None, "", f"veto {pk} is not on the ledger"))
                continue
            expected = {
                **veto.fields,
                "state": veto.state,
                "recorded_by": veto.recorded_by,
                "lifted_by": veto.lifted_by,
                "reason": veto.reason,
            }
            problems += _differences(chain, f"veto {pk}", row, expected)
        return problems


def _differences(chain: str, what: str, row: Row, expected: Row) -> list[Problem]:
    return [
        Problem(
            chain,
            None,
            "",
            f"{what}: the database says {name} {row[name]!r}, the ledger {expected[name]!r}",
        )
        for name in expected
        if row.get(name) != expected[name]
    ]
