"""Rubrics and aggregation rules as stored JSON, and their conversion to the scoring core's types.

A rubric is stored as a list of criteria:
    [{"key": "achievements", "label": "比成绩", "label_en": "Achievements", "maximum": "30",
      "step": "0.5", "weight": "1", "description": "…"}]
A rule as {"mode": "total", "method": "trimmed", "trim": 1, "min_panel": 5, "decimals": 2,
           "tie_breaks": ["untrimmed_mean", "criterion:achievements"]}.
Numbers are kept as decimal strings so that nothing passes through binary floating point.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:  # the scoring core (and numpy) loads when a rubric is first used
    from leitai.scoring import PanelRule, Rubric, TieBreak

DEFAULT_RULE: dict[str, Any] = {
    "mode": "total",
    "method": "trimmed",
    "trim": 1,
    "min_panel": 5,
    "decimals": 2,
    "tie_breaks": ["untrimmed_mean"],
}


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages looks for the name) without translating
    it: Django's own gettext_noop reads the settings, which the offline ledger check has none of."""
    return message


class Phrase:
    """A message and its values: plain English as str(), needing no Django settings (the offline
    check of an exported ledger prints it), and in the user's language through `translated()`."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params

    def __str__(self) -> str:
        return self.template % {k: str(v) for k, v in self.params.items()}

    def translated(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.template) % {
            k: v.translated() if isinstance(v, Phrase) else v for k, v in self.params.items()
        }


class RubricError(ValueError):
    """A stored rubric or rule the scoring core cannot use, naming the criterion and field. The
    parse_* functions raise it (plain Python, for the ledger's replay); the *_from_json functions
    turn it into a ValidationError in the user's language, for forms and refusals."""

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


def parse_rubric(data: list[dict[str, Any]]) -> Rubric:
    """The scoring core's Rubric; RubricError naming the criterion and field otherwise."""
    from leitai.scoring import Criterion, Rubric

    if not isinstance(data, list) or not data:
        raise _refused(gettext_noop("A rubric needs at least one criterion."))
    criteria = []
    for position, item in enumerate(data, start=1):
        key = str(item.get("key", "")).strip()
        where = Phrase(gettext_noop("criterion %(n)s (%(key)s)"), n=position, key=key or "?")
        if not key:
            raise _refused(gettext_noop("%(where)s: the key is empty."), where=where)
        maximum = _decimal(item.get("maximum"), where)
        step = _decimal(item.get("step", "0.5"), where)
        weight = _decimal(item.get("weight", "1"), where)
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


def parse_rule(data: dict[str, Any]) -> PanelRule:
    from leitai.scoring import PanelRule
    from leitai.scoring.panel import Method, Mode

    merged = {**DEFAULT_RULE, **(data or {})}
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


def parse_tie_breaks(data: dict[str, Any], rubric: Rubric) -> list[TieBreak]:
    from leitai.scoring import TieBreak

    keys = {c.key for c in rubric.criteria}
    chain = []
    for text in (data or {}).get("tie_breaks", DEFAULT_RULE["tie_breaks"]):
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


def rubric_from_json(data: list[dict[str, Any]]) -> Rubric:
    """parse_rubric, refusing with a ValidationError in the user's language."""
    try:
        return parse_rubric(data)
    except RubricError as error:
        raise ValidationError(error.phrase.translated()) from None


def rule_from_json(data: dict[str, Any]) -> PanelRule:
    try:
        return parse_rule(data)
    except RubricError as error:
        raise ValidationError(error.phrase.translated()) from None


def tie_breaks_from_json(data: dict[str, Any], rubric: Rubric) -> list[TieBreak]:
    try:
        return parse_tie_breaks(data, rubric)
    except RubricError as error:
        raise ValidationError(error.phrase.translated()) from None


def criterion_description(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("description_en"):
        return str(item["description_en"])
    return str(item.get("description", ""))


def criterion_label(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("label_en"):
        return str(item["label_en"])
    return str(item.get("label") or item.get("key"))
