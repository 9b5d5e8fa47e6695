"""The programme's codec: the stored rubric and rule parsed once, the defaults applied once."""

from __future__ import annotations

from decimal import Decimal

from leitai.scoring.codec import DEFAULT_RULE, Rules, rules_of_records
from leitai.scoring.panel import Method, Mode

RUBRIC = [{"key": "a", "maximum": "10"}, {"key": "b", "maximum": "20", "weight": "2"}]


def test_an_empty_rule_takes_every_default() -> None:
    rules = Rules.from_records(RUBRIC, {})
    assert (rules.rule.mode, rules.rule.method) == (Mode.TOTAL, Method.TRIMMED)
    assert (rules.rule.trim, rules.rule.min_panel, rules.rule.decimals) == (1, 5, 2)
    assert [t.name for t in rules.tie_breaks] == DEFAULT_RULE["tie_breaks"]
    assert [(c.step, c.weight) for c in rules.rubric.criteria] == [
        (Decimal("0.5"), Decimal(1)),
        (Decimal("0.5"), Decimal(2)),
    ]


def test_an_empty_tie_break_chain_stays_empty() -> None:
    assert Rules.from_records(RUBRIC, {"tie_breaks": []}).tie_breaks == ()


def test_the_same_records_are_parsed_once() -> None:
    first = rules_of_records(RUBRIC, {"trim": 1})
    assert rules_of_records([dict(c) for c in RUBRIC], {"trim": 1}) is first
    assert rules_of_records(RUBRIC, {"trim": 0}) is not first
