"""A columnar CSV reader for big, plain files: numpy over the raw bytes, no per-row Python.

It accepts only the plainest CSV, which is what programs write: UTF-8, exactly the known
columns, no quotes, no blank lines, no spaces around fields, scores like `-12.75`. Anything else
returns None and the general reader (`longtable.build_table`) takes the file, so both readers
agree on every table and every error message comes from the general one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.longtable import (
    MAX_EXPONENT,
    OPTIONAL,
    REQUIRED,
    LongTable,
    finish_table,
)
from leitai.scoring.arrays import sorted_distinct

MAX_CODE_BYTES = 32
MAX_SCORE_BYTES = 16
PADDING = max(MAX_CODE_BYTES, MAX_SCORE_BYTES)
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
    try:
        header = data[:header_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    names = [name.strip().lower() for name in header.split(",")]
    if sorted(names) not in (sorted(REQUIRED), sorted(REQUIRED + OPTIONAL)):
        return None
    end = len(data.rstrip(b"\n"))
    if end <= header_end + 1:
        return None
    # One copy of the body, newline-terminated, with zero padding for the strided gathers.
    size = end - header_end  # the body and its final newline
    buf = np.zeros(size + PADDING, dtype=np.uint8)
    buf[: size - 1] = np.frombuffer(data, dtype=np.uint8, count=size - 1, offset=header_end + 1)
    buf[size - 1] = NEWLINE
    # bytes.translate maps every byte through a table in one C pass: delimiters to 1, others 0.
    is_delimiter = np.frombuffer(data.translate(_DELIMITER_TABLE), dtype=np.bool_)
    if end < len(data):
        # The file's own final newline ends the last line (no copy to append one).
        delimiters = np.flatnonzero(is_delimiter[header_end + 1 : end + 1])
    else:
        delimiters = np.append(np.flatnonzero(is_delimiter[header_end + 1 : end]), size - 1)
    del is_delimiter
    ends = _line_ends(buf, delimiters, size, len(names))
    if ends is None:
        return None
    may_have_blanks = b" " in data or b"\t" in data
    column = {name: index for index, name in enumerate(names)}

    def field(name: str) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
        return _column(buf, ends, column[name], may_have_blanks=may_have_blanks)

    def factorize(name: str) -> tuple[list[str], NDArray[np.int64]] | None:
        bounds = field(name)
        return None if bounds is None else _factorize(buf, *bounds)

    participant = factorize("participant")
    judge = factorize("judge")
    score_bounds = field("score")
    score = None if score_bounds is None else _parse_scores(buf, *score_bounds)
    if participant is None or judge is None or score is None:
        return None
    criteria: list[str] | None = None
    criterion = np.zeros(ends.shape[0], dtype=np.int64)
    if "criterion" in column:
        found = factorize("criterion")
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
        lines=np.arange(2, ends.shape[0] + 2, dtype=np.int64),
        codes_sorted=True,
    )


def _line_ends(
    buf: NDArray[np.uint8], delimiters: NDArray[np.int64], size: int, columns: int
) -> NDArray[np.int64] | None:
    """Offset of the delimiter ending every field, (rows, columns); None unless every line has
    exactly `columns` − 1 commas and then its newline."""
    if delimiters.size % columns or delimiters[-1] != size - 1:
        return None
    ends = delimiters.reshape(-1, columns)
    kinds = buf[ends]
    if not ((kinds[:, :-1] == COMMA).all() and (kinds[:, -1] == NEWLINE).all()):
        return None
    return ends


def _column(
    buf: NDArray[np.uint8], ends: NDArray[np.int64], index: int, *, may_have_blanks: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Start and end offsets of one column's fields; None if any is empty or has a space or tab
    at either end (the general reader strips those; this one does not)."""
    stop = ends[:, index]
    if index:
        start = ends[:, index - 1] + 1
    else:
        start = np.empty_like(stop)
        start[0] = 0
        start[1:] = ends[:-1, -1] + 1
    if (stop <= start).any():
        return None
    if may_have_blanks:
        first, last = buf[start], buf[stop - 1]
        if ((first == 32) | (first == 9) | (last == 32) | (last == 9)).any():
            return None
    return start, stop


def _field_bytes(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], lengths: NDArray[np.int64], width: int
) -> NDArray[np.uint8]:
    """(rows, width) bytes of every field, zero past its end, in one strided gather.

    `width` is a multiple of 8, so the block is also (rows, width / 8) little-endian words, and
    zeroing the bytes past each field's end is one AND per word.
    """
    # buf carries PADDING zero bytes after its last newline, so a window of `width` bytes from
    # any field start stays inside it.
    assert width <= PADDING
    assert width % 8 == 0
    windows = np.lib.stride_tricks.as_strided(
        buf, shape=(buf.size - width + 1, width), strides=(1, 1)
    )
    block = windows[starts]
    words = block.view("<u8")
    shortest, longest = int(lengths.min()), int(lengths.max())
    for k in range(width // 8):
        if shortest == longest:
            # Codes of one length (P0000001, J1, 8.25): one mask for the whole column.
            words[:, k] &= _KEEP_BYTES[min(max(longest - 8 * k, 0), 8)]
        else:
            keep = np.clip(lengths - 8 * k, 0, 8)
            words[:, k] &= _KEEP_BYTES[keep]
    return block


_DELIMITER_TABLE = bytes(1 if byte in (COMMA, NEWLINE) else 0 for byte in range(256))
# _KEEP_BYTES[n]: a little-endian word mask keeping its first n bytes.
_KEEP_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


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
    block = _field_bytes(buf, starts, lengths, 8 * n_words)
    words = block.view(">u8").astype(np.uint64)  # (rows, n_words), byte order = value order
    if n_words == 1:
        flat = words[:, 0]
        changes = np.ones(flat.size, dtype=bool)
        changes[1:] = flat[1:] != flat[:-1]
        run_starts = np.flatnonzero(changes)
        representatives = flat[run_starts]
        distinct = sorted_distinct(representatives)
        code_of_run = np.searchsorted(distinct, representatives).astype(np.int64)
        as_bytes = distinct.astype(">u8").view("S8").tolist()
    else:
        changes = np.ones(starts.size, dtype=bool)
        changes[1:] = (words[1:] != words[:-1]).any(axis=1)
        run_starts = np.flatnonzero(changes)
        rows = words[run_starts]
        order = np.lexsort(rows.T[::-1])
        ordered = rows[order]
        distinct_flags = np.ones(order.size, dtype=bool)
        distinct_flags[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        code_of_run = np.empty(order.size, dtype=np.int64)
        code_of_run[order] = np.cumsum(distinct_flags) - 1
        first_rows = run_starts[order[distinct_flags]]
        as_bytes = block[first_rows].view(f"S{8 * n_words}").ravel().tolist()
    if run_starts.size == starts.size:
        index = code_of_run
    else:
        index = np.repeat(code_of_run, np.diff(np.append(run_starts, starts.size)))
    # Fixed-width bytes items drop their trailing zeros; codes hold no newline, so one join and
    # one decode turn them all into str.
    try:
        codes = b"\n".join(as_bytes).decode("utf-8").split("\n")
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
    block = _field_bytes(buf, starts, lengths, 8 * ((width + 7) // 8))
    negative = block[:, 0] == MINUS
    value = np.zeros(starts.size, dtype=np.int64)
    digits = np.zeros(starts.size, dtype=np.int8)
    dot_at = np.full(starts.size, -1, dtype=np.int8)
    # Horner over the byte columns: the number read without its point, digit by digit.
    for w in range(width):
        byte = block[:, w]
        digit = byte - np.uint8(ZERO)  # wraps for non-digits, so one comparison tests 0–9
        is_digit = digit <= 9
        is_dot = byte == DOT
        other = ~(is_digit | is_dot | (byte == 0))
        if w == 0:
            other &= ~negative
        if other.any() or (is_dot & (dot_at >= 0)).any():
            return None
        dot_at[is_dot] = w
        value = np.where(is_digit, value * 10 + digit, value)
        digits += is_digit
    if (digits == 0).any():
        return None
    decimals = np.where(dot_at >= 0, lengths - dot_at - 1, 0)
    exponent = int(decimals.max())
    if exponent > MAX_EXPONENT or (value >= 10 ** (9 + decimals)).any():
        return None  # the general reader names the offending line
    units = value * 10 ** (exponent - decimals)
    return np.where(negative, -units, units), exponent
