"""The standing rule: a version is skipped only if the next one came less than min_standing
after it; the newest always stays."""

from __future__ import annotations

from leitai.live.standing import standing_kept


def test_a_burst_folds_into_its_last_version():
    # nine judges within 40 ms: only the last of them is kept
    moments = [10.000 + 0.005 * n for n in range(9)]
    assert standing_kept(moments, 0.05) == [8]


def test_a_version_that_stood_is_kept_however_late_it_is_looked_at():
    # 0 stood 120 ms, 1 stood 10 ms, 2 stood exactly the minimum, 3 is the newest
    assert standing_kept([100.0, 100.12, 100.13, 100.18], 0.05) == [0, 2, 3]


def test_nothing_and_one():
    assert standing_kept([], 0.05) == []
    assert standing_kept([5.0], 0.05) == [0]


def test_no_minimum_keeps_every_version():
    assert standing_kept([1.0, 1.0, 1.0], 0.0) == [0, 1, 2]
