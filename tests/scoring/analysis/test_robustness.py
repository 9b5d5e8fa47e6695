"""Bootstrap robustness of a cut: a case enumerated by hand, reproducibility, and the fast
counting path against the general sorting path."""

from decimal import Decimal

import numpy as np
import pytest

from leitai.scoring.analysis.batch import MarkTable
from leitai.scoring.analysis.robustness import (
    Verdict,
    _rescore_by_counts,
    _rescore_by_sorting,
    bootstrap_cut,
    competition_ranks,
)
from leitai.scoring.panel import Method, PanelRule


def table(values, present=None, exponent=0):
    values = np.array(values, dtype=np.int64)
    present = np.ones(values.shape, dtype=bool) if present is None else np.array(present)
    return MarkTable(values[:, :, None], present, exponent, (Decimal(1),))


def test_two_judges_two_participants_enumerated_by_hand():
    # Judges A, B; X gets 9, 5 and Y gets 6, 8. Redrawing two judges: AA (¼) X wins,
    # AB or BA (½) both 7 and share rank 1, BB (¼) Y wins. So P(in top 1) = ¾ for each.
    result = bootstrap_cut(
        table([[9, 5], [6, 8]]),
        np.array([0, 0]),
        top=1,
        rule=PanelRule(method=Method.MEAN),
        samples=20_000,
        seed=7,
    )
    for place in result.places:
        assert place.p_in_top == pytest.approx(0.75, abs=0.015)
        assert (place.rank_low, place.rank_high) == (1, 2)
        assert place.verdict is Verdict.UNCERTAIN


def test_unanimous_panels_give_sure_verdicts():
    result = bootstrap_cut(
        table([[9, 9, 9], [5, 5, 5], [7, 7, 7]]), np.array([0, 0, 0]), top=1, samples=200
    )
    assert [(p.participant, p.verdict) for p in result.places] == [
        (0, Verdict.SURELY_IN),
        (2, Verdict.SURELY_OUT),
        (1, Verdict.SURELY_OUT),
    ]
    assert [(p.rank_low, p.rank_high) for p in result.places] == [(1, 1), (2, 2), (3, 3)]


def test_same_seed_same_result_and_other_seed_differs():
    rng = np.random.default_rng(3)
    marks = rng.integers(50, 100, size=(40, 6))
    panels = np.repeat(np.arange(8), 5)
    first = bootstrap_cut(table(marks), panels, top=10, samples=300, seed=11)
    again = bootstrap_cut(table(marks), panels, top=10, samples=300, seed=11)
    other = bootstrap_cut(table(marks), panels, top=10, samples=300, seed=12)
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    "rule",
    [
        PanelRule(),
        PanelRule(method=Method.MEAN),
        PanelRule(trim=0),
        PanelRule(min_panel=7),
    ],
)
def test_counting_path_equals_sorting_path(rule):
    rng = np.random.default_rng(5)
    participants, width, n_panels, samples = 30, 9, 5, 50
    values = rng.integers(0, 40, size=(participants, width)).astype(np.int64)
    panels = rng.integers(0, n_panels, size=participants)
    sizes = rng.integers(3, width + 1, size=n_panels)
    present = (np.arange(width)[None, :] < sizes[panels][:, None]) & (
        rng.random((participants, width)) > 0.1
    )
    draws = rng.integers(0, sizes[None, :, None], size=(samples, n_panels, width))
    draws = np.where(np.arange(width)[None, None, :] < sizes[None, :, None], draws, width)
    fast = _rescore_by_counts(draws, panels, values, present, rule)
    slow = _rescore_by_sorting(draws, panels, values, present, rule)
    assert np.array_equal(fast[1], slow[1])
    assert np.array_equal(fast[0], slow[0])


def test_competition_ranks_by_row():
    ranks = competition_ranks(np.array([[5, 7, 7, 1], [1, 1, 1, 1]]))
    assert ranks.tolist() == [[3, 1, 1, 4], [1, 1, 1, 1]]
