"""Who scores a participant, and its result computed by the scoring core (read-only helpers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from leitai.arenas.models import Absence, Arena, Judge, Mark, Participant, Recusal, Sheet
from leitai.arenas.results.layout import result_figures
from leitai.scoring import PanelScore, Placing, score_panel
from leitai.scoring.exact import plain
from leitai.scoring.membership import Seat, seat_of
from leitai.scoring.ranking import TieBreakKind, rank_keys
from leitai.scoring.reliability import CorridorRule, judge_deviations

# The corridor around the other judges' mean outside which a judge's total is marked for the head
# judge as a likely slip (a 69 among 88–91): a fixed width, as in ISU's fixed corridors (see
# docs/scoring.md), of a tenth of the sheet's maximum total. The robust width the results page
# estimates needs many participants; the head judge must be told on the first one.
SLIP_CORRIDOR_SHARE = Decimal("0.1")


class Excluding(Protocol):
    """A judge's active recusal or absence for a participant, as the panel rule reads it: a
    Recusal or an Absence row, or the live views' plain copy (arenas.live.state)."""

    @property
    def judge_id(self) -> int: ...

    @property
    def participant_id(self) -> int: ...

    @property
    def reason(self) -> str: ...


@dataclass
class PanelStatus:
    """For one participant: the judges expected to score, who has, and who is not expected why
    (each judge's seat by the panel rule, leitai.scoring.membership)."""

    expected: list[Judge]
    seats: dict[int, Seat]  # judge id → expected, recused, absent, not present
    recusals: Mapping[int, Excluding]  # judge id → active recusal (a conflict of interest)
    # judge id → active absence (scoring closed without the sheet)
    absences: Mapping[int, Excluding]
    sheets: dict[int, Sheet]  # judge id → active sheet
    # sheet id → its marks, when read in bulk (sheet_values); else read from each sheet
    marks: dict[int, dict[str, Decimal]] | None = None

    @property
    def submitted(self) -> list[Judge]:
        return [j for j in self.expected if j.pk in self.sheets]

    @property
    def missing(self) -> list[Judge]:
        return [j for j in self.expected if j.pk not in self.sheets]

    @property
    def all_in(self) -> bool:
        return bool(self.expected) and not self.missing


def panel_status(participant: Participant, judges: list[Judge] | None = None) -> PanelStatus:
    judges = judges if judges is not None else list(participant.arena.judges.all())
    recusals = {r.judge_id: r for r in Recusal.objects.filter(participant=participant, active=True)}
    absences = {a.judge_id: a for a in Absence.objects.filter(participant=participant, active=True)}
    sheets = {
        s.judge_id: s
        for s in Sheet.objects.filter(participant=participant, active=True).prefetch_related(
            "marks"
        )
    }
    return status_of(participant, judges, recusals, absences, sheets)


def status_of(
    participant: Participant,
    judges: list[Judge],
    recusals: Mapping[int, Excluding],
    absences: Mapping[int, Excluding],
    sheets: dict[int, Sheet],
    marks: dict[int, dict[str, Decimal]] | None = None,
) -> PanelStatus:
    """The panel for one participant from rows already read (judge id → active recusal, → active
    absence, → sheet), by the panel rule (leitai.scoring.membership)."""
    seats = {
        j.pk: seat_of(j, participant.position, recused=j.pk in recusals, absent=j.pk in absences)
        for j in judges
    }
    return PanelStatus(
        expected=[j for j in judges if seats[j.pk] is Seat.EXPECTED],
        seats=seats,
        recusals=recusals,
        absences=absences,
        sheets=sheets,
        marks=marks,
    )


def sheet_marks(
    sheet: Sheet, read: dict[int, dict[str, Decimal]] | None = None
) -> dict[str, Decimal]:
    """The sheet's marks, normalised; from `read` (sheet_values) when given."""
    if read is not None:
        return {criterion: value.normalize() for criterion, value in read[sheet.pk].items()}
    return {mark.criterion: mark.value.normalize() for mark in sheet.marks.all()}


def sheet_values(sheets: Iterable[Sheet]) -> dict[int, dict[str, Decimal]]:
    """The marks of these sheets in one query, as plain values: a live arena's state is rebuilt
    after every change, and a model instance per mark was most of that build's cost."""
    read: dict[int, dict[str, Decimal]] = {sheet.pk: {} for sheet in sheets}
    rows = Mark.objects.filter(sheet_id__in=list(read)).order_by("pk")
    for sheet_id, criterion, value in rows.values_list("sheet_id", "criterion", "value"):
        read[sheet_id][criterion] = value
    return read


def compute(arena: Arena, status: PanelStatus) -> PanelScore:
    rules = arena.rules
    sheets = {
        judge.code: sheet_marks(status.sheets[judge.pk], status.marks) for judge in status.submitted
    }
    return score_panel(sheets, weights=rules.rubric.weights, rule=rules.rule)


def result_json(score: PanelScore, status: PanelStatus) -> dict[str, Any]:
    """The stored, published result: the figures the ledger's replay recomputes (decimal
    strings, never floats) and the ledger entries of the sheets it came from."""
    submitted = {j.pk for j in status.submitted}
    return {
        **result_figures(score),
        "sheets": sorted(s.ledger_seq for s in status.sheets.values() if s.judge_id in submitted),
    }


def rank(arena: Arena, participants: list[Participant]) -> list[Placing]:
    """Competition ranking of confirmed participants from their stored results, with the
    programme's tie-break chain; no recomputation, so no query per participant."""
    chain = arena.rules.tie_breaks
    keys: dict[str, tuple[Fraction | Decimal, ...]] = {}
    for participant in participants:
        stored = participant.result or {}
        values: list[Fraction | Decimal] = [Decimal(stored["score"])]
        for tie_break in chain:
            if tie_break.kind is TieBreakKind.UNTRIMMED_MEAN:
                values.append(Fraction(stored["untrimmed_mean"]))
            else:
                values.append(Decimal(stored["criterion_marks"][tie_break.criterion]))
        keys[str(participant.pk)] = tuple(values)
    return rank_keys(keys, [tb.name for tb in chain])


def outlying_totals(totals: dict[str, str], maximum_total: Decimal) -> list[dict[str, str]]:
    """The judges whose total lies outside the corridor around the other judges' mean, by the
    scoring core's deviation rule (each total against the mean of the others), with how far.
    Needs three totals: between two, neither can be said to be the odd one."""
    if len(totals) < 3:
        return []
    codes = list(totals)
    values = np.array([[float(totals[code]) for code in codes]])
    width = maximum_total * SLIP_CORRIDOR_SHARE
    deviations, _ = judge_deviations(
        values, np.ones_like(values, dtype=bool), codes, CorridorRule(width=float(width))
    )
    outliers = []
    for deviation in deviations:
        if not deviation.outside_corridor or deviation.mean_deviation is None:
            continue
        gap = Decimal(str(round(deviation.mean_deviation, 2)))
        outliers.append(
            {
                "judge": deviation.judge,
                "total": totals[deviation.judge],
                "deviation": plain(gap),
                "others_mean": plain(Decimal(totals[deviation.judge]) - gap),
                "corridor": plain(width),
            }
        )
    return outliers
