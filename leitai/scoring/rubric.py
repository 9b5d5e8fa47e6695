"""Rubrics and score-sheet validation.

A rubric is a list of criteria; a judge's sheet gives one mark per criterion. A mark is valid when
it lies in [0, maximum] on the criterion's step grid (a step of 0.5 allows 7.5 but not 7.25).
Every problem is reported, each naming the criterion, the value and the rule it breaks, so a
judge's phone can show all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from leitai.scoring.exact import to_fraction


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    maximum: Decimal
    step: Decimal = Decimal("0.1")
    weight: Decimal = Decimal(1)
    minimum: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("maximum", "step", "weight", "minimum"):
            if not getattr(self, name).is_finite():
                raise ValueError(f"criterion {self.key}: {name} must be a finite number")
        if not self.key:
            raise ValueError("a criterion needs a key")
        if self.minimum != 0:
            raise ValueError(f"criterion {self.key}: the minimum is 0 by definition")
        if self.maximum <= self.minimum:
            raise ValueError(f"criterion {self.key}: maximum must be above 0")
        if self.step <= 0:
            raise ValueError(f"criterion {self.key}: step must be positive")
        if (to_fraction(self.maximum) / to_fraction(self.step)).denominator != 1:
            raise ValueError(
                f"criterion {self.key}: maximum {self.maximum} is not on the step grid"
            )
        if self.weight < 0:
            raise ValueError(f"criterion {self.key}: weight must not be negative")


class SheetRule(StrEnum):
    MISSING = "missing"
    UNKNOWN = "unknown_criterion"
    NOT_A_NUMBER = "not_a_number"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    OFF_STEP = "off_step"


@dataclass(frozen=True)
class SheetProblem:
    criterion: str
    value: str
    rule: SheetRule
    message: str


class SheetError(ValueError):
    def __init__(self, problems: Sequence[SheetProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        if not self.criteria:
            raise ValueError("a rubric needs at least one criterion")
        keys = [criterion.key for criterion in self.criteria]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate criterion keys: {', '.join(duplicates)}")

    @property
    def weights(self) -> dict[str, Decimal]:
        return {criterion.key: criterion.weight for criterion in self.criteria}

    def total(self, marks: Mapping[str, Decimal]) -> Decimal:
        """A judge's weighted total of a checked sheet, exact: the sum of weight × mark."""
        return sum((c.weight * marks[c.key] for c in self.criteria), Decimal(0))

    @property
    def maximum_total(self) -> Decimal:
        return sum((c.weight * c.maximum for c in self.criteria), Decimal(0))

    def sheet_problems(self, sheet: Mapping[str, Decimal | str]) -> list[SheetProblem]:
        problems: list[SheetProblem] = []
        known = {criterion.key for criterion in self.criteria}
        for key in sorted(set(sheet) - known):
            problems.append(
                SheetProblem(key, str(sheet[key]), SheetRule.UNKNOWN, f"{key}: not in the rubric")
            )
        for criterion in self.criteria:
            if criterion.key not in sheet:
                problems.append(
                    SheetProblem(
                        criterion.key,
                        "",
                        SheetRule.MISSING,
                        f"{criterion.key}: no mark given",
                    )
                )
                continue
            problem = _mark_problem(criterion, sheet[criterion.key])
            if problem is not None:
                problems.append(problem)
        return problems

    def check_sheet(self, sheet: Mapping[str, Decimal | str]) -> dict[str, Decimal]:
        """The sheet's marks as Decimals; raises SheetError listing every problem."""
        problems = self.sheet_problems(sheet)
        if problems:
            raise SheetError(problems)
        return {criterion.key: Decimal(sheet[criterion.key]) for criterion in self.criteria}


def _mark_problem(criterion: Criterion, raw: Decimal | str) -> SheetProblem | None:
    key, shown = criterion.key, str(raw)
    try:
        mark = raw if isinstance(raw, Decimal) else Decimal(raw.strip())
    except ArithmeticError:
        mark = Decimal("NaN")
    if not mark.is_finite():
        return SheetProblem(key, shown, SheetRule.NOT_A_NUMBER, f"{key}: {shown!r} is not a number")
    if mark < criterion.minimum:
        return SheetProblem(
            key, shown, SheetRule.BELOW_MINIMUM, f"{key}: {shown} is below the minimum 0"
        )
    if mark > criterion.maximum:
        return SheetProblem(
            key,
            shown,
            SheetRule.ABOVE_MAXIMUM,
            f"{key}: {shown} is above the maximum {criterion.maximum}",
        )
    if (to_fraction(mark) / to_fraction(criterion.step)).denominator != 1:
        return SheetProblem(
            key,
            shown,
            SheetRule.OFF_STEP,
            f"{key}: {shown} is not a multiple of the step {criterion.step}",
        )
    return None
