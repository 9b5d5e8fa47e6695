"""Streaming reads of the spreadsheets officials upload: .xlsx, or .csv in UTF-8 (with or without
a BOM) or GB18030 (what Excel on Chinese Windows writes when it saves "CSV").

A reader yields (row_number, {field: text}) with row numbers as a spreadsheet shows them (the
header is row 1), maps Chinese or English headers onto field names, and never holds the whole
file in memory. Problems with the file as a whole raise `FileProblem` with a message for people.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from leitai.core.inert import strip_export_quote

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls and other OLE2 files


class FileProblem(Exception):
    """The file as a whole cannot be read as the spreadsheet we expect."""


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]  # accepted header texts, compared case-insensitively
    required: bool = True


@dataclass
class Sheet:
    """An open spreadsheet: its header as written, the fields found, and its records.

    Read it once, either as `rows` (dicts; convenient) or as `tuples(fields)` (the fast path a
    million-row import uses). Wholly empty lines are skipped; row numbers count them, as a
    spreadsheet program would.
    """

    header: list[str]
    field_of_column: dict[int, str]
    records: Iterator[list[Any]]
    cells_are_text: bool  # CSV cells are strings already; xlsx cells are numbers, dates, None
    fields: list[str] = field(default_factory=list)  # every column the reader knows

    def header_text(self, field: str) -> str:
        for index, name in self.field_of_column.items():
            if name == field:
                return self.header[index]
        return field

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        fields = self.fields or list(dict.fromkeys(self.field_of_column.values()))
        for number, values in self.tuples(fields):
            yield number, dict(zip(fields, values, strict=True))

    def tuples(self, fields: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(row number, the cells of `fields` in that order); absent optional fields read ""."""
        column_of = {field: index for index, field in self.field_of_column.items()}
        positions = [column_of.get(field, -1) for field in fields]
        if not self.cells_are_text:
            yield from self._converted(positions)
            return
        width = max(positions) + 1
        complete = all(p >= 0 for p in positions)
        pick = itemgetter(*positions) if complete and len(positions) > 1 else None
        strip = str.strip
        for number, record in enumerate(self.records, start=2):
            if len(record) < width:
                record = record + [""] * (width - len(record))
            if pick is not None:
                values = tuple(map(strip, pick(record)))
            else:
                values = tuple(strip(record[p]) if p >= 0 else "" for p in positions)
            if not any(values) and not "".join(record).strip():
                continue  # wholly empty lines at the end of a sheet are common; not rows
            if "'" in "".join(values):  # one C-level test per row keeps the million-row pace
                # The apostrophe a CSV export put before formula-like text (leitai.core.inert);
                # an .xlsx export writes string cells instead, so .xlsx cells are read as they are.
                values = tuple(map(strip_export_quote, values))
            yield number, values

    def _converted(self, positions: list[int]) -> Iterator[tuple[int, tuple[str, ...]]]:
        for number, record in enumerate(self.records, start=2):
            width = len(record)
            values = tuple(_cell_text(record[p]) if 0 <= p < width else "" for p in positions)
            if not any(values) and all(_is_blank(v) for v in record):
                continue
            yield number, values


def detect_encoding(path: Path, chunk_size: int = 1 << 20) -> str:
    """'utf-8-sig' when every byte decodes as UTF-8 (a BOM is skipped), otherwise 'gb18030'.

    The whole file is checked incrementally: a stray GBK byte may sit on the millionth line, and
    guessing from the first kilobytes would then fail halfway through an import.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                break
        else:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                pass
            else:
                return "utf-8-sig"
    # GB18030 maps every byte sequence made of valid GB18030 units; it is a superset of GBK.
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise FileProblem(
                    _("The file is neither UTF-8 nor GB18030 text, nor an .xlsx workbook.")
                ) from None
    return "gb18030"


def sniff_kind(path: Path, original_name: str = "") -> str:
    """'xlsx' or 'csv' from the file's first bytes, checked against what its name claims."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise FileProblem(_("The file is empty."))
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise FileProblem(
            _("This is an Excel 97-2003 (.xls) file; save it as .xlsx or CSV and upload again.")
        )
    name = (original_name or path.name).lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("The file is named .xlsx but is not an Excel workbook."))
    if b"\x00" in head:
        raise FileProblem(_("The file is not a spreadsheet (.xlsx or .csv)."))
    return "csv"


def _normalise_header(text: str) -> str:
    return "".join(text.split()).lower().lstrip("\ufeff")


def _map_header(header: list[str], columns: list[Column]) -> dict[int, str]:
    wanted = {_normalise_header(h): c.field for c in columns for h in (c.field, *c.headers)}
    mapping: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, text in enumerate(header):
        field = wanted.get(_normalise_header(text))
        if field is None:
            continue
        if field in seen:
            raise FileProblem(
                _("Columns %(first)s and %(second)s both give “%(field)s”.")
                % {"first": header[seen[field]], "second": text, "field": field}
            )
        seen[field] = index
        mapping[index] = field
    missing = [c for c in columns if c.required and c.field not in seen]
    if missing:
        expected = "; ".join(f"{c.headers[0]} / {c.field}" for c in missing)
        raise FileProblem(
            _("The header row lacks required columns: %(columns)s.") % {"columns": expected}
        )
    return mapping


@dataclass(frozen=True)
class Formula:
    """An .xlsx cell holding a formula: never read as data (see `_cell_text`)."""

    cell: str  # "B7"
    text: str  # "=SUM(A1:A3)"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        # A formula's cached value may be stale or missing (openpyxl and many tools write none),
        # so reading it would silently import a wrong or empty value: the user saves values.
        raise FileProblem(
            _(
                "Cell %(cell)s holds a formula (%(formula)s); formulas are not read. Save the "
                "sheet as values (copy it, then paste special → values) and upload again."
            )
            % {"cell": value.cell, "formula": value.text[:60]}
        )
    if isinstance(value, float) and value.is_integer():
        # Excel stores a code typed as 370200 as the float 370200.0.
        return str(int(value))
    return str(value).strip()


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_sheet(path: Path, columns: list[Column], original_name: str = "") -> Sheet:
    kind = sniff_kind(path, original_name)
    sheet = _open_xlsx(path, columns) if kind == "xlsx" else _open_csv(path, columns)
    sheet.fields = [column.field for column in columns]
    return sheet


def _open_csv(path: Path, columns: list[Column]) -> Sheet:
    encoding = detect_encoding(path)
    handle: IO[str] = path.open("r", encoding=encoding, newline="")
    try:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        except StopIteration:
            raise FileProblem(_("The file is empty.")) from None
        except csv.Error as error:
            raise FileProblem(
                _("The file is not valid CSV: %(error)s") % {"error": error}
            ) from None
        mapping = _map_header(header, columns)
    except BaseException:
        handle.close()
        raise

    def records() -> Iterator[list[str]]:
        with handle:
            try:
                yield from reader
            except csv.Error as error:
                raise FileProblem(
                    _("Row %(row)s is not valid CSV: %(error)s")
                    % {"row": reader.line_num, "error": error}
                ) from None

    return Sheet(header=header, field_of_column=mapping, records=records(), cells_are_text=True)


def _open_xlsx(path: Path, columns: list[Column]) -> Sheet:
    import openpyxl  # imported here: loading it costs ~0.2 s and CSV imports never need it

    try:
        # data_only=False: formula cells come with their formula, so they can be refused.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileProblem(
            _("The file could not be opened as an Excel workbook: %(error)s") % {"error": error}
        ) from None
    sheet = workbook.worksheets[0]
    records = (
        [Formula(c.coordinate, str(c.value)) if c.data_type == "f" else c.value for c in row]
        for row in sheet.iter_rows()
    )
    try:
        header = [_cell_text(v) for v in next(records)]
    except StopIteration:
        workbook.close()
        raise FileProblem(_("The file is empty.")) from None
    while header and header[-1] == "":
        header.pop()
    if not header:
        workbook.close()
        raise FileProblem(_("The file is empty."))
    try:
        mapping = _map_header(header, columns)
    except FileProblem:
        workbook.close()
        raise

    def rows() -> Iterator[list[object]]:
        try:
            yield from records
        finally:
            workbook.close()

    return Sheet(header=header, field_of_column=mapping, records=rows(), cells_are_text=False)
