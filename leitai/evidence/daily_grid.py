"""The month-by-metric grid of a unit's daily data, as the unit's page shows it: plain values
built from the pure rule's result (`leitai.scoring.daily.DailyScore`), nothing computed twice.

Each metric is one row over the window's months. A judged block is one cell spanning its months
(a quarter three, a year twelve), labelled with them, met or missed; months before the founding
month and a trailing incomplete block are "not judged"; 党小组会 of a unit without party groups is
"not applicable". Every figure names the import it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from leitai.evidence.queries_daily import Figure, SourceImport, month_number
from leitai.scoring.daily import Block, DailyScore, LeftOut, MetricKind, MetricResult, Month
from leitai.scoring.exact import plain, round_half_up


class CellState:
    MET = "met"
    MISSED = "missed"
    NOT_JUDGED = "not-judged"
    NOT_APPLICABLE = "not-applicable"


@dataclass
class Cell:
    span: int
    state: str
    label: str  # the block's months, "2026-01 – 2026-03"
    text: str  # the figure shown
    symbol: str
    note: str  # the state in words (the cell is never read by colour alone)
    sources: list[int] = field(default_factory=list)  # source numbers (1-based, see Sources)


@dataclass
class Row:
    key: str
    name: str
    cadence: str
    weight: str
    completion: str
    missed: list[str]
    cells: list[Cell]
    left_out: str


def _months_label(months: tuple[Month, ...]) -> str:
    if len(months) == 1:
        return str(months[0])
    return f"{months[0]} – {months[-1]}"


def percent(value: Fraction) -> str:
    return plain(round_half_up(value * 100, 2))


def _figure_text(kind: MetricKind, value: Figure | Decimal) -> str:
    if kind is MetricKind.RATIO:
        return f"{plain(round_half_up(Fraction(value) * 100, 2))}%"
    return str(value)


class Sources:
    """The imports the figures came from, numbered in the order first used."""

    def __init__(self, imports: Mapping[int, SourceImport]) -> None:
        self.imports = imports
        self.numbers: dict[int, int] = {}
        # Each import's row, formatted once: a grid asks for a title per cell (108 of them), and
        # formatting every import's time for each cell was most of the page's time.
        self.rows: dict[int, dict[str, object]] = {}

    def number(self, import_id: int) -> int:
        if import_id not in self.numbers:
            self.numbers[import_id] = len(self.numbers) + 1
        return self.numbers[import_id]

    def _row(self, import_id: int) -> dict[str, object]:
        row = self.rows.get(import_id)
        if row is None:
            source = self.imports[import_id]
            when = (
                date_format(localtime(source.current_at), "DATETIME_FORMAT")
                if source.current_at
                else ""
            )
            row = self.rows[import_id] = {
                "number": self.numbers[import_id],
                "id": import_id,
                "file": source.file_name,
                "when": when,
            }
        return row

    def listed(self) -> list[dict[str, object]]:
        ordered = sorted(self.numbers.items(), key=lambda item: item[1])
        return [self._row(import_id) for import_id, _number in ordered]

    def title(self, numbers: list[int]) -> str:
        import_of = {number: import_id for import_id, number in self.numbers.items()}
        rows = [self._row(import_of[n]) for n in numbers if n in import_of]
        return "; ".join(
            _("Import #%(id)s, %(file)s, %(when)s")
            % {"id": row["id"], "file": row["file"], "when": row["when"]}
            for row in rows
        )


def _block_cell(
    result: MetricResult,
    block: Block,
    values: Mapping[tuple[str, int], tuple[Figure, int]],
    sources: Sources,
) -> Cell:
    metric = result.metric
    numbers = sorted(
        {
            sources.number(values[(metric.key, month_number(month))][1])
            for month in block.months
            if (metric.key, month_number(month)) in values
        }
    )
    if metric.kind is MetricKind.RATIO:
        met = block.recorded
        text = _figure_text(metric.kind, block.value) if block.recorded else _("no record")
        note = _("recorded") if met else _("no record: counts 0")
    else:
        met = block.met
        text = str(block.value) if block.recorded else "0"
        note = (
            _("met: %(n)s held") % {"n": block.value}
            if met
            else _("missed: %(n)s held, %(required)s required")
            % {"n": block.value, "required": metric.requirement}
        )
    return Cell(
        span=len(block.months),
        state=CellState.MET if met else CellState.MISSED,
        label=_months_label(block.months),
        text=text,
        symbol="✓" if met else "✗",
        note=note,
        sources=numbers,
    )


def _gap(months: list[Month], note: str, state: str = CellState.NOT_JUDGED) -> Cell:
    return Cell(
        span=len(months),
        state=state,
        label=_months_label(tuple(months)),
        text="",
        symbol="–" if state == CellState.NOT_JUDGED else "∅",
        note=note,
    )


def cadence_label(months: int) -> str:
    return {1: _("monthly"), 3: _("quarterly"), 12: _("yearly")}.get(months, str(months))


def grid_rows(
    outcome: DailyScore,
    months: list[Month],
    values: Mapping[tuple[str, int], tuple[Figure, int]],
    sources: Sources,
) -> list[Row]:
    rows = []
    for result in outcome.metrics:
        metric = result.metric
        cells: list[Cell] = []
        missed: list[str] = []
        if result.left_out == LeftOut.NO_PARTY_GROUPS:
            cells.append(
                _gap(months, _("not applicable: no party groups"), CellState.NOT_APPLICABLE)
            )
        elif outcome.first is None:
            cells.append(_gap(months, _("not judged: founded after the window")))
        else:
            before = [m for m in months if m < outcome.first]
            if before:
                cells.append(_gap(before, _("not judged: before the founding month")))
            covered: set[Month] = set()
            for block in result.blocks:
                cell = _block_cell(result, block, values, sources)
                cells.append(cell)
                covered.update(block.months)
                if cell.state == CellState.MISSED:
                    missed.append(cell.label)
            rest = [m for m in months if m >= outcome.first and m not in covered]
            if rest:
                note = (
                    _("not judged: no whole period in the span")
                    if result.left_out == LeftOut.NO_WHOLE_PERIOD
                    else _("not judged: an incomplete period at the end")
                )
                cells.append(_gap(rest, note))
        rows.append(
            Row(
                key=metric.key,
                name=metric.name,
                cadence=cadence_label(metric.block_months),
                weight=plain(round_half_up(result.weight, 2)),
                completion=percent(result.completion) if result.completion is not None else "",
                missed=missed,
                cells=cells,
                left_out=result.left_out,
            )
        )
    return rows
