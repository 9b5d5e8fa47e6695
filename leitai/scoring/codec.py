"""The programme's stored rubric and panel rule, parsed once into the scoring core's types.

A rubric is stored as a list of criteria:
    [{"key": "achievements", "label": "比成绩", "label_en": "Achievements", "maximum": "30",
      "step": "0.5", "weight": "1", "description": "…"}]
A rule as {"mode": "total", "method": "trimmed", "trim": 1, "min_panel": 5, "decimals": 2,
           "tie_breaks": ["untrimmed_mean", "criterion:achievements"]}.
Numbers are kept as decimal strings so that nothing passes through binary floating point.

This is the one place the records are read and their defaults (`DEFAULT_RULE`, a criterion's step
and weight) applied; everything else reads the parsed `Rules`. A record the core cannot use is
refused with a `RubricError`, a plain `ValueError` naming the criterion, the field and the value,
in English with no Django settings (the offline check of an exported ledger prints it). Its
`phrase` carries the catalogue's message and its values, so the Django layer
(`leitai.programs.rubrics`) turns it into a form error in the user's language.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from leitai.scoring.panel import Method, Mode, PanelRule
from leitai.scoring.ranking import TieBreak
from leitai.scoring.rubric import Criterion, Rubric

DEFAULT_RULE: dict[str, Any] = {
    "mode": "total",
    "method": "trimmed",
    "trim": 1,
    "min_panel": 5,
    "decimals": 2,
    "tie_breaks": ["untrimmed_mean"],
}
DEFAULT_STEP, DEFAULT_WEIGHT = "0.5", "1"


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages looks for the name) without translating
    it: the scoring core has no Django, and the offline ledger check no settings."""
    return message


class Phrase:
    """A message and its values: plain English as str(); the Django layer translates the template
    and the values that are themselves phrases (leitai.programs.rubrics.translated)."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params

    def __str__(self) -> str:
        return self.template % {k: str(v) for k, v in self.params.items()}


class SettingError(ValueError):
    """A value or a setting record a rule cannot use, naming the field and the value; `phrase`
    carries the catalogue's message and its values for the Django layer. Each rule's refusals
    (honours, daily data) are a subclass of it."""

    def __init__(self, template: str, *, field: str, value: object, **params: Any) -> None:
        self.phrase = Phrase(template, field=field, value=value, **params)
        super().__init__(str(self.phrase))
        self.field, self.value = field, value


def whole_number(value: object, field: str, minimum: int, error: type[SettingError]) -> int:
    """A whole number ≥ minimum from a setting record's value (an int or its decimal string),
    or `error` naming the field and the value."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value):
        number = int(value)
    if number is None:
        raise error(
            gettext_noop("%(field)s: “%(value)s” is not a whole number."), field=field, value=value
        )
    if number < minimum:
        raise error(
            gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field=field,
            value=value,
            minimum=minimum,
        )
    return number


_WHOLE = re.compile(r"\s*[+-]?\d+\s*")


def exact_decimal(value: object, field: str, error: type[SettingError]) -> Decimal:
    """A finite Decimal from a setting's value (a Decimal, an int or its decimal text; never a
    float or a bool), or `error` naming the field and the value."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if isinstance(value, float | bool) or not number.is_finite():
        raise _not_exact(value, field, error)
    return number


def exact_fraction(value: object, field: str, error: type[SettingError]) -> Fraction:
    """The exact Fraction of a value already read as a number (a finite Decimal, a Fraction or an
    int; never a float or a bool), or `error` naming the field and the value."""
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        raise _not_exact(value, field, error)
    if isinstance(value, Decimal) and not value.is_finite():
        raise _not_exact(value, field, error)
    return Fraction(value)


def _not_exact(value: object, field: str, error: type[SettingError]) -> SettingError:
    return error(
        gettext_noop("%(field)s: “%(value)s” is not an exact number."), field=field, value=value
    )


class RubricError(ValueError):
    """A stored rubric or rule the scoring core cannot use, naming the criterion and field."""

    def __init__(self, phrase: Phrase) -> None:
        super().__init__(str(phrase))
        self.phrase = phrase


def _refused(template: str, **params: Any) -> RubricError:
    return RubricError(Phrase(template, **params))


def _decimal(value: Any, where: Phrase) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise _refused(
            gettext_noop("%(where)s: “%(value)s” is not a number."), where=where, value=value
        )
    return number


def parse_rubric(data: Sequence[Mapping[str, Any]]) -> Rubric:
    """The scoring core's Rubric; RubricError naming the criterion and field otherwise."""
    if not isinstance(data, list) or not data:
        raise _refused(gettext_noop("A rubric needs at least one criterion."))
    criteria = []
    for position, item in enumerate(data, start=1):
        key = str(item.get("key", "")).strip()
        where = Phrase(gettext_noop("criterion %(n)s (%(key)s)"), n=position, key=key or "?")
        if not key:
            raise _refused(gettext_noop("%(where)s: the key is empty."), where=where)
        maximum = _decimal(item.get("maximum"), where)
        step = _decimal(item.get("step", DEFAULT_STEP), where)
        weight = _decimal(item.get("weight", DEFAULT_WEIGHT), where)
        try:
            criteria.append(
                Criterion(
                    key=key,
                    label=str(item.get("label") or key),
                    maximum=maximum,
                    step=step,
                    weight=weight,
                )
            )
        except ValueError as error:
            raise _refused("%(where)s: %(error)s", where=where, error=str(error)) from None
    try:
        return Rubric(tuple(criteria))
    except ValueError as error:
        raise _refused("%(error)s", error=str(error)) from None


def rule_record(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored rule with the defaults filled in: the one place they are applied."""
    return {**DEFAULT_RULE, **(data or {})}


def parse_rule(data: Mapping[str, Any] | None) -> PanelRule:
    merged = rule_record(data)
    try:
        return PanelRule(
            mode=Mode(merged["mode"]),
            method=Method(merged["method"]),
            trim=int(merged["trim"]),
            min_panel=int(merged["min_panel"]),
            decimals=int(merged["decimals"]),
        )
    except (ValueError, TypeError) as error:
        raise _refused(
            gettext_noop("The aggregation rule is not valid: %(error)s"), error=error
        ) from None


def parse_tie_breaks(data: Mapping[str, Any] | None, rubric: Rubric) -> list[TieBreak]:
    keys = {c.key for c in rubric.criteria}
    chain = []
    for text in rule_record(data)["tie_breaks"] or []:
        try:
            tie_break = TieBreak.parse(str(text))
        except ValueError as error:
            raise _refused("%(error)s", error=str(error)) from None
        if tie_break.criterion is not None and tie_break.criterion not in keys:
            raise _refused(
                gettext_noop("The tie-break names an unknown criterion “%(key)s”."),
                key=tie_break.criterion,
            )
        chain.append(tie_break)
    return chain


@dataclass(frozen=True)
class Rules:
    """An arena's rubric, panel rule and tie-break chain, parsed once from their records."""

    rubric: Rubric
    rule: PanelRule
    tie_breaks: tuple[TieBreak, ...]

    @classmethod
    def from_records(
        cls, rubric: Sequence[Mapping[str, Any]], rule: Mapping[str, Any] | None
    ) -> Rules:
        parsed = parse_rubric(rubric)
        return cls(parsed, parse_rule(rule), tuple(parse_tie_breaks(rule, parsed)))


@functools.lru_cache(maxsize=256)
def _rules_of_text(text: str) -> Rules:
    rubric, rule = json.loads(text)
    return Rules.from_records(rubric, rule)


def rules_of_records(rubric: Sequence[Mapping[str, Any]], rule: Mapping[str, Any] | None) -> Rules:
    """`Rules.from_records`, cached by the records' content: an arena's state is rebuilt from a
    fresh row after every change, and its rubric is the same until the host edits it."""
    return _rules_of_text(json.dumps([rubric, rule], sort_keys=True, default=str))
