"""The evidence app's models, one module per kind of evidence (honours and vetoes; daily data)."""

from leitai.evidence.models.daily import (
    READ_STATES,
    DailyImport,
    DailyImportState,
    DailyValue,
)
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
    "READ_STATES",
    "DailyImport",
    "DailyImportState",
    "DailyValue",
    "Honour",
    "HonourState",
    "Veto",
    "VetoCategory",
    "VetoState",
    "evidence_path",
]
