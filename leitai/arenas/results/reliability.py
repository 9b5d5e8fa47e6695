"""The reliability part of an arena's results: Kendall's W, the ICCs, each judge's deviation.

The scoring core computes the figures (leitai.scoring.assess_panel); this module turns them into
rows for the results page and the exports, with undefined figures explained in the page's
language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from leitai.arenas.models import Judge
from leitai.scoring import assess_panel
from leitai.scoring.reasons import Reason
from leitai.scoring.reliability import JudgeDeviation

if TYPE_CHECKING:
    from leitai.arenas.results.tables import ParticipantResult

DASH = "—"


@dataclass(frozen=True)
class Figure:
    """A statistic, or "—" with the reason it is undefined (never NaN)."""

    value: float | None
    reason: str = ""
    digits: int = 3
    signed: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return DASH
        sign = "+" if self.signed and self.value > 0 else ""
        return f"{sign}{self.value:.{self.digits}f}"

    @property
    def defined(self) -> bool:
        return self.value is not None


def p_text(value: float | None) -> str:
    if value is None:
        return DASH
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


# The scoring core explains an undefined figure or a flag in English, with a code and the
# parameters that filled the sentence (leitai.scoring.reasons); one translation per code.
# Every code of the core has one here (a test checks it).
REASON_TRANSLATIONS: dict[str, str] = {
    "too_few_complete": gettext_noop(
        "needs at least 2 participants scored by every judge, and 2 judges (have %(n)s × %(k)s)"
    ),
    "no_between_variance": gettext_noop(
        "the participants' marks do not differ (no variance between participants)"
    ),
    "zero_denominator": gettext_noop("undefined: a variance it divides by is 0"),
    "no_residual_variance": gettext_noop(
        "no interval: the judges agree exactly (no residual variance)"
    ),
    "all_marks_equal": gettext_noop("every judge gave every participant the same mark"),
    "no_shared_participant": gettext_noop("scored no participant together with another judge"),
    "too_few_shared": gettext_noop(
        "needs at least 3 participants scored with the others (has %(n)s)"
    ),
    "judge_constant": gettext_noop("the judge gave every participant the same total"),
    "others_constant": gettext_noop("the other judges' mean is the same for every participant"),
    "outside_corridor": gettext_noop(
        "%(outside)s of %(count)s totals outside the corridor ±%(width)s"
    ),
    "lean_above": gettext_noop("marks %(by)s above the others on average (corridor ±%(width)s)"),
    "lean_below": gettext_noop("marks %(by)s below the others on average (corridor ±%(width)s)"),
}


def explain(reason: str | None) -> str:
    """The core's reason in the current language; a plain string is shown as it is."""
    if not reason:
        return ""
    if not isinstance(reason, Reason):
        return reason
    template = _(REASON_TRANSLATIONS[reason.code])
    return template % reason.params if reason.params else template


def icc_label(name: str) -> str:
    labels = {
        "ICC(1,1)": _("one-way random, one judge"),
        "ICC(2,1)": _("two-way random, absolute agreement, one judge"),
        "ICC(3,1)": _("two-way mixed, consistency, one judge"),
        "ICC(1,k)": _("one-way random, mean of the panel"),
        "ICC(2,k)": _("two-way random, absolute agreement, mean of the panel"),
        "ICC(3,k)": _("two-way mixed, consistency, mean of the panel"),
    }
    return labels.get(name, name)


@dataclass(frozen=True)
class IccRow:
    name: str
    label: str
    value: Figure
    low: Figure
    high: Figure
    reason: str

    @property
    def interval_defined(self) -> bool:
        # The k-judge transform of a negative lower bound can land above the upper one
        # (pingouin prints the same reversed pair): an interval with no meaning.
        return (
            self.low.value is not None
            and self.high.value is not None
            and self.low.value <= self.high.value
        )

    @property
    def interval(self) -> str:
        if not self.interval_defined:
            return DASH
        return f"[{self.low.text}, {self.high.text}]"

    @property
    def interval_reason(self) -> str:
        if self.interval_defined or not self.value.defined:
            return ""
        if self.low.value is not None and self.high.value is not None:
            return _("no meaningful interval: the panel agrees less than chance would")
        return self.reason


@dataclass(frozen=True)
class DeviationRow:
    judge: Judge
    cells: int
    mean_deviation: Figure
    mean_abs_deviation: Figure
    correlation: Figure
    outside: int
    flagged: bool
    reasons: list[str]


@dataclass(frozen=True)
class KendallRow:
    w: Figure
    chi2: Figure
    df: int
    p: float | None
    reason: str

    @property
    def p_text(self) -> str:
        return p_text(self.p)


@dataclass(frozen=True)
class ReliabilityView:
    participants_used: int
    participants_excluded: int
    judges: int
    kendall: KendallRow
    iccs: list[IccRow]
    corridor: Figure
    deviations: list[DeviationRow]
    idle_judges: list[Judge]  # scored no confirmed participant

    @property
    def flagged(self) -> list[DeviationRow]:
        return [d for d in self.deviations if d.flagged]

    @property
    def icc_notes(self) -> list[tuple[str, str]]:
        """Why figures of the ICC table are "—": each reason once, with what it applies to."""
        notes = [(icc.reason, icc.name) for icc in self.iccs if not icc.value.defined]
        notes += [(icc.interval_reason, icc.name) for icc in self.iccs if icc.interval_reason]
        return _grouped(notes)

    @property
    def deviation_notes(self) -> list[tuple[str, str]]:
        notes = [
            (figure.reason, d.judge.code)
            for d in self.deviations
            for figure in (d.mean_deviation, d.correlation)
            if not figure.defined
        ]
        return _grouped(notes)


def _grouped(notes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(reason, what) pairs as one line per reason: [(reason, "J3、J6")]."""
    by_reason: dict[str, list[str]] = {}
    for reason, what in notes:
        names = by_reason.setdefault(reason or DASH, [])
        if what not in names:
            names.append(what)
    separator = pgettext("list separator", ", ")
    return [(reason, separator.join(names)) for reason, names in by_reason.items()]


def _reliability(
    ranked: list[ParticipantResult], judges: list[Judge]
) -> tuple[ReliabilityView | None, str]:
    """Kendall's W, the ICCs and each judge's deviation on the judges' totals of confirmed
    results. A judge who scored no confirmed participant is left out of the table (a column with
    no cell would leave no complete case) and listed apart."""
    if not ranked:
        return None, _("No result is confirmed yet.")
    totals = [r.participant.result.get("totals", {}) for r in ranked]
    active = [j for j in judges if any(j.code in t for t in totals)]
    if not active:
        return None, _("No result is confirmed yet.")
    codes = [j.code for j in active]
    values = np.zeros((len(ranked), len(codes)))
    present = np.zeros((len(ranked), len(codes)), dtype=bool)
    for row, row_totals in enumerate(totals):
        for column, code in enumerate(codes):
            if code in row_totals:
                values[row, column] = float(Decimal(row_totals[code]))
                present[row, column] = True
    assessed = assess_panel(values, present, codes)
    kendall = assessed.kendall_w
    by_code = {j.code: j for j in active}
    return (
        ReliabilityView(
            participants_used=assessed.participants_used,
            participants_excluded=assessed.participants_excluded,
            judges=assessed.judges,
            kendall=KendallRow(
                w=Figure(kendall.w, explain(kendall.reason)),
                chi2=Figure(kendall.chi2, explain(kendall.reason), digits=2),
                df=kendall.df,
                p=kendall.p,
                reason=explain(kendall.reason),
            ),
            iccs=[
                IccRow(
                    name=icc.name,
                    label=icc_label(icc.name),
                    value=Figure(icc.value, explain(icc.reason)),
                    low=Figure(icc.ci95[0] if icc.ci95 else None),
                    high=Figure(icc.ci95[1] if icc.ci95 else None),
                    reason=explain(icc.reason),
                )
                for icc in assessed.icc
            ],
            corridor=Figure(
                assessed.corridor_width,
                _("the judges' totals agree too closely to estimate the marking noise"),
            ),
            deviations=[_deviation(d, by_code[d.judge]) for d in assessed.deviations],
            idle_judges=[j for j in judges if j not in active],
        ),
        "",
    )


def _deviation(deviation: JudgeDeviation, judge: Judge) -> DeviationRow:
    # Only a judge who shared no participant with another judge has no deviation at all.
    idle = explain(deviation.correlation_reason) if deviation.cells == 0 else ""
    return DeviationRow(
        judge=judge,
        cells=deviation.cells,
        mean_deviation=Figure(deviation.mean_deviation, idle, 2, signed=True),
        mean_abs_deviation=Figure(deviation.mean_abs_deviation, idle, 2),
        correlation=Figure(deviation.correlation, explain(deviation.correlation_reason)),
        outside=deviation.outside_corridor,
        flagged=deviation.flagged,
        reasons=[explain(reason) for reason in deviation.flag_reasons],
    )
