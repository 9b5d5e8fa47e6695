"""`leitai ledger export evidence:UNIT`: a unit's evidence chain as a file anyone can check
offline (the format is the ledger's, leitai.ledger.exporting)."""

from __future__ import annotations

from typing import Any

from leitai.ledger.exporting import EmptyChain, export_chain


class UnknownEvidence(LookupError):
    pass


def parse_unit(text: str) -> int:
    """ "evidence:12" → 12."""
    number = text.strip().removeprefix("evidence:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a unit's evidence chain (evidence:12)")
    return int(number)


def export_named(text: str) -> dict[str, Any]:
    unit_id = parse_unit(text)
    chain = f"evidence:{unit_id}"
    try:
        return export_chain(chain, {"unit": unit_id})
    except EmptyChain:
        raise UnknownEvidence(f"no ledger chain {chain}: unit {unit_id} has no evidence") from None
