"""Reading a file of named columns for the evidence commands (`leitai stats honours`, `… daily`).

The same files as the marks reader (`longtable`): .csv in UTF-8, UTF-8 with BOM or GB18030, or
the first sheet of an .xlsx; a header row names the columns (any order, any case; other columns
are ignored); blank lines are skipped. Every problem is an `InputError` naming the file, the line
and the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from leitai.scoring.analysis.longtable import InputError, decode_text, iter_csv_rows, iter_xlsx_rows


@dataclass(frozen=True)
class Record:
    line: int
    cells: dict[str, str]  # column → its text, trimmed
    raw: dict[str, Any]  # column → the cell as read (an .xlsx date stays a date)


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without their “.0”, an Excel date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_records(
    path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[Record]:
    """The rows of `path` with the `required` columns (each cell non-empty) and the `optional`
    ones present in the header; InputError for a missing file, column or cell, or no rows."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, None, "permission denied") from None
    if not data.strip():
        raise InputError(path, 1, "the file is empty")
    rows: Iterator[tuple[int, list[Any]]]
    if file.suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
        rows = iter_xlsx_rows(path, data)
    else:
        rows = iter_csv_rows(decode_text(path, data))
    header_line, header = _header(path, rows)
    columns = {name: index for index, name in reversed(list(enumerate(header))) if name}
    missing = [name for name in required if name not in columns]
    if missing:
        shown = ",".join(header)
        raise InputError(path, header_line, f"missing column {missing[0]!r} (header: {shown})")
    wanted = {name: columns[name] for name in (*required, *optional) if name in columns}
    records = []
    for line, row in rows:
        texts = [cell_text(cell) for cell in row]
        if not any(texts):
            continue  # blank lines (and Excel's empty rows) carry nothing
        cells = {name: texts[index] if index < len(texts) else "" for name, index in wanted.items()}
        for name in required:
            if not cells[name]:
                raise InputError(path, line, f"empty {name}")
        raw = {name: row[index] if index < len(row) else None for name, index in wanted.items()}
        records.append(Record(line, cells, raw))
    if not records:
        raise InputError(path, header_line + 1, "no rows after the header")
    return records


def _header(path: str, rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[str]]:
    for line, row in rows:
        names = [cell_text(cell).lower() for cell in row]
        if any(names):
            return line, names
    raise InputError(path, 1, "the file is empty")
