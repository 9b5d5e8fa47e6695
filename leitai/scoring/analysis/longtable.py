"""Reading marks in long format for the CLI: .csv (UTF-8, UTF-8 with BOM, GB18030) or .xlsx.

A header row names the columns `participant`, `judge`, `score` and optionally `criterion` (any
order, any case; other columns are ignored). Every problem stops the run with an `InputError`
naming the file, the line and the problem.

Two readers give the same table: a general one (csv module, Decimal per score) and, for big plain
UTF-8 files, a columnar one in numpy (`longtable_fast`). The fast reader only accepts what it is
sure of; on anything unusual, including every error, it hands the file to the general reader,
so error messages have one source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

REQUIRED = ("participant", "judge", "score")
OPTIONAL = ("criterion",)
MAX_EXPONENT = 6  # decimals a score may have; beyond that int64 sums are no longer safe
FAST_PATH_BYTES = 1 << 20  # below this the general reader is fast enough


class UsageError(Exception):
    """A command-line option that cannot be used (alone, or with this file)."""


class InputError(Exception):
    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class LongTable:
    path: str
    participants: tuple[str, ...]  # sorted by code
    judges: tuple[str, ...]  # sorted by code
    criteria: tuple[str, ...] | None  # in order of first appearance; None without the column
    participant: NDArray[np.int64]  # per row, index into participants
    judge: NDArray[np.int64]
    criterion: NDArray[np.int64]  # per row; all 0 without the column
    units: NDArray[np.int64]  # score × 10**exponent
    exponent: int
    lines: NDArray[np.int64]  # the row's line in the file, for messages


def read_long_table(path: str) -> LongTable:
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, None, "permission denied") from None
    if not data:
        raise InputError(path, 1, "the file is empty")
    if file.suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
        return build_table(path, iter_xlsx_rows(path, data))
    if len(data) >= FAST_PATH_BYTES:
        from leitai.scoring.analysis.longtable_fast import read_plain_csv

        # It decodes every code it keeps as UTF-8 and accepts only ASCII digits elsewhere, so a
        # table from it is one the general reader would also have read as UTF-8.
        fast = read_plain_csv(path, data)
        if fast is not None:
            return fast
    return build_table(path, iter_csv_rows(decode_text(path, data)))


def decode_text(path: str, data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise InputError(path, line, "bytes that are neither UTF-8 nor GB18030") from None


def iter_csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield reader.line_num, row


def iter_xlsx_rows(path: str, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # Imported here: only .xlsx input needs it, and it is slow to import.
    import zipfile

    # openpyxl has no stubs; pyproject.toml's mypy overrides let it in untyped.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException):
        raise InputError(path, None, "not a readable .xlsx workbook") from None
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(row)
    workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def build_table(path: str, rows: Iterable[tuple[int, list[Any]]]) -> LongTable:
    iterator = iter(rows)
    header_line, header = _header(path, iterator)
    columns = {name: index for index, name in reversed(list(enumerate(header)))}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        shown = ",".join(header)
        raise InputError(path, header_line, f"missing column {missing[0]!r} (header: {shown})")
    wanted = [columns[name] for name in (*REQUIRED, *OPTIONAL) if name in columns]
    has_criterion = "criterion" in columns
    width = max(wanted) + 1

    participants: dict[str, int] = {}
    judges: dict[str, int] = {}
    criteria: dict[str, int] = {}
    p_rows: list[int] = []
    j_rows: list[int] = []
    c_rows: list[int] = []
    scores: list[Decimal] = []
    lines: list[int] = []
    for line, row in iterator:
        if not any(_cell_text(cell) for cell in row):
            continue  # blank lines (and Excel's empty rows) carry nothing
        if len(row) < width:
            raise InputError(path, line, f"expected at least {width} fields, found {len(row)}")
        cells = {name: _cell_text(row[index]) for name, index in columns.items()}
        for name in (*REQUIRED, *OPTIONAL):
            if name in cells and not cells[name] and name != "score":
                raise InputError(path, line, f"empty {name}")
        p_rows.append(participants.setdefault(cells["participant"], len(participants)))
        j_rows.append(judges.setdefault(cells["judge"], len(judges)))
        c_rows.append(
            criteria.setdefault(cells["criterion"], len(criteria)) if has_criterion else 0
        )
        scores.append(_score(path, line, row[columns["score"]]))
        lines.append(line)
    if not lines:
        raise InputError(path, header_line + 1, "no rows of marks after the header")

    exponent = max(written_places(score) for score in scores)
    units = np.array([int(score.scaleb(exponent)) for score in scores], dtype=np.int64)
    return finish_table(
        path,
        participants=list(participants),
        judges=list(judges),
        criteria=list(criteria) if has_criterion else None,
        participant=np.array(p_rows, dtype=np.int64),
        judge=np.array(j_rows, dtype=np.int64),
        criterion=np.array(c_rows, dtype=np.int64),
        units=units,
        exponent=exponent,
        lines=np.array(lines, dtype=np.int64),
    )


def _header(path: str, rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[str]]:
    for line, row in rows:
        names = [_cell_text(cell).lower() for cell in row]
        if any(names):
            return line, names
    raise InputError(path, 1, "the file is empty")


def _score(path: str, line: int, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise InputError(path, line, f"score {raw!r} is not a number")
    if isinstance(raw, int | float):
        text = repr(float(raw)) if isinstance(raw, float) else str(raw)
    else:
        text = _cell_text(raw)
    if not text:
        raise InputError(path, line, "empty score")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(path, line, f"score {text!r} is not a number") from None
    if not value.is_finite():
        raise InputError(path, line, f"score {text!r} is not a finite number")
    if written_places(value) > MAX_EXPONENT:
        raise InputError(path, line, f"score {text!r} has more than {MAX_EXPONENT} decimals")
    if abs(value) >= 10**9:
        raise InputError(path, line, f"score {text!r} is too large")
    return value


def written_places(value: Decimal) -> int:
    """Places after the point as written: 8.50 → 2 (so marks print back as they were given)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int), "scores are finite"
    return max(0, -exponent)


def finish_table(
    path: str,
    *,
    participants: list[str],
    judges: list[str],
    criteria: list[str] | None,
    participant: NDArray[np.int64],
    judge: NDArray[np.int64],
    criterion: NDArray[np.int64],
    units: NDArray[np.int64],
    exponent: int,
    lines: NDArray[np.int64],
    codes_sorted: bool = False,
) -> LongTable:
    """Sort participant and judge codes, refuse duplicate cells, and build the table."""
    if not codes_sorted:
        participant = _code_order(participants)[participant]
        judge = _code_order(judges)[judge]
    table = LongTable(
        path=path,
        participants=tuple(sorted(participants)),
        judges=tuple(sorted(judges)),
        criteria=tuple(criteria) if criteria is not None else None,
        participant=participant,
        judge=judge,
        criterion=criterion,
        units=units,
        exponent=exponent,
        lines=lines,
    )
    _refuse_duplicates(table)
    return table


def _code_order(codes: list[str]) -> NDArray[np.int64]:
    """Maps first-appearance index → position in code order."""
    order = sorted(range(len(codes)), key=codes.__getitem__)
    position = np.empty(len(codes), dtype=np.int64)
    position[np.array(order, dtype=np.int64)] = np.arange(len(codes))
    return position


def _refuse_duplicates(table: LongTable) -> None:
    n_judges = len(table.judges)
    n_criteria = len(table.criteria) if table.criteria else 1
    key = (table.participant * n_judges + table.judge) * n_criteria + table.criterion
    if bool((key[1:] > key[:-1]).all()):
        return  # sorted and strictly increasing, as files written by programs usually are
    order = np.argsort(key, kind="stable")
    repeated = np.flatnonzero(key[order][1:] == key[order][:-1])
    if repeated.size == 0:
        return
    # Report the duplicate that comes first in the file.
    later = order[repeated + 1]
    first_of_pair = order[repeated]
    pick = int(np.argmin(table.lines[later]))
    row, earlier = int(later[pick]), int(first_of_pair[pick])
    what = f"participant {table.participants[table.participant[row]]!r}, "
    what += f"judge {table.judges[table.judge[row]]!r}"
    if table.criteria is not None:
        what += f", criterion {table.criteria[table.criterion[row]]!r}"
    raise InputError(
        table.path,
        int(table.lines[row]),
        f"duplicate mark ({what}); first given on line {int(table.lines[earlier])}",
    )
