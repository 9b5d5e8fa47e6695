"""A columnar CSV reader for big, plain files: numpy over the raw bytes, no per-row Python.

It accepts only the plainest CSV, which is what programs write: UTF-8, exactly the known
columns, no quotes, no blank lines, no spaces around fields, scores like `-12.75`. Anything else
returns None and the general reader (`longtable.build_table`) takes the file, so both readers
agree on every table and every error message comes from the general one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.longtable import MAX_EXPONENT, OPTIONAL, REQUIRED, LongTable, finish_table

MAX_CODE_BYTES = 32
MAX_SCORE_BYTES = 16
COMMA, NEWLINE, DOT, MINUS, ZERO = 44, 10, 46, 45, 48


def read_plain_csv(path: str, data: bytes) -> LongTable | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b'"' in data or b"\0" in data:
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    header_end = data.find(b"\n")
    if header_end <= 0:
        return None
    names = [name.strip().lower() for name in data[:header_end].decode("utf-8").split(",")]
    if sorted(names) not in (sorted(REQUIRED), sorted(REQUIRED + OPTIONAL)):
        return None
    body = data[header_end + 1 :].rstrip(b"\n")
    if not body:
        return None
    buf = np.frombuffer(body + b"\n", dtype=np.uint8)
    fields = _split(buf, len(names))
    if fields is None:
        return None
    starts, ends = fields
    column = {name: index for index, name in enumerate(names)}

    participant = _factorize(buf, starts[:, column["participant"]], ends[:, column["participant"]])
    judge = _factorize(buf, starts[:, column["judge"]], ends[:, column["judge"]])
    score = _parse_scores(buf, starts[:, column["score"]], ends[:, column["score"]])
    if participant is None or judge is None or score is None:
        return None
    criteria: list[str] | None = None
    criterion = np.zeros(starts.shape[0], dtype=np.int64)
    if "criterion" in column:
        found = _factorize(buf, starts[:, column["criterion"]], ends[:, column["criterion"]])
        if found is None:
            return None
        criteria, criterion = _first_appearance_order(*found)
    units, exponent = score
    return finish_table(
        path,
        participants=participant[0],
        judges=judge[0],
        criteria=criteria,
        participant=participant[1],
        judge=judge[1],
        criterion=criterion,
        units=units,
        exponent=exponent,
        lines=np.arange(2, starts.shape[0] + 2, dtype=np.int64),
        codes_sorted=True,
    )


def _split(
    buf: NDArray[np.uint8], columns: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Start and end offsets of every field, (rows, columns); None unless every line has exactly
    `columns` non-empty fields without surrounding spaces."""
    newlines = np.flatnonzero(buf == NEWLINE)
    commas = np.flatnonzero(buf == COMMA)
    rows = newlines.size
    if commas.size != rows * (columns - 1):
        return None
    line_starts = np.concatenate(([0], newlines[:-1] + 1))
    commas_by_line = commas.reshape(rows, columns - 1)
    # Commas are in file order, so if each line's group starts and ends inside that line, every
    # line holds exactly its own columns − 1 commas.
    if columns > 1 and not (
        (commas_by_line[:, 0] >= line_starts).all() and (commas_by_line[:, -1] < newlines).all()
    ):
        return None
    starts = np.concatenate((line_starts[:, None], commas_by_line + 1), axis=1)
    ends = np.concatenate((commas_by_line, newlines[:, None]), axis=1)
    if (ends <= starts).any():
        return None
    first, last = buf[starts], buf[ends - 1]
    if np.isin(first, (32, 9)).any() or np.isin(last, (32, 9)).any():
        return None
    return starts, ends


def _byte_columns(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], lengths: NDArray[np.int64], width: int
) -> list[NDArray[np.uint8]]:
    """Byte w of every field (0 past its end), for w < width."""
    limit = buf.size - 1
    result = []
    for w in range(width):
        byte = buf[np.minimum(starts + w, limit)]
        result.append(np.where(w < lengths, byte, 0).astype(np.uint8))
    return result


def _factorize(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[list[str], NDArray[np.int64]] | None:
    """Distinct codes in code-point order and each row's index into them.

    Fields are packed, zero-padded, into big-endian 64-bit words, so comparing words compares
    bytes, and UTF-8 byte order is code-point order. Runs of equal consecutive codes (long files
    are usually grouped by participant) are collapsed before sorting.
    """
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > MAX_CODE_BYTES:
        return None
    n_words = (longest + 7) // 8
    columns = _byte_columns(buf, starts, lengths, 8 * n_words)
    words = np.zeros((starts.size, n_words), dtype=np.uint64)
    for w, column in enumerate(columns):
        words[:, w // 8] |= column.astype(np.uint64) << np.uint64(56 - 8 * (w % 8))
    changes = np.ones(starts.size, dtype=bool)
    changes[1:] = (words[1:] != words[:-1]).any(axis=1)
    run_starts = np.flatnonzero(changes)
    representatives = words[run_starts]
    order = np.lexsort(representatives.T[::-1])
    ordered = representatives[order]
    distinct = np.ones(order.size, dtype=bool)
    distinct[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    code_of_sorted = np.cumsum(distinct) - 1
    code_of_run = np.empty(order.size, dtype=np.int64)
    code_of_run[order] = code_of_sorted
    run_lengths = np.diff(np.append(run_starts, starts.size))
    index = np.repeat(code_of_run, run_lengths)
    first_rows = run_starts[order[distinct]]
    try:
        codes = [bytes(buf[starts[row] : ends[row]]).decode("utf-8") for row in first_rows.tolist()]
    except UnicodeDecodeError:
        return None
    return codes, index


def _first_appearance_order(
    codes: list[str], index: NDArray[np.int64]
) -> tuple[list[str], NDArray[np.int64]]:
    first_row = np.full(len(codes), index.size, dtype=np.int64)
    np.minimum.at(first_row, index, np.arange(index.size))
    order = np.argsort(first_row, kind="stable")
    position = np.empty(len(codes), dtype=np.int64)
    position[order] = np.arange(len(codes))
    return [codes[i] for i in order.tolist()], position[index]


def _parse_scores(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[NDArray[np.int64], int] | None:
    """Scores as integers × 10**exponent; None for anything but `-?digits(.digits)?`."""
    lengths = ends - starts
    width = int(lengths.max())
    if width > MAX_SCORE_BYTES:
        return None
    columns = _byte_columns(buf, starts, lengths, width)
    negative = columns[0] == MINUS
    value = np.zeros(starts.size, dtype=np.int64)
    digits = np.zeros(starts.size, dtype=np.int64)
    dot_at = np.full(starts.size, -1, dtype=np.int64)
    for w, column in enumerate(columns):
        inside = w < lengths
        is_digit = (column >= ZERO) & (column <= ZERO + 9)
        is_dot = column == DOT
        allowed = is_digit | is_dot | ((column == MINUS) & (w == 0)) | ~inside
        if not allowed.all() or (is_dot & (dot_at >= 0)).any():
            return None
        dot_at = np.where(is_dot, w, dot_at)
        value = np.where(is_digit, value * 10 + (column.astype(np.int64) - ZERO), value)
        digits += is_digit
    if (digits == 0).any():
        return None
    decimals = np.where(dot_at >= 0, lengths - dot_at - 1, 0)
    exponent = int(decimals.max())
    if exponent > MAX_EXPONENT or (value >= 10 ** (9 + decimals)).any():
        return None  # the general reader names the offending line
    units = value * 10 ** (exponent - decimals)
    return np.where(negative, -units, units), exponent
