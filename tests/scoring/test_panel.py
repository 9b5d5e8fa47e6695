"""Panel aggregation: the exact scalar path, checked on small cases worked by hand."""

from decimal import Decimal

import pytest

from leitai.scoring.exact import round_half_up, to_fraction
from leitai.scoring.panel import (
    EmptyPanelError,
    Method,
    Mode,
    PanelRule,
    Side,
    TrimOutcome,
    score_panel,
)
from leitai.scoring.rubric import Criterion, Rubric, SheetError, SheetRule


def sheets_of(*marks: str, key: str = "s") -> dict[str, dict[str, Decimal]]:
    return {f"J{i}": {key: Decimal(mark)} for i, mark in enumerate(marks, start=1)}


ONE = {"s": Decimal(1)}


def test_round_half_up_on_exact_halves():
    assert round_half_up(to_fraction("7.125"), 2) == Decimal("7.13")
    assert round_half_up(to_fraction("-7.125"), 2) == Decimal("-7.13")
    assert round_half_up(to_fraction("2.5"), 0) == Decimal("3")
    assert round_half_up(to_fraction("0.005"), 2) == Decimal("0.01")
    assert str(round_half_up(to_fraction("7"), 2)) == "7.00"


def test_trimmed_mean_of_exactly_7_125_publishes_7_13():
    # 6 judges; drop 6.0 and 9.5; kept 7.0 7.0 7.25 7.25 → 28.5 / 4 = 7.125 → 7.13 (half-up).
    result = score_panel(sheets_of("7.0", "7.25", "7.0", "9.5", "6.0", "7.25"), weights=ONE)
    assert result.score == Decimal("7.13")
    assert result.note.outcome is TrimOutcome.TRIMMED
    assert [(d.judge, d.mark, d.side) for d in result.dropped] == [
        ("J5", Decimal("6"), Side.LOW),
        ("J4", Decimal("9.5"), Side.HIGH),
    ]


def test_shared_extreme_drops_one_instance_named_by_judge_code():
    # Two judges share the top mark 9: one instance is dropped, the later code in mark order.
    result = score_panel(sheets_of("9", "9", "8", "7", "6"), weights=ONE)
    assert result.score == Decimal("8.00")  # (9 + 8 + 7) / 3
    assert [(d.judge, d.side) for d in result.dropped] == [("J5", Side.LOW), ("J2", Side.HIGH)]


def test_below_min_panel_nothing_is_dropped_and_note_says_why():
    result = score_panel(sheets_of("9", "8", "7", "2"), weights=ONE)
    assert result.score == Decimal("6.50")
    assert result.dropped == ()
    assert result.note.outcome is TrimOutcome.TOO_FEW_JUDGES
    assert result.note.text == "fewer than 5 judges (4): nothing dropped"


def test_recused_judge_shrinks_the_panel_below_the_trimming_threshold():
    full = sheets_of("9", "8", "7", "6", "2")
    assert score_panel(full, weights=ONE).score == Decimal("7.00")
    recused = {judge: sheet for judge, sheet in full.items() if judge != "J1"}
    assert score_panel(recused, weights=ONE).score == Decimal("5.75")


def test_trim_two_with_min_panel_seven():
    rule = PanelRule(trim=2, min_panel=7)
    result = score_panel(sheets_of("1", "2", "3", "4", "5", "6", "10"), weights=ONE, rule=rule)
    assert result.score == Decimal("4.00")
    assert len(result.dropped) == 4


def test_mean_and_median_drop_nothing():
    sheets = sheets_of("9", "8", "7", "6", "1")
    mean = score_panel(sheets, weights=ONE, rule=PanelRule(method=Method.MEAN))
    median = score_panel(sheets, weights=ONE, rule=PanelRule(method=Method.MEDIAN))
    assert (mean.score, median.score) == (Decimal("6.20"), Decimal("7.00"))
    assert mean.dropped == median.dropped == ()
    assert mean.note.outcome is TrimOutcome.NOT_TRIMMING
    even = score_panel(
        sheets_of("9", "8", "7.5", "1"), weights=ONE, rule=PanelRule(method=Method.MEDIAN)
    )
    assert even.score == Decimal("7.75")


def test_total_mode_rounds_once_and_criterion_mode_rounds_each_step():
    # Two criteria, weights 0.6 and 0.4, three judges, mean, 1 decimal.
    weights = {"a": Decimal("0.6"), "b": Decimal("0.4")}
    sheets = {
        "J1": {"a": Decimal("8"), "b": Decimal("7")},
        "J2": {"a": Decimal("8"), "b": Decimal("8")},
        "J3": {"a": Decimal("9"), "b": Decimal("8")},
    }
    # Judges' totals 7.6, 8.0, 8.6 → mean 8.0666… → 8.1.
    total = score_panel(sheets, weights=weights, rule=PanelRule(method=Method.MEAN, decimals=1))
    assert total.score == Decimal("8.1")
    assert total.criteria is None
    # a: 25/3 = 8.333… → 8.3, × 0.6 = 4.98 → 5.0; b: 23/3 = 7.666… → 7.7, × 0.4 = 3.08 → 3.1.
    rule = PanelRule(mode=Mode.CRITERION, method=Method.MEAN, decimals=1)
    by_criterion = score_panel(sheets, weights=weights, rule=rule)
    assert by_criterion.criteria is not None
    assert by_criterion.criteria["a"].mark == Decimal("8.3")
    assert by_criterion.criteria["a"].weighted == Decimal("5.0")
    assert by_criterion.criteria["b"].weighted == Decimal("3.1")
    assert by_criterion.score == Decimal("8.1")
    assert str(by_criterion.score) == "8.1"


def test_empty_panel_is_an_error():
    with pytest.raises(EmptyPanelError):
        score_panel({}, weights=ONE)


def test_sheet_missing_a_criterion_is_an_error():
    with pytest.raises(ValueError, match="missing b"):
        score_panel({"J1": {"a": Decimal(1)}}, weights={"a": Decimal(1), "b": Decimal(1)})


def test_rule_rejects_a_threshold_that_could_leave_no_mark():
    with pytest.raises(ValueError, match="min_panel"):
        PanelRule(trim=2, min_panel=4)


RUBRIC = Rubric(
    (
        Criterion("achievements", "比成绩", Decimal(30), Decimal("0.5"), Decimal(1)),
        Criterion("spirit", "比状态", Decimal(20), Decimal(1), Decimal(1)),
    )
)


def test_valid_sheet_passes():
    marks = RUBRIC.check_sheet({"achievements": "27.5", "spirit": Decimal(18)})
    assert marks == {"achievements": Decimal("27.5"), "spirit": Decimal(18)}


def test_sheet_problems_name_criterion_value_and_rule():
    with pytest.raises(SheetError) as caught:
        RUBRIC.check_sheet({"achievements": "27.25", "spirit": "21", "extra": "1"})
    problems = [(p.criterion, p.value, p.rule) for p in caught.value.problems]
    assert problems == [
        ("extra", "1", SheetRule.UNKNOWN),
        ("achievements", "27.25", SheetRule.OFF_STEP),
        ("spirit", "21", SheetRule.ABOVE_MAXIMUM),
    ]
    assert "achievements: 27.25 is not a multiple of the step 0.5" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("-1", SheetRule.BELOW_MINIMUM),
        ("NaN", SheetRule.NOT_A_NUMBER),
        ("abc", SheetRule.NOT_A_NUMBER),
    ],
)
def test_bad_marks(value, rule):
    problems = RUBRIC.sheet_problems({"achievements": value, "spirit": "1"})
    assert [(p.criterion, p.rule) for p in problems] == [("achievements", rule)]


def test_missing_criterion_is_reported():
    problems = RUBRIC.sheet_problems({"achievements": "1"})
    assert [(p.criterion, p.rule) for p in problems] == [("spirit", SheetRule.MISSING)]


def test_rubric_rejects_maximum_off_its_step():
    with pytest.raises(ValueError, match="step grid"):
        Criterion("x", "x", Decimal(10), Decimal(3))
