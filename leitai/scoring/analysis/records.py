"""Reading a file of named columns for the evidence commands (`leitai stats honours`, `… daily`).

The same files as the marks reader (`longtable`): .csv in UTF-8, UTF-8 with BOM or GB18030, or
the first sheet of an .xlsx; a header row names the columns (any order, any case; other columns
are ignored); blank lines are skipped. Every problem is an `InputError` naming the file, the line
and the problem.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from leitai.scoring.analysis.longtable import InputError, iter_xlsx_rows


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
    return list(iter_records(path, required, optional))


def iter_records(
    path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[Record]:
    """`read_records` one row at a time, for files too big to hold as records. A .csv is read
    as a stream (its encoding checked first, a chunk at a time): a province's 32.4 M-row file is
    never held in memory, neither as bytes nor as text."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            start = handle.read(4)
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, None, "permission denied") from None
    rows: Iterator[tuple[int, list[Any]]]
    if file.suffix.lower() == ".xlsx" or start == b"PK\x03\x04":
        data = file.read_bytes()
        if not data.strip():
            raise InputError(path, 1, "the file is empty")
        rows = iter_xlsx_rows(path, data)
    else:
        encoding, skip = _csv_encoding(path, file)
        rows = _csv_rows(file, encoding, skip)
    header_line, header = _header(path, rows)
    columns = {name: index for index, name in reversed(list(enumerate(header))) if name}
    missing = [name for name in required if name not in columns]
    if missing:
        shown = ",".join(header)
        raise InputError(path, header_line, f"missing column {missing[0]!r} (header: {shown})")
    wanted = {name: columns[name] for name in (*required, *optional) if name in columns}
    found = False
    for line, row in rows:
        texts = [cell_text(cell) for cell in row]
        if not any(texts):
            continue  # blank lines (and Excel's empty rows) carry nothing
        cells = {name: texts[index] if index < len(texts) else "" for name, index in wanted.items()}
        for name in required:
            if not cells[name]:
                raise InputError(path, line, f"empty {name}")
        raw = {name: row[index] if index < len(row) else None for name, index in wanted.items()}
        found = True
        yield Record(line, cells, raw)
    if not found:
        raise InputError(path, header_line + 1, "no rows after the header")


def _header(path: str, rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[str]]:
    for line, row in rows:
        names = [cell_text(cell).lower() for cell in row]
        if any(names):
            return line, names
    raise InputError(path, 1, "the file is empty")


CHUNK = 1 << 20
BOM = b"\xef\xbb\xbf"


def _check_encoding(handle: BinaryIO, skip: int, encoding: str) -> int | None:
    """None if the file from `skip` on decodes in `encoding`, else the line of the first byte
    that does not."""
    handle.seek(skip)
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    try:
        while chunk := handle.read(CHUNK):
            decoder.decode(chunk)
            newlines += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        # The decoder's buffer: bytes held back from the chunk before (never a newline), then
        # this chunk; the newlines before it are counted already.
        buffer = bytes(error.object)
        held = len(buffer) - len(chunk) if chunk else 0
        return newlines + buffer[held : max(held, error.start)].count(b"\n") + 1
    return None


def _csv_encoding(path: str, file: Path) -> tuple[str, int]:
    """(encoding, bytes to skip) of a .csv: UTF-8 (a BOM skipped), else GB18030, as
    `longtable.decode_text` decides; InputError for an empty file or other bytes."""
    with file.open("rb") as handle:
        start = handle.read(len(BOM))
        skip = len(BOM) if start == BOM else 0
        handle.seek(0)
        blank = True
        while blank and (chunk := handle.read(CHUNK)):
            blank = not chunk.strip()
        if blank:
            raise InputError(path, 1, "the file is empty")
        line = _check_encoding(handle, skip, "utf-8")
        if line is None:
            return "utf-8", skip
        if _check_encoding(handle, skip, "gb18030") is None:
            return "gb18030", skip
    raise InputError(path, line, "bytes that are neither UTF-8 nor GB18030")


def _csv_rows(file: Path, encoding: str, skip: int) -> Iterator[tuple[int, list[Any]]]:
    with file.open("rb") as handle:
        handle.seek(skip)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        reader = csv.reader(text)
        for row in reader:
            yield reader.line_num, row
