"""Leitai's scoring core: pure functions from judges' marks to published results.

No Django here (a test imports this package in a fresh interpreter and checks). Published
figures are `Decimal`s computed exactly; statistics are floats, None when undefined.
See docs/scoring.md for every method and rule.

These are the rules the product publishes by. The tools that run them over an analyst's whole
file (`leitai stats …`, `leitai draw …`, the long-format readers, the columnar batch path and
the bootstrap of a cut built on it) are in the sub-package `leitai.scoring.analysis`, which
builds on this package and never the other way.

Names are loaded on first use: `leitai draw …` and `leitai stats aggregate` should not pay for
importing scipy.stats, which takes longer than aggregating a thousand participants.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "draw": ("canonical_codes", "commitment", "draw_order", "new_seed", "verify"),
    "panel": (
        "DroppedMark",
        "Method",
        "Mode",
        "PanelRule",
        "PanelScore",
        "TrimNote",
        "TrimOutcome",
        "score_panel",
    ),
    "ranking": ("Placing", "TieBreak", "rank_panel_scores"),
    "reliability": ("CorridorRule", "Reliability", "assess_panel"),
    "rubric": ("Criterion", "Rubric", "SheetError", "SheetProblem"),
    "severity": ("Cells", "SeverityReport", "analyse_severity"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "Cells",
    "CorridorRule",
    "Criterion",
    "DroppedMark",
    "Method",
    "Mode",
    "PanelRule",
    "PanelScore",
    "Placing",
    "Reliability",
    "Rubric",
    "SeverityReport",
    "SheetError",
    "SheetProblem",
    "TieBreak",
    "TrimNote",
    "TrimOutcome",
    "analyse_severity",
    "assess_panel",
    "canonical_codes",
    "commitment",
    "draw_order",
    "new_seed",
    "rank_panel_scores",
    "score_panel",
    "verify",
]

if TYPE_CHECKING:
    from leitai.scoring.draw import canonical_codes, commitment, draw_order, new_seed, verify
    from leitai.scoring.panel import (
        DroppedMark,
        Method,
        Mode,
        PanelRule,
        PanelScore,
        TrimNote,
        TrimOutcome,
        score_panel,
    )
    from leitai.scoring.ranking import Placing, TieBreak, rank_panel_scores
    from leitai.scoring.reliability import CorridorRule, Reliability, assess_panel
    from leitai.scoring.rubric import Criterion, Rubric, SheetError, SheetProblem
    from leitai.scoring.severity import Cells, SeverityReport, analyse_severity


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
