from leitai.evidence.models.honours import (
    LEVEL_CHOICES,
    LEVEL_LABELS,
    Honour,
    HonourState,
    evidence_path,
)
from leitai.evidence.models.vetoes import Veto, VetoCategory, VetoState

__all__ = [
    "LEVEL_CHOICES",
    "LEVEL_LABELS",
    "Honour",
    "HonourState",
    "Veto",
    "VetoCategory",
    "VetoState",
    "evidence_path",
]
