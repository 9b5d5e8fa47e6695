"""An arena's results as files: the .xlsx workbook and the PDF score sheet to be signed.

Both are built from `leitai.arenas.results.build_results`, so they show exactly the figures of the
results page. The PDF is the paper record the panel and the host sign: it is always in Chinese,
and its footer carries the head of the arena's ledger chain, so the paper can be checked against
the record (`leitai ledger verify`).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from leitai.arenas.models import Arena
from leitai.arenas.results.reliability import Figure
from leitai.arenas.results.tables import ArenaResults, Cell, CellState, build_results
from leitai.core.inert import make_inert

PDF_LANGUAGE = "zh-hans"
SCORESHEET_CSS = "leitai/scoresheet.css"

HEADER_FONT = Font(color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
TITLE_FONT = Font(size=14, color="8E1414")
NOTE_FONT = Font(color="86909C")
STRUCK = Font(strike=True, color="86909C")
FLAG_FILL = PatternFill("solid", fgColor="FDECEA")
TIE_FILL = PatternFill("solid", fgColor="FFF4E5")


def filename(arena: Arena, extension: str) -> str:
    # The title is Chinese; Content-Disposition carries it as UTF-8 (filename*), with an ASCII
    # fallback that Django derives.
    title = re.sub(r'[\\/:*?"<>|\s]+', "-", arena.title).strip("-") or "arena"
    return f"{title}-{arena.pk}.{extension}"


# -- .xlsx ---------------------------------------------------------------------------------------


def _number(text: str | None) -> Decimal | str:
    if text is None or text == "—":
        return "—"
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def _figure(figure: Figure) -> float | str:
    return "—" if figure.value is None else round(figure.value, figure.digits + 1)


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _title(sheet: Worksheet, results: ArenaResults, heading: str) -> None:
    arena = results.arena
    sheet.cell(row=1, column=1, value=f"{arena.title} · {heading}").font = TITLE_FONT
    status = _("Final") if results.final else _("Provisional: the arena is not closed")
    sheet.cell(
        row=2,
        column=1,
        value=(
            f"{arena.programme.name} · {arena.host.name} · "
            f"{timezone.localtime(arena.starts_at):%Y-%m-%d %H:%M} · {status}"
        ),
    ).font = NOTE_FONT
    sheet.cell(
        row=3,
        column=1,
        value=_("Ledger %(chain)s, entry %(seq)s, hash %(hash)s")
        % {"chain": results.chain, "seq": results.chain_seq, "hash": results.chain_hash},
    ).font = NOTE_FONT


FIRST_ROW = 5  # tables start below the title block


def _ranking_sheet(sheet: Worksheet, results: ArenaResults) -> None:
    _title(sheet, results, _("Ranking"))
    _header(
        sheet,
        FIRST_ROW,
        [
            _("Rank"),
            _("Unit code"),
            _("Unit"),
            _("Presenter"),
            pgettext("presentation order", "Order"),
            _("Score"),
            _("Judges"),
            _("Dropped"),
            _("Rule applied"),
            _("Tie"),
        ],
    )
    decimals = results.arena.rules.rule.decimals
    row = FIRST_ROW
    for entry in results.ranking:
        row += 1
        participant = entry.participant
        values: list[Any] = [
            entry.rank if entry.rank is not None else _standing_label(entry.standing),
            participant.unit.code,
            participant.unit.name,
            participant.presenter,
            participant.position,
            _number(entry.score) if entry.score is not None else None,
            entry.judges or None,
            pgettext("list separator", ", ").join(entry.dropped),
            entry.note,
            entry.tie_text,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if entry.tied:
                cell.fill = TIE_FILL
        sheet.cell(row=row, column=6).number_format = "0." + "0" * decimals if decimals else "0"
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW + 1, column=1)
    _widths(sheet, [8, 14, 28, 12, 7, 10, 7, 30, 34, 34])


def _standing_label(standing: Any) -> str:
    labels = {
        "absent": _("Absent"),
        "withdrawn": _("Withdrawn"),
        "in_progress": _("Scoring in progress"),
        "not_yet": _("Not yet presented"),
    }
    return labels.get(str(standing), "")


def _cell_status(cell: Cell) -> str:
    if cell.state is CellState.SCORED:
        if cell.total_dropped:
            return _("Dropped (highest)") if cell.drop_side == "high" else _("Dropped (lowest)")
        return _("Counted")
    return {
        CellState.NOT_COUNTED: _("Not counted"),
        CellState.SUBMITTED: _("Submitted, result not confirmed"),
        CellState.WAITING: _("No sheet"),
        CellState.RECUSED: _("Recused"),
        CellState.ABSENT: _("Absent"),
    }[cell.state]


def _cell_note(cell: Cell) -> str:
    notes = [cell.reason] if cell.reason else []
    if cell.correction is not None:
        text = _("Corrected")
        if cell.correction.previous_total is not None:
            text += " " + _("(was %(total)s)") % {"total": cell.correction.previous_total}
        if cell.correction.reason:
            text += f": {cell.correction.reason}"
        notes.append(text)
    return "；".join(notes)


def _marks_sheet(sheet: Worksheet, results: ArenaResults) -> None:
    _title(sheet, results, _("Marks"))
    criteria = results.criteria
    labels = [
        pgettext("presentation order", "Order"),
        _("Unit code"),
        _("Unit"),
        _("Judge"),
        _("Judge's name"),
    ]
    labels += [f"{c.label} ({c.maximum})" for c in criteria]
    labels += [_("Total"), _("Status"), _("Source"), _("Note")]
    _header(sheet, FIRST_ROW, labels)
    row = FIRST_ROW
    for entry in results.participants:
        for cell in entry.cells:
            row += 1
            participant = entry.participant
            values: list[Any] = [
                participant.position,
                participant.unit.code,
                participant.unit.name,
                cell.judge.code,
                cell.judge.name,
            ]
            values += [_number(m.value) for m in cell.marks] or [None] * len(criteria)
            values += [
                _number(cell.total) if cell.total is not None else None,
                _cell_status(cell),
                (_("Paper sheet") if cell.paper else _("Phone")) if cell.has_marks else "",
                _cell_note(cell),
            ]
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            for offset, mark in enumerate(cell.marks):
                if mark.dropped:
                    sheet.cell(row=row, column=6 + offset).font = STRUCK
            if cell.total_dropped:
                sheet.cell(row=row, column=6 + len(criteria)).font = STRUCK
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW + 1, column=6)
    _widths(sheet, [7, 14, 28, 7, 12, *[11] * len(criteria), 9, 16, 10, 40])


def _judges_sheet(sheet: Worksheet, results: ArenaResults) -> None:
    _title(sheet, results, _("Judges"))
    _header(
        sheet,
        FIRST_ROW,
        [
            _("Judge"),
            _("Judge's name"),
            _("Affiliation"),
            _("Head judge"),
            _("Participants scored"),
            _("Mean deviation"),
            _("Mean absolute deviation"),
            _("Correlation with the others"),
            _("Totals outside the corridor"),
            _("Flagged"),
            _("Reason"),
        ],
    )
    reliability = results.reliability
    row = FIRST_ROW
    if reliability is None:
        sheet.cell(row=row + 1, column=1, value=results.reliability_reason).font = NOTE_FONT
        _widths(sheet, [7, 12, 26, 9, 10, 12, 12, 14, 12, 8, 50])
        return
    for deviation in reliability.deviations:
        row += 1
        judge = deviation.judge
        reasons = deviation.reasons or [
            r for r in (deviation.correlation.reason, deviation.mean_deviation.reason) if r
        ]
        values: list[Any] = [
            judge.code,
            judge.name,
            _affiliation(judge),
            _("Yes") if judge.is_head else "",
            deviation.cells,
            _figure(deviation.mean_deviation),
            _figure(deviation.mean_abs_deviation),
            _figure(deviation.correlation),
            deviation.outside,
            _("Flagged") if deviation.flagged else "",
            "；".join(reasons),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if deviation.flagged:
                cell.fill = FLAG_FILL
    for judge in reliability.idle_judges:
        row += 1
        for column, value in enumerate(
            [judge.code, judge.name, _affiliation(judge), "", 0], start=1
        ):
            sheet.cell(row=row, column=column, value=value)
        sheet.cell(row=row, column=11, value=_("scored no confirmed participant"))

    row += 2
    sheet.cell(row=row, column=1, value=_("Panel reliability")).font = TITLE_FONT
    row += 1
    sheet.cell(
        row=row,
        column=1,
        value=_(
            "On the judges' totals of %(used)s participants scored by every judge "
            "(%(excluded)s left out for a missing total); corridor ±%(width)s."
        )
        % {
            "used": reliability.participants_used,
            "excluded": reliability.participants_excluded,
            "width": reliability.corridor.text,
        },
    ).font = NOTE_FONT
    row += 1
    _header(
        sheet,
        row,
        [
            _("Figure"),
            pgettext("statistic", "Value"),
            _("Interval (95%)"),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            _("Reason"),
        ],
    )
    kendall = reliability.kendall
    lines: list[list[Any]] = [
        ["Kendall W", _figure(kendall.w), "", kendall.reason],
        ["χ²", _figure(kendall.chi2), "", ""],
        ["df", kendall.df, "", ""],
        ["p", kendall.p_text if kendall.p is None else round(kendall.p, 4), "", ""],
    ]
    lines += [
        [
            f"{icc.name} {icc.label}",
            _figure(icc.value),
            icc.interval,
            icc.reason or icc.interval_reason,
        ]
        for icc in reliability.iccs
    ]
    for name, value, interval, reason in lines:
        row += 1
        sheet.cell(row=row, column=1, value=name)
        sheet.cell(row=row, column=2, value=value)
        sheet.cell(row=row, column=3, value=interval)
        sheet.cell(row=row, column=11, value=reason)
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW + 1, column=1)
    _widths(sheet, [10, 12, 26, 9, 10, 12, 12, 14, 12, 8, 50])


def _affiliation(judge: Any) -> str:
    if judge.affiliation_id is not None:
        return str(judge.affiliation.name)
    return str(judge.external_affiliation or "")


def results_workbook(results: ArenaResults) -> bytes:
    """Three sheets: the ranking, every mark (judge × criterion per participant), the judges."""
    book = Workbook()
    ranking = book.active
    assert ranking is not None
    ranking.title = _("Ranking")
    _ranking_sheet(ranking, results)
    _marks_sheet(book.create_sheet(_("Marks")), results)
    _judges_sheet(book.create_sheet(_("Judges")), results)
    # Names, presenters, affiliations and notes are typed by users: none may run as a formula.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                make_inert(cell)
    book.properties.title = results.arena.title
    book.properties.creator = "Leitai"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- PDF -----------------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter_css() -> str:
    """ "Page %(page)s of %(pages)s", translated, as a CSS content value with the counters."""
    template = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", template)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return " ".join(counters.get(part) or _css_string(part) for part in parts if part)


def scoresheet_html(arena: Arena) -> str:
    with translation.override(PDF_LANGUAGE):
        results = build_results(arena)
        return render_to_string(
            "arenas/scoresheet_pdf.html",
            {"arena": arena, "results": results, "page_counter": page_counter_css()},
        )


def scoresheet_pdf(arena: Arena) -> bytes:
    """The A4 score sheet, in Chinese, with signature lines and the ledger chain head."""
    from weasyprint import CSS, HTML  # imported on use: it takes a while to load

    html = scoresheet_html(arena)
    stylesheet = finders.find(SCORESHEET_CSS)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    pdf = HTML(string=html).write_pdf(stylesheets=stylesheets)
    assert pdf is not None
    return bytes(pdf)
