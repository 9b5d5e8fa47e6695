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
from django.utils.translation import gettext as _

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


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}
        ) from None
    if not number.is_finite():
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}
        )
    return number


def rubric_from_json(data: list[dict[str, Any]]) -> Rubric:
    """The scoring core's Rubric; ValidationError naming the criterion and field otherwise."""
    from leitai.scoring import Criterion, Rubric

    if not isinstance(data, list) or not data:
        raise ValidationError(_("A rubric needs at least one criterion."))
    criteria = []
    for position, item in enumerate(data, start=1):
        key = str(item.get("key", "")).strip()
        where = _("criterion %(n)s (%(key)s)") % {"n": position, "key": key or "?"}
        if not key:
            raise ValidationError(_("%(where)s: the key is empty.") % {"where": where})
        try:
            criteria.append(
                Criterion(
                    key=key,
                    label=str(item.get("label") or key),
                    maximum=_decimal(item.get("maximum"), where),
                    step=_decimal(item.get("step", "0.5"), where),
                    weight=_decimal(item.get("weight", "1"), where),
                )
            )
        except ValueError as error:
            raise ValidationError(f"{where}: {error}") from None
    try:
        return Rubric(tuple(criteria))
    except ValueError as error:
        raise ValidationError(str(error)) from None


def rule_from_json(data: dict[str, Any]) -> PanelRule:
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
        raise ValidationError(
            _("The aggregation rule is not valid: %(error)s") % {"error": error}
        ) from None


def tie_breaks_from_json(data: dict[str, Any], rubric: Rubric) -> list[TieBreak]:
    from leitai.scoring import TieBreak

    keys = {c.key for c in rubric.criteria}
    chain = []
    for text in (data or {}).get("tie_breaks", DEFAULT_RULE["tie_breaks"]):
        try:
            tie_break = TieBreak.parse(str(text))
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if tie_break.criterion is not None and tie_break.criterion not in keys:
            raise ValidationError(
                _("The tie-break names an unknown criterion “%(key)s”.")
                % {"key": tie_break.criterion}
            )
        chain.append(tie_break)
    return chain


def criterion_description(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("description_en"):
        return str(item["description_en"])
    return str(item.get("description", ""))


def criterion_label(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("label_en"):
        return str(item["label_en"])
    return str(item.get("label") or item.get("key"))
