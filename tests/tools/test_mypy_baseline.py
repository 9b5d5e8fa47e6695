"""The mypy baseline's comparison (tools/mypy_baseline.py), on mypy's own output lines."""

from __future__ import annotations

from collections import Counter

from tools.mypy_baseline import compare, normalised

MOVED = 'leitai/orgs/views.py:{}: error: "HttpRequest" has no attribute "htmx"  [attr-defined]'
ENTRY = 'leitai/orgs/views.py: "HttpRequest" has no attribute "htmx"  [attr-defined]'


def test_an_error_is_known_by_its_file_and_message_not_its_line() -> None:
    assert normalised(MOVED.format(102)) == ENTRY
    assert normalised(MOVED.format(7)) == ENTRY
    assert normalised("leitai/orgs/services.py:30: note:     def int(...) -> int") is None
    assert normalised("Found 46 errors in 29 files (checked 165 source files)") is None


def test_a_baselined_error_that_moved_passes() -> None:
    assert compare([MOVED.format(130)], Counter({ENTRY: 1})) == ([], Counter())


def test_a_second_error_of_a_baselined_kind_in_the_same_file_is_new() -> None:
    output = [MOVED.format(102), MOVED.format(140)]
    new, gone = compare(output, Counter({ENTRY: 1}))
    assert new == [MOVED.format(140)]
    assert gone == Counter()


def test_an_error_in_another_file_is_new_and_a_fixed_one_is_gone() -> None:
    other = "leitai/live/hub.py:3: error: Function is missing a type annotation  [no-untyped-def]"
    new, gone = compare([other], Counter({ENTRY: 1}))
    assert new == [other]
    assert gone == Counter({ENTRY: 1})
