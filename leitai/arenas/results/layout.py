"""The published layout of a confirmed result: the figures stored on the participant, shown on
the results pages and exports, recorded in the `confirmed` ledger entry and recomputed by the
replay. No Django import: the offline check of an exported ledger uses it.
"""

from __future__ import annotations

from typing import Any

from leitai.scoring import PanelScore


def result_figures(score: PanelScore) -> dict[str, Any]:
    """The figures of a confirmed result as stored and published (decimal strings, never
    floats); `leitai.arenas.panel.result_json` adds the sheets they came from, and the ledger's
    replay compares what it recomputes with them field by field."""
    return {
        "score": str(score.score),
        "judges": score.judges,
        "note": {"outcome": score.note.outcome.value, "text": score.note.text},
        "dropped": [
            {"judge": d.judge, "criterion": d.criterion, "mark": str(d.mark), "side": d.side.value}
            for d in score.dropped
        ],
        "totals": {code: str(total) for code, total in sorted(score.judge_totals.items())},
        "criteria": (
            {
                key: {"mark": str(c.mark), "weighted": str(c.weighted)}
                for key, c in score.criteria.items()
            }
            if score.criteria
            else None
        ),
        "criterion_marks": {key: str(v) for key, v in score.criterion_marks.items()},
        # Exact, as a fraction: the first tie-break compares it without rounding.
        "untrimmed_mean": f"{score.untrimmed_mean.numerator}/{score.untrimmed_mean.denominator}",
    }
