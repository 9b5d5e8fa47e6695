"""One participant's panel score from its judges' sheets (the exact, explainable path).

Two orders are used in practice:

* ``total`` (Chinese arena practice, the default): each judge's total is Σ weight × mark, and the
  panel score is the aggregate of the judges' totals, rounded once.
* ``criterion`` (ISU practice): each criterion's panel mark is the aggregate of the judges' marks,
  rounded; its weighted value is weight × panel mark, rounded; the panel score is the sum of the
  weighted values (already on the grid, so not rounded again).

Aggregates are exact fractions; rounding is half away from zero and happens only where the order
says. The batch path (`leitai.scoring.analysis.batch`) must agree with this module to the last
digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from leitai.scoring.exact import round_half_up, to_fraction


class Mode(StrEnum):
    TOTAL = "total"
    CRITERION = "criterion"


class Method(StrEnum):
    TRIMMED = "trimmed"
    MEAN = "mean"
    MEDIAN = "median"


class TrimOutcome(StrEnum):
    TRIMMED = "trimmed"
    TOO_FEW_JUDGES = "too_few_judges"
    NOT_TRIMMING = "not_trimming"


class Side(StrEnum):
    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True)
class PanelRule:
    mode: Mode = Mode.TOTAL
    method: Method = Method.TRIMMED
    trim: int = 1
    min_panel: int = 5
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.trim < 0:
            raise ValueError("trim must be 0 or more")
        if self.decimals < 0:
            raise ValueError("decimals must be 0 or more")
        if self.min_panel < 2 * self.trim + 1:
            # Otherwise trimming a panel of exactly min_panel judges would leave no mark.
            raise ValueError(f"min_panel must be at least 2 × trim + 1 = {2 * self.trim + 1}")

    def trims(self, judges: int) -> bool:
        return self.method is Method.TRIMMED and self.trim > 0 and judges >= self.min_panel


@dataclass(frozen=True)
class TrimNote:
    """Why marks were or were not dropped, as a code for programs and a sentence for people."""

    outcome: TrimOutcome
    text: str


def trim_note(rule: PanelRule, judges: int) -> TrimNote:
    if rule.trims(judges):
        return TrimNote(
            TrimOutcome.TRIMMED,
            f"{judges} judges (at least {rule.min_panel}): "
            f"the {rule.trim} highest and {rule.trim} lowest dropped",
        )
    if rule.method is Method.TRIMMED and rule.trim > 0:
        return TrimNote(
            TrimOutcome.TOO_FEW_JUDGES,
            f"fewer than {rule.min_panel} judges ({judges}): nothing dropped",
        )
    return TrimNote(TrimOutcome.NOT_TRIMMING, f"{rule.method.value}: nothing dropped")


@dataclass(frozen=True)
class DroppedMark:
    judge: str
    criterion: str | None  # None in total mode, where the judge's total is dropped
    mark: Decimal
    side: Side


@dataclass(frozen=True)
class CriterionScore:
    mark: Decimal  # the criterion's panel mark, rounded
    weighted: Decimal  # weight × panel mark, rounded


@dataclass(frozen=True)
class PanelScore:
    score: Decimal
    judges: int
    dropped: tuple[DroppedMark, ...]
    note: TrimNote
    # Each judge's weighted total, exact (not rounded: it is an intermediate in total mode).
    judge_totals: Mapping[str, Decimal]
    # Mean of the judges' totals with nothing dropped; a common first tie-break.
    untrimmed_mean: Fraction
    # Each criterion's panel mark (aggregated and rounded as in criterion mode), in either mode,
    # so a tie-break can name a criterion.
    criterion_marks: Mapping[str, Decimal]
    # Published per-criterion figures; only in criterion mode.
    criteria: Mapping[str, CriterionScore] | None = field(default=None)


class EmptyPanelError(ValueError):
    pass


def score_panel(
    sheets: Mapping[str, Mapping[str, Decimal]],
    *,
    weights: Mapping[str, Decimal],
    rule: PanelRule | None = None,
) -> PanelScore:
    """Score one participant from `sheets` (judge → criterion key → mark).

    Only the judges who actually scored are passed: a recused or absent judge is simply absent,
    so the panel shrinks and the trimming rule is applied to the judges present.
    """
    rule = rule or PanelRule()
    if not sheets:
        raise EmptyPanelError("no judge scored this participant")
    keys = list(weights)
    exact_weights = {key: to_fraction(weights[key]) for key in keys}
    marks: dict[str, dict[str, Fraction]] = {}
    for judge, sheet in sheets.items():
        if set(sheet) != set(keys):
            missing = sorted(set(keys) - set(sheet))
            extra = sorted(set(sheet) - set(keys))
            raise ValueError(
                f"judge {judge}: sheet does not match the criteria"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(extra)}" if extra else "")
            )
        marks[judge] = {key: to_fraction(sheet[key]) for key in keys}

    totals = {
        judge: sum((exact_weights[key] * mark[key] for key in keys), Fraction(0))
        for judge, mark in marks.items()
    }
    judges = len(marks)
    untrimmed_mean = sum(totals.values(), Fraction(0)) / judges
    criterion_marks: dict[str, Decimal] = {}
    criterion_dropped: list[DroppedMark] = []
    for key in keys:
        value, dropped = aggregate_marks({judge: marks[judge][key] for judge in marks}, rule)
        criterion_marks[key] = round_half_up(value, rule.decimals)
        criterion_dropped.extend(
            DroppedMark(judge, key, _as_decimal(mark), side) for judge, mark, side in dropped
        )

    if rule.mode is Mode.TOTAL:
        value, dropped = aggregate_marks(totals, rule)
        return PanelScore(
            score=round_half_up(value, rule.decimals),
            judges=judges,
            dropped=tuple(DroppedMark(j, None, _as_decimal(m), side) for j, m, side in dropped),
            note=trim_note(rule, judges),
            judge_totals={judge: _as_decimal(total) for judge, total in totals.items()},
            untrimmed_mean=untrimmed_mean,
            criterion_marks=criterion_marks,
        )

    criteria = {
        key: CriterionScore(
            mark=criterion_marks[key],
            weighted=round_half_up(exact_weights[key] * to_fraction(mark), rule.decimals),
        )
        for key, mark in criterion_marks.items()
    }
    return PanelScore(
        score=sum((c.weighted for c in criteria.values()), Decimal(0)).quantize(
            Decimal(1).scaleb(-rule.decimals)
        ),
        judges=judges,
        dropped=tuple(criterion_dropped),
        note=trim_note(rule, judges),
        judge_totals={judge: _as_decimal(total) for judge, total in totals.items()},
        untrimmed_mean=untrimmed_mean,
        criterion_marks=criterion_marks,
        criteria=criteria,
    )


def aggregate_marks(
    marks: Mapping[str, Fraction], rule: PanelRule
) -> tuple[Fraction, list[tuple[str, Fraction, Side]]]:
    """The panel's exact aggregate of one mark per judge, and the marks it dropped.

    Marks are ordered from lowest to highest, ties by judge code; trimming drops the first k and
    the last k of that order. So when several judges share the extreme mark, exactly one instance
    per trimmed place is dropped, and which judge is named does not depend on input order.
    """
    ordered = sorted(marks.items(), key=lambda item: (item[1], item[0]))
    count = len(ordered)
    if rule.method is Method.MEDIAN:
        middle = count // 2
        if count % 2:
            return ordered[middle][1], []
        return (ordered[middle - 1][1] + ordered[middle][1]) / 2, []
    if not rule.trims(count):
        return sum((mark for _, mark in ordered), Fraction(0)) / count, []
    k = rule.trim
    kept = ordered[k : count - k]
    dropped = [(judge, mark, Side.LOW) for judge, mark in ordered[:k]]
    dropped += [(judge, mark, Side.HIGH) for judge, mark in ordered[count - k :]]
    return sum((mark for _, mark in kept), Fraction(0)) / len(kept), dropped


def _as_decimal(value: Fraction) -> Decimal:
    """A judge's total or mark, which is a finite decimal (weights and marks are decimals)."""
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(decimal) != value:
        # The division ran out of precision; only possible with absurdly long decimals.
        raise ValueError(f"{value} is not representable as a short decimal")
    return decimal
