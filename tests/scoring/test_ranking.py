"""Ranking on published figures with a tie-break chain (cases worked by hand)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from leitai.scoring.panel import score_panel
from leitai.scoring.ranking import Placing, TieBreak, rank_keys, rank_panel_scores


def test_standard_competition_ranking():
    keys = {"A": (Decimal(9),), "B": (Decimal(8),), "C": (Decimal(8),), "D": (Decimal(7),)}
    assert rank_keys(keys) == [
        Placing("A", 1, False, None),
        Placing("B", 2, True, None),
        Placing("C", 2, True, None),
        Placing("D", 4, False, None),
    ]


def test_tie_break_chain_separates_what_it_can():
    keys = {
        "A": (Decimal(8), Fraction(8), Decimal(9)),
        "B": (Decimal(8), Fraction(8), Decimal(7)),
        "C": (Decimal(8), Fraction(17, 2), Decimal(1)),
        "D": (Decimal(8), Fraction(8), Decimal(7)),
        "E": (Decimal(9), Fraction(1), Decimal(1)),
    }
    placings = rank_keys(keys, ["untrimmed_mean", "criterion:ideas"])
    assert placings == [
        Placing("E", 1, False, None),
        Placing("C", 2, False, "untrimmed_mean"),
        Placing("A", 3, False, "criterion:ideas"),
        Placing("B", 4, True, "criterion:ideas"),
        Placing("D", 4, True, "criterion:ideas"),
    ]


def test_rank_panel_scores_uses_untrimmed_mean_then_criterion():
    one = {"a": Decimal(1), "b": Decimal(0)}

    def sheets(*pairs):
        return {f"J{i}": {"a": Decimal(a), "b": Decimal(b)} for i, (a, b) in enumerate(pairs)}

    scores = {
        # trimmed means both 8.00; P1's untrimmed mean is higher (its dropped high mark is 10).
        "P1": score_panel(sheets(("10", 1), ("8", 1), ("8", 1), ("8", 1), ("6", 1)), weights=one),
        "P2": score_panel(sheets(("9", 1), ("8", 1), ("8", 1), ("8", 1), ("6", 1)), weights=one),
    }
    placings = rank_panel_scores(scores, [TieBreak.parse("untrimmed_mean")])
    assert [(p.participant, p.rank, p.tied) for p in placings] == [
        ("P1", 1, False),
        ("P2", 2, False),
    ]
    assert scores["P1"].score == scores["P2"].score == Decimal("8.00")


def test_tie_break_parse_rejects_unknown_names():
    assert TieBreak.parse("criterion:ideas").criterion == "ideas"
    with pytest.raises(ValueError, match="unknown tie-break"):
        TieBreak.parse("coin")
