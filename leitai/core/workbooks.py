"""Writing .xlsx and .csv downloads: templates, exports and annotated error workbooks."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from leitai.core.inert import csv_row, make_inert, xlsx_row
from leitai.core.tabular import Column, open_sheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RED_FILL = "FFF4CCCC"
HEADER_FILL = "FFB71C1C"


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] = (),
) -> FileResponse:
    """A write-only workbook spooled to a temporary file: memory stays flat for big exports."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """UTF-8 with a BOM, which Excel on Chinese Windows needs to show the characters right."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


ANNOTATE_ALL_ROWS_UP_TO = 100_000


def annotated_errors_response(
    filename: str,
    path: Path,
    original_name: str,
    columns: list[Column],
    problems: list[list[Any]],
) -> HttpResponse:
    """The uploaded rows with an "errors" column and the faulty cells filled red.

    Up to ANNOTATE_ALL_ROWS_UP_TO rows the whole file comes back, ready to fix and upload again;
    beyond that only the rows with problems (a workbook of a million rows helps nobody).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    by_row: dict[int, list[list[Any]]] = {}
    for problem in problems:
        by_row.setdefault(int(problem[0]), []).append(problem)
    sheet_in = open_sheet(path, columns, original_name)
    header = list(sheet_in.header)
    fields_in_order = [sheet_in.field_of_column.get(i) for i in range(len(header))]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    red = PatternFill("solid", fgColor=RED_FILL)
    bold = Font(bold=True)
    heading = [
        make_inert(WriteOnlyCell(sheet, value=v)) for v in ["行号 row", *header, "错误 errors"]
    ]
    for cell in heading:
        cell.font = bold
    sheet.append(heading)
    whole = sum(1 for _ in open_sheet(path, columns, original_name).rows) <= ANNOTATE_ALL_ROWS_UP_TO
    file_level = by_row.get(1, [])
    if file_level:
        sheet.append(
            xlsx_row(sheet, [1, *[""] * len(header), "；".join(str(p[3]) for p in file_level)])
        )
    for row_number, values in sheet_in.rows:
        row_problems = by_row.get(row_number, [])
        if not row_problems and not whole:
            continue
        bad_columns = {str(p[1]) for p in row_problems}
        cells = [WriteOnlyCell(sheet, value=row_number)]
        for index, text in enumerate(header):
            field = fields_in_order[index]
            cell = make_inert(WriteOnlyCell(sheet, value=values.get(field, "") if field else ""))
            if text in bad_columns:
                cell.fill = red
            cells.append(cell)
        note = make_inert(
            WriteOnlyCell(
                sheet,
                value="；".join(f"{p[1]}: {p[3]}" for p in row_problems) if row_problems else "",
            )
        )
        if row_problems:
            note.font = Font(color="FF8E1414")
        cells.append(note)
        sheet.append(cells)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def workbook_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
