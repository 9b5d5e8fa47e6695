"""A unit's evidence recomputed from its ledger chain alone: no database, no Django.

Each entry is one write of the evidence services (leitai.evidence.services); the replay keeps
every honour and veto as those entries left it, and names each entry the services could not have
written: an honour verified by whoever entered it or edited it last, verified without its
evidence file, decided twice, a second record of one document for the unit, a veto lifted twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from leitai.ledger.checks import Problem, parse_body
from leitai.ledger.hashing import GENESIS
from leitai.scoring.honours import Level, normalise_document

HONOUR_FIELDS = ("title", "level", "conferred_by", "document", "date", "file")
VETO_FIELDS = ("year", "category", "evidence", "file")
PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"
ACTIVE, LIFTED = "active", "lifted"


class Kind:
    HONOUR_ENTERED = "honour_entered"
    HONOUR_EDITED = "honour_edited"
    HONOUR_VERIFIED = "honour_verified"
    HONOUR_REJECTED = "honour_rejected"
    VETO_RECORDED = "veto_recorded"
    VETO_LIFTED = "veto_lifted"


@dataclass
class HonourRecord:
    fields: dict[str, str]
    state: str
    entered_by: str
    decided_by: str = ""
    edited_by: str = ""
    reason: str = ""


@dataclass
class VetoRecord:
    fields: dict[str, str]
    state: str
    recorded_by: str
    lifted_by: str = ""
    reason: str = ""


@dataclass
class EvidenceReplay:
    chain: str
    entries: int = 0
    head: tuple[int, str] = (0, GENESIS)
    honours: dict[int, HonourRecord] = field(default_factory=dict)
    vetoes: dict[int, VetoRecord] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def anchored_at(self) -> dict[str, int | None]:
        """A unit's evidence chain is not anchored in the global chain."""
        return {}

    def describe(self) -> str:
        verified = sum(1 for h in self.honours.values() if h.state == VERIFIED)
        active = sum(1 for v in self.vetoes.values() if v.state == ACTIVE)
        return (
            f"{len(self.honours)} honours ({verified} verified), "
            f"{len(self.vetoes)} vetoes ({active} in force)"
        )


class _Refused(Exception):
    pass


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _Refused(f"{key} is missing or not text")
    return str(value)


def _id(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Refused(f"{key} is not a record number")
    return value


class _Replayer:
    def __init__(self, chain: str) -> None:
        self.state = EvidenceReplay(chain=chain)

    def honour_fields(self, data: Mapping[str, Any]) -> dict[str, str]:
        fields = {name: _text(data, name) for name in HONOUR_FIELDS}
        try:
            Level(fields["level"])
        except ValueError:
            raise _Refused(f"“{fields['level']}” is not a level") from None
        if not fields["title"].strip() or not fields["document"].strip():
            raise _Refused("an honour needs a title and a document number")
        return fields

    def check_unique(self, number: int, fields: Mapping[str, str]) -> None:
        key = normalise_document(fields["document"])
        for other, record in self.state.honours.items():
            if other != number and normalise_document(record.fields["document"]) == key:
                raise _Refused(f"document {fields['document']} is already honour {other}")

    def honour(self, data: Mapping[str, Any]) -> tuple[int, HonourRecord]:
        number = _id(data, "honour")
        record = self.state.honours.get(number)
        if record is None:
            raise _Refused(f"honour {number} was never entered")
        return number, record

    def veto(self, data: Mapping[str, Any]) -> tuple[int, VetoRecord]:
        number = _id(data, "veto")
        record = self.state.vetoes.get(number)
        if record is None:
            raise _Refused(f"veto {number} was never recorded")
        return number, record

    def apply(self, kind: str, actor: str, data: Mapping[str, Any]) -> None:
        if kind == Kind.HONOUR_ENTERED:
            number = _id(data, "honour")
            if number in self.state.honours:
                raise _Refused(f"honour {number} was entered before")
            fields = self.honour_fields(data)
            self.check_unique(number, fields)
            self.state.honours[number] = HonourRecord(fields, PENDING, actor)
        elif kind == Kind.HONOUR_EDITED:
            number, record = self.honour(data)
            fields = self.honour_fields(data)
            self.check_unique(number, fields)
            # An edit returns the record to pending: what was verified is no longer what it says.
            record.fields, record.state, record.decided_by, record.reason = fields, PENDING, "", ""
            record.edited_by = actor
        elif kind in (Kind.HONOUR_VERIFIED, Kind.HONOUR_REJECTED):
            number, record = self.honour(data)
            if record.state != PENDING:
                raise _Refused(f"honour {number} is {record.state}, not pending")
            if actor == record.entered_by:
                raise _Refused(f"honour {number} decided by {actor}, who entered it")
            if actor == record.edited_by:
                raise _Refused(f"honour {number} decided by {actor}, who edited it last")
            if kind == Kind.HONOUR_VERIFIED:
                if not record.fields["file"]:
                    raise _Refused(f"honour {number} verified without its evidence file")
                record.state, record.reason = VERIFIED, ""
            else:
                reason = _text(data, "reason")
                if not reason.strip():
                    raise _Refused(f"honour {number} rejected without a reason")
                record.state, record.reason = REJECTED, reason
            record.decided_by = actor
        elif kind == Kind.VETO_RECORDED:
            number = _id(data, "veto")
            if number in self.state.vetoes:
                raise _Refused(f"veto {number} was recorded before")
            fields = {name: _text(data, name) for name in VETO_FIELDS}
            self.state.vetoes[number] = VetoRecord(fields, ACTIVE, actor)
        elif kind == Kind.VETO_LIFTED:
            number, veto = self.veto(data)
            if veto.state != ACTIVE:
                raise _Refused(f"veto {number} was lifted before")
            reason = _text(data, "reason")
            if not reason.strip():
                raise _Refused(f"veto {number} lifted without a reason")
            veto.state, veto.lifted_by, veto.reason = LIFTED, actor, reason
        else:
            raise _Refused("not an entry the evidence services write")


def replay_evidence(chain: str, entries: Sequence[Mapping[str, Any]]) -> EvidenceReplay:
    replayer = _Replayer(chain)
    state = replayer.state
    for entry in entries:
        seq, kind = int(entry["seq"]), str(entry["kind"])
        state.entries += 1
        state.head = (seq, str(entry["hash"]))
        try:
            body = parse_body(entry)
            replayer.apply(kind, str(body.get("actor", "")), body["data"])
        except (_Refused, ValueError, KeyError) as error:
            state.problems.append(Problem(chain, seq, kind, str(error)))
    return state
