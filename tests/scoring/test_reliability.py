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


# A panel worked by hand: 5 participants (rows) × judges A–E; E marks about 3 higher.
HAND = np.array(
    [[6, 7, 5, 6, 9], [8, 7, 8, 6, 10], [7, 9, 8, 8, 11], [9, 8, 9, 10, 12], [5, 6, 7, 5, 8]],
    dtype=float,
)


def test_leave_one_out_deviations_and_corridor_worked_by_hand():
    present = np.ones(HAND.shape, dtype=bool)
    deviations, width = judge_deviations(HAND, present, list("ABCDE"), CorridorRule())
    # Deviation = mark − mean of the other four = (5 × mark − row sum) / 4. Row sums 33, 39, 43,
    # 48, 31. A: −0.75, 0.25, −2, −0.75, −1.5 (mean −0.95, mean |·| 1.05);
    # E: 3, 2.75, 3, 3, 2.25 (mean 2.8).
    a, b, c, d, e = deviations
    assert (a.mean_deviation, a.mean_abs_deviation) == pytest.approx((-0.95, 1.05))
    assert (b.mean_deviation, c.mean_deviation, d.mean_deviation) == pytest.approx(
        (-0.45, -0.45, -0.95)
    )
    assert (e.mean_deviation, e.mean_abs_deviation) == pytest.approx((2.8, 2.8))
    # Noise = deviation − the judge's own mean; its 25 absolute values have median 0.55, so
    # σ = 1.4826 × 0.55 and the corridor is ± 2σ = ± 1.63086.
    assert width == pytest.approx(2 * 1.4826 * 0.55)
    # Outside ±1.63086: one mark each for A–D (−2, −2, −2, −2.25), all five of E's.
    assert [x.outside_corridor for x in deviations] == [1, 1, 1, 1, 5]
    # E leaves the corridor on average too; A and D lean −0.95, inside it.
    assert [x.flagged for x in deviations] == [False, False, False, False, True]
    assert e.flag_reasons == (
        "5 of 5 marks outside the corridor ±1.631",
        "marks above the others by 2.8 on average (corridor ±1.631)",
    )
    # Correlation with the rest, against numpy's independent Pearson correlation.
    others_mean = HAND[:, :4].mean(axis=1)
    assert e.correlation == pytest.approx(np.corrcoef(HAND[:, 4], others_mean)[0, 1])


def test_corridor_with_a_fixed_width_counts_marks_outside():
    present = np.ones(HAND.shape, dtype=bool)
    deviations, width = judge_deviations(
        HAND, present, list("ABCDE"), CorridorRule(width=1.2, min_cells_for_lean=99)
    )
    assert width == 1.2
    # A: |−2|, |−1.5| > 1.2 → 2 of 5, more than a quarter: flagged as erratic.
    assert [x.outside_corridor for x in deviations] == [2, 1, 1, 2, 5]
    assert deviations[0].flag_reasons == ("2 of 5 marks outside the corridor ±1.2",)
    assert [x.flagged for x in deviations] == [True, False, False, True, True]


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
