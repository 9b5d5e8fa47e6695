"""The evidence app's models, one module per kind of evidence (honours and vetoes; daily data)."""

from leitai.evidence.models.daily import (
    READ_STATES,
    DailyImport,
    DailyImportState,
    DailyValue,
)

__all__ = ["READ_STATES", "DailyImport", "DailyImportState", "DailyValue"]
