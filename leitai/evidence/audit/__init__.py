"""The evidence app's ledger chain kinds (the daily data's imports: `daily.py`).

The honours and vetoes: each unit's chain (`evidence:<unit id>`) replayed from its entries alone
(`replay`), the honours and vetoes in the database held against it (`compare`), and the chain
exported for anyone to check (`export`) — the evidence's chain kind, registered with the ledger
(leitai.ledger.registry) by `EvidenceConfig.ready()` and, for the offline check of an exported
file, by leitai.cli.

Importing this package loads no Django model and needs no settings: `compare` and `export` import
the ORM when they run. The entries carry an evidence file's SHA-256, never the file.
"""

from __future__ import annotations

from typing import Any

from leitai.evidence.audit.replay import EvidenceReplay, replay_evidence
from leitai.ledger import registry

EVIDENCE_PREFIX = "evidence"


def chain_of(unit_id: int) -> str:
    return f"{EVIDENCE_PREFIX}:{unit_id}"


def _compare() -> registry.Records[EvidenceReplay]:
    from leitai.evidence.audit.compare import EvidenceRecords

    return EvidenceRecords()


def _export(text: str) -> dict[str, Any]:
    from leitai.evidence.audit.export import export_named

    return export_named(text)


EVIDENCE_CHAINS = registry.ChainKind(
    prefix=EVIDENCE_PREFIX,
    noun="a unit's evidence",
    replay=replay_evidence,
    compare=_compare,
    export=_export,
)


def register() -> None:
    registry.register(EVIDENCE_CHAINS)
