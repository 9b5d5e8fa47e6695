"""The columnar daily-data scorer gives exactly the pure rule's figures."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from leitai.scoring.analysis.daily_batch import arrays_of_units, daily_batch
from leitai.scoring.daily import DailyRule, Flag, MetricKind, Month, daily_score
from leitai.scoring.exact import units_to_decimal

Values = dict[tuple[str, Month], int | Decimal]

RULES = [
    DailyRule(),
    DailyRule.from_record(
        {
            "metrics": {
                "committee_meeting": {"requirement": 2, "cadence": "quarter"},
                "theme_day": {"cadence": "year", "requirement": 3},
                "group_meeting": {"weight": 0},
                "dues_rate": {"weight": 25},
            }
        }
    ),
]


def random_unit(rng: random.Random, rule: DailyRule, first: Month, months: int) -> Values:
    style = rng.random()
    values: Values = {}
    if style < 0.1:
        return values  # no records
    for metric in rule.metrics:
        for offset in range(-2, months + 2):  # a few records outside the window
            if rng.random() < (0.9 if style > 0.5 else 0.4):
                month = first.plus(offset)
                if metric.kind is MetricKind.RATIO:
                    values[metric.key, month] = Decimal(rng.randint(0, 10000)).scaleb(-4)
                else:
                    values[metric.key, month] = rng.choice([0, 1, 1, 2, 5, 10**12])
    return values


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("months", [1, 2, 3, 5, 12, 13, 24, 30])
def test_the_batch_agrees_with_the_pure_rule(rule: DailyRule, months: int) -> None:
    rng = random.Random(months * 7 + len(rule.to_record()))
    first = Month(2025, 3)
    last = first.plus(months - 1)
    units = [random_unit(rng, rule, first, months) for _ in range(120)]
    founded: list[Month | None] = [
        rng.choice([None, None, first.plus(rng.randint(-30, months + 3))]) for _ in units
    ]
    groups: list[bool | None] = [rng.choice([None, True, False]) for _ in units]
    batch = daily_batch(arrays_of_units(rule, first, last, units, founded, groups), rule)
    for u, values in enumerate(units):
        pure = daily_score(values, rule, first, last, founded[u], groups[u])
        assert bool(batch.young[u]) == (pure.flag is Flag.YOUNG)
        assert bool(batch.no_records[u]) == (pure.flag is Flag.NO_RECORDS)
        if pure.score is None:
            continue
        assert units_to_decimal(int(batch.score[u]), 2) == pure.score
        exact = Fraction(int(batch.score_numerator[u]), int(batch.score_denominator[u]))
        assert exact == pure.exact
        assert pure.first is not None
        assert int(batch.first[u]) == pure.first.index
        for k, result in enumerate(pure.metrics):
            assert bool(batch.judged[u, k]) == (result.completion is not None)
            if result.completion is None:
                continue
            numerator = int(batch.completion_numerator[u, k])
            denominator = int(batch.completion_denominator[u, k])
            assert Fraction(numerator, denominator) == result.completion
            assert int(batch.completion[u, k]) == int((result.completion * 200 + 1) // 2), (
                "half-up hundredths"
            )


def test_a_window_long_enough_to_need_python_integers_still_agrees() -> None:
    rule = DailyRule()
    rng = random.Random(5)
    first = Month(1950, 1)
    months = 1200
    last = first.plus(months - 1)
    units = [random_unit(rng, rule, first, months) for _ in range(3)]
    batch = daily_batch(arrays_of_units(rule, first, last, units), rule)
    assert batch.score.dtype == object
    for u, values in enumerate(units):
        assert (
            units_to_decimal(int(batch.score[u]), 2) == daily_score(values, rule, first, last).score
        )


def test_no_units_give_empty_results() -> None:
    rule = DailyRule()
    batch = daily_batch(arrays_of_units(rule, Month(2026, 1), Month(2026, 12), []), rule)
    assert batch.score.shape == (0,)
    assert batch.judged.shape == (0, 9)


def test_the_arrays_hold_counts_clipped_to_the_requirement() -> None:
    rule = DailyRule()
    arrays = arrays_of_units(
        rule, Month(2026, 1), Month(2026, 1), [{("committee_meeting", Month(2026, 1)): 10**12}]
    )
    assert arrays.values.dtype == np.int32
    assert int(arrays.values[0, 0, 0]) == 1
