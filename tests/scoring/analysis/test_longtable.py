"""The columnar CSV reader gives exactly the general reader's table, or declines."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.analysis.longtable import (
    FAST_PATH_BYTES,
    InputError,
    build_table,
    iter_csv_rows,
    read_long_table,
)
from leitai.scoring.analysis.longtable_fast import read_plain_csv


def big_csv(criteria=False, grouped=True, seed=0, count=2500):
    rng = np.random.default_rng(seed)
    header = "participant,judge,criterion,score" if criteria else "participant,judge,score"
    rows = []
    participants = [f"P{i:05d}" for i in range(count)] + [
        "张三",
        "Zoë",
        "A-very-long-code-0123456789",
    ]
    for p in participants:
        for j in ("J1", "J2", "J10", "评委"):
            for c in ("ideas", "effects") if criteria else (None,):
                score = f"{rng.integers(0, 1000) / 100:.2f}".rstrip("0") or "0"
                if rng.random() < 0.05:
                    score = f"-{score}"
                rows.append(",".join(x for x in (p, j, c, score) if x is not None))
    if not grouped:
        rng.shuffle(rows)
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def assert_same(left, right):
    assert left.participants == right.participants
    assert left.judges == right.judges
    assert left.criteria == right.criteria
    assert left.exponent == right.exponent
    for name in ("participant", "judge", "criterion", "units", "lines"):
        assert np.array_equal(getattr(left, name), getattr(right, name)), name


@pytest.mark.parametrize(("criteria", "grouped"), [(False, True), (True, True), (False, False)])
def test_fast_reader_equals_general_reader(criteria, grouped):
    data = big_csv(criteria, grouped)
    fast = read_plain_csv("f.csv", data)
    assert fast is not None
    general = build_table("f.csv", iter_csv_rows(data.decode()))
    assert_same(fast, general)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.replace(b"P00001,J1,", b'"P00001",J1,', 1),
        lambda d: d.replace(b"\nP00002,J1,", b"\n\nP00002,J1,", 1),
        lambda d: d.replace(b"P00003,J1,", b"P00003 ,J1,", 1),
        lambda d: d.replace(b"P00004,J1,", b"P00004,J1,1e1,", 1),
        lambda d: d.replace(b"\n", b"\r\n").replace(b"P00005,J1,", b"P00005,J1,\r", 1),
        lambda d: d.replace(b"P00006,J1,", b"P00006,J1,+", 1),
    ],
)
def test_fast_reader_declines_what_it_is_not_sure_of(change):
    assert read_plain_csv("f.csv", change(big_csv())) is None


def test_crlf_is_read_by_the_fast_reader(tmp_path):
    data = big_csv().replace(b"\n", b"\r\n")
    fast = read_plain_csv("f.csv", data)
    assert fast is not None
    assert_same(fast, build_table("f.csv", iter_csv_rows(data.decode())))


def test_big_file_errors_come_from_the_general_reader(tmp_path):
    data = big_csv(count=25_000)
    assert len(data) > FAST_PATH_BYTES
    path = tmp_path / "big.csv"
    path.write_bytes(data + b"P00001,J1,5\n")  # a duplicate on the last line
    with pytest.raises(InputError) as caught:
        read_long_table(str(path))
    line = data.count(b"\n") + 1
    assert str(caught.value) == (
        f"{path}, line {line}: duplicate mark (participant 'P00001', judge 'J1'); "
        f"first given on line {2 + 4}"
    )
    path.write_bytes(data + b"P00001,J1,x\n")
    with pytest.raises(InputError, match=f"line {line}: score 'x' is not a number"):
        read_long_table(str(path))


@pytest.mark.parametrize("ending", [b"", b"\n\n\n"])
def test_fast_reader_without_or_with_extra_final_newlines(ending):
    data = big_csv().rstrip(b"\n") + ending
    fast = read_plain_csv("f.csv", data)
    assert fast is not None
    assert_same(fast, build_table("f.csv", iter_csv_rows(data.decode())))


def test_fast_reader_with_codes_of_one_length():
    data = b"participant,judge,score\n" + b"".join(
        f"P{p:07d},J{j},{(p * 7 + j) % 100 / 10:.1f}\n".encode()
        for p in range(3000)
        for j in range(1, 10)
    )
    fast = read_plain_csv("f.csv", data)
    assert fast is not None
    assert_same(fast, build_table("f.csv", iter_csv_rows(data.decode())))


@settings(max_examples=150)
@given(st.lists(st.text("0123456789.-", min_size=1, max_size=9), min_size=1, max_size=20))
def test_fast_score_parsing_agrees_with_decimal_or_declines(scores):
    rows = "".join(f"P{i},J1,{score}\n" for i, score in enumerate(scores))
    data = ("participant,judge,score\n" + rows).encode()
    fast = read_plain_csv("f.csv", data)
    plain = all(re.fullmatch(r"-?(\d+\.?\d*|\.\d+)", s) for s in scores)
    if fast is None:
        # It may decline only what is not a plain decimal, or what the general reader refuses.
        if plain:
            with pytest.raises(InputError):
                build_table("f.csv", iter_csv_rows(data.decode()))
        return
    assert plain
    assert_same(fast, build_table("f.csv", iter_csv_rows(data.decode())))
