"""Reliability statistics against published figures (each test cites its source)."""

import numpy as np
import pytest

from leitai.scoring.reliability import (
    CorridorRule,
    assess_panel,
    intraclass_correlations,
    judge_deviations,
    kendall_w,
)

# Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
# reliability. Psychological Bulletin 86(2), 420–428. Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
    dtype=float,
)

# Scorecard of 12 items ranked by 5 raters (R2 ties items 3 and 11), with the output of
# R's irr::kendall(correct = TRUE) and irr::icc(model = "oneway") published beside it:
# I. Kemp, "Scorecard Example" (2016): Wt = 0.735, Chisq(11) = 40.5, p = 2.99e-05;
# ICC(1) = 0.688, 95 % CI 0.462 < ICC < 0.876.
SCORECARD = np.array(
    [
        [4, 1, 1, 2, 1],
        [3, 2, 2, 3, 6],
        [1, 6, 6, 5, 2],
        [5, 3, 3, 6, 5],
        [6, 5, 4, 7, 3],
        [9, 4, 5, 1, 8],
        [8, 8, 8, 4, 4],
        [2, 9, 7, 10, 9],
        [7, 10, 10, 8, 7],
        [11, 11, 9, 9, 10],
        [10, 6, 11, 11, 11],
        [12, 12, 12, 12, 12],
    ],
    dtype=float,
)


def by_name(table):
    return {icc.name: icc for icc in intraclass_correlations(table)}


def test_icc_values_match_shrout_fleiss_table_4():
    # Table 4 of Shrout & Fleiss (1979), two decimals.
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    iccs = by_name(SHROUT_FLEISS)
    for name, value in published.items():
        assert round(iccs[name].value, 2) == value, name


def test_icc_intervals_match_psych_on_shrout_fleiss_data():
    # Revelle, psych::ICC documentation, example on the Shrout & Fleiss (1979) data:
    # lower/upper bounds ICC1 −0.13/0.72, ICC2 0.02/0.76, ICC3 0.34/0.95,
    # ICC1k −0.88/0.91, ICC2k 0.07/0.93, ICC3k 0.68/0.99.
    published = {
        "ICC(1,1)": (-0.13, 0.72),
        "ICC(2,1)": (0.02, 0.76),
        "ICC(3,1)": (0.34, 0.95),
        "ICC(1,k)": (-0.88, 0.91),
        "ICC(2,k)": (0.07, 0.93),
        "ICC(3,k)": (0.68, 0.99),
    }
    iccs = by_name(SHROUT_FLEISS)
    for name, (low, high) in published.items():
        assert iccs[name].ci95 is not None
        assert (round(iccs[name].ci95[0], 2), round(iccs[name].ci95[1], 2)) == (low, high), name


def test_one_way_icc_matches_irr_on_scorecard():
    icc = by_name(SCORECARD)["ICC(1,1)"]
    assert round(icc.value, 3) == 0.688
    assert (round(icc.ci95[0], 3), round(icc.ci95[1], 3)) == (0.462, 0.876)


def test_kendall_w_with_ties_matches_irr_on_scorecard():
    result = kendall_w(SCORECARD)
    assert round(result.w, 3) == 0.735
    assert round(result.chi2, 1) == 40.5
    assert result.df == 11
    assert f"{result.p:.3g}" == "2.99e-05"
    assert result.tie_corrected


def test_all_equal_marks_give_none_with_a_reason_not_nan():
    flat = np.full((5, 3), 7.0)
    for icc in intraclass_correlations(flat):
        assert icc.value is None
        assert icc.ci95 is None
        assert icc.reason == "participants do not differ (between-participant variance is 0)"
    w = kendall_w(flat)
    assert (w.w, w.chi2, w.p) == (None, None, None)
    assert w.reason == "every judge gave every participant the same mark"


def test_too_few_participants_give_none_with_a_reason():
    one = np.array([[1.0, 2.0, 3.0]])
    assert all(icc.value is None for icc in intraclass_correlations(one))
    assert "at least 2 participants" in kendall_w(one).reason


def test_perfect_additive_agreement_has_icc3_one_and_no_interval():
    # Judge 2 always 1 above judge 1: no residual; ICC(3,1) = 1, its F is infinite.
    table = np.array([[1.0, 2.0], [3.0, 4.0], [6.0, 7.0]])
    icc3 = by_name(table)["ICC(3,1)"]
    assert icc3.value == 1.0
    assert icc3.ci95 is None
    assert icc3.reason == "interval undefined: no residual variance"


# A small panel worked by hand: judges A and B agree, C marks about 3 higher on everything.
A = [5, 6, 7, 8, 6, 7]
B = [5, 6, 7, 8, 7, 6]
C = [8, 9, 10, 11, 9, 10]
HAND = np.array([A, B, C], dtype=float).T


def test_leave_one_out_deviations_worked_by_hand():
    present = np.ones(HAND.shape, dtype=bool)
    deviations, width = judge_deviations(HAND, present, ["A", "B", "C"], CorridorRule())
    a, b, c = deviations
    # C − mean(A, B): 3, 3, 3, 3, 2.5, 3.5 → mean 3, mean |·| 3.
    assert (c.mean_deviation, c.mean_abs_deviation) == (3.0, 3.0)
    # A − mean(B, C): −1.5 ×4, −2, −1 → mean −1.5; B: −1.5 ×4, −0.5, −2.5 → mean −1.5.
    assert (a.mean_deviation, a.mean_abs_deviation) == (-1.5, 1.5)
    assert (b.mean_deviation, b.mean_abs_deviation) == (-1.5, 1.5)
    # The 18 absolute deviations have median 1.5; width = 2 × 1.4826 × 1.5.
    assert width == pytest.approx(2 * 1.4826 * 1.5)
    # Nobody leaves the ±4.45 corridor, but C leans by 3 > half the width: flagged for bias.
    assert [d.outside_corridor for d in deviations] == [0, 0, 0]
    assert [d.flagged for d in deviations] == [False, False, True]
    assert c.flag_reasons == ("marks above the others by 3 on average",)
    # Correlation with the rest, against numpy's independent Pearson correlation.
    others_mean = (HAND[:, 0] + HAND[:, 1]) / 2
    assert c.correlation == pytest.approx(np.corrcoef(HAND[:, 2], others_mean)[0, 1])


def test_corridor_with_a_fixed_width_counts_marks_outside():
    present = np.ones(HAND.shape, dtype=bool)
    rule = CorridorRule(width=2.6, bias_share_of_width=10)
    deviations, width = judge_deviations(HAND, present, ["A", "B", "C"], rule)
    assert width == 2.6
    # |C's deviations| 3, 3, 3, 3, 2.5, 3.5: five beyond 2.6; A's and B's all within.
    assert [d.outside_corridor for d in deviations] == [0, 0, 5]
    assert deviations[2].flag_reasons == ("5 of 6 marks outside the corridor ±2.6",)


def test_missing_cells_use_complete_cases_and_report_n():
    values = SHROUT_FLEISS.copy()
    present = np.ones(values.shape, dtype=bool)
    extra_values = np.vstack([values, [[5, 5, 0, 0]]])
    extra_present = np.vstack([present, [[True, True, False, False]]])
    result = assess_panel(extra_values, extra_present, ["J1", "J2", "J3", "J4"])
    assert (result.participants_used, result.participants_excluded) == (6, 1)
    assert result.icc == intraclass_correlations(SHROUT_FLEISS)
    # The incomplete participant still counts for the deviations of J1 and J2.
    assert [d.cells for d in result.deviations] == [7, 7, 6, 6]
