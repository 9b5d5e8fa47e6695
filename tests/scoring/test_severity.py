"""Judge severity: the additive model against statsmodels OLS (an independent implementation),
standardisation and percentiles on cases worked by hand."""

import numpy as np
import pytest
import statsmodels.api as sm

from leitai.scoring.severity import Cells, analyse_severity


def random_cells(seed, participants, judges, density, components=1):
    rng = np.random.default_rng(seed)
    p_idx, j_idx = [], []
    per_p = participants // components
    per_j = judges // components
    for c in range(components):
        ps = range(c * per_p, (c + 1) * per_p)
        js = list(range(c * per_j, (c + 1) * per_j))
        for p in ps:
            chosen = [j for j in js if rng.random() < density]
            # a chain keeps the component connected: participant p always meets judges p, p+1
            chosen += [js[p % per_j], js[(p + 1) % per_j]]
            for j in sorted(set(chosen)):
                p_idx.append(p)
                j_idx.append(j)
    p_arr = np.array(p_idx)
    j_arr = np.array(j_idx)
    quality = rng.normal(7, 1, participants)
    severity = rng.normal(0, 0.5, judges)
    marks = quality[p_arr] + severity[j_arr] + rng.normal(0, 0.3, p_arr.size)
    return Cells(
        p_arr,
        j_arr,
        marks,
        tuple(f"P{i:02d}" for i in range(participants)),
        tuple(f"J{i:02d}" for i in range(judges)),
    )


def test_additive_model_matches_statsmodels_ols_with_sum_to_zero_coding():
    cells = random_cells(1, participants=30, judges=6, density=0.6)
    report = analyse_severity(cells)
    assert len(report.components) == 1
    n_p, n_j = len(cells.participants), len(cells.judges)
    design = np.zeros((cells.mark.size, n_p + n_j - 1))
    design[np.arange(cells.mark.size), cells.participant] = 1.0
    for row, judge in enumerate(cells.judge):
        if judge < n_j - 1:
            design[row, n_p + judge] = 1.0
        else:
            design[row, n_p:] = -1.0  # deviation coding: the last severity is −Σ the others
    fit = sm.OLS(cells.mark, design).fit()
    expected_quality = fit.params[:n_p]
    expected_severity = np.append(fit.params[n_p:], -fit.params[n_p:].sum())
    assert [p.quality for p in report.participants] == pytest.approx(expected_quality, abs=1e-9)
    assert [j.severity for j in report.judges] == pytest.approx(expected_severity, abs=1e-9)
    assert report.residual_sd == pytest.approx(np.sqrt(fit.scale), rel=1e-9)


def test_fitted_marks_match_ols_across_disconnected_panels():
    cells = random_cells(2, participants=24, judges=8, density=0.5, components=2)
    report = analyse_severity(cells)
    assert len(report.components) == 2
    assert report.components[0].judges == ("J00", "J01", "J02", "J03")
    n_p, n_j = len(cells.participants), len(cells.judges)
    # Reference coding: one judge per panel (J00, J04) has no column; fitted values are unique
    # whatever the coding, so they compare directly with ours.
    design = np.zeros((cells.mark.size, n_p + n_j))
    design[np.arange(cells.mark.size), cells.participant] = 1.0
    design[np.arange(cells.mark.size), n_p + cells.judge] = 1.0
    design = np.delete(design, [n_p + 0, n_p + 4], axis=1)
    ols = sm.OLS(cells.mark, design).fit()
    quality = np.array([p.quality for p in report.participants])
    severity = np.array([j.severity for j in report.judges])
    ours = quality[cells.participant] + severity[cells.judge]
    assert ours == pytest.approx(ols.fittedvalues, abs=1e-9)
    for component in range(2):
        in_component = [j.severity for j in report.judges if j.component == component]
        assert sum(in_component) == pytest.approx(0.0, abs=1e-12)


def test_standardisation_and_percentiles_worked_by_hand():
    # Judge A marks 6, 8 (mean 7, sd 1); judge B marks 5, 9 (mean 7, sd 2); on participants X, Y.
    cells = Cells(
        np.array([0, 1, 0, 1]),
        np.array([0, 0, 1, 1]),
        np.array([6.0, 8.0, 5.0, 9.0]),
        ("X", "Y"),
        ("A", "B"),
    )
    report = analyse_severity(cells)
    # Every z is ±1; all marks have mean 7 and population sd sqrt(2.5): X = 7 − sqrt(2.5).
    x, y = report.participants
    assert x.standardised == pytest.approx(7 - np.sqrt(2.5))
    assert y.standardised == pytest.approx(7 + np.sqrt(2.5))
    assert (x.percentile, y.percentile) == (25.0, 75.0)
    assert [j.severity for j in report.judges] == pytest.approx([0.0, 0.0])


def test_a_judge_whose_marks_do_not_vary_is_not_standardised():
    cells = Cells(
        np.array([0, 1, 0, 1]),
        np.array([0, 0, 1, 1]),
        np.array([7.0, 7.0, 5.0, 9.0]),
        ("X", "Y"),
        ("A", "B"),
    )
    report = analyse_severity(cells)
    assert [j.standardisable for j in report.judges] == [False, True]
    # Only B's marks count: z = −1 for X; all four marks have mean 7, population sd sqrt(2).
    assert report.participants[0].standardised == pytest.approx(7 - np.sqrt(2))
