"""Star rating (评星定级): a unit's total, its stars, and the five-star cap per group.

* **Total** = 0.7 × clamp(basic − min(deductions, 20) + min(bonus, 10), 0, 100) + 0.3 × appraisal,
  computed exactly and rounded half-up to 2 decimals once.
* **Stars** from the rounded total: ≥ 90 five, ≥ 80 four, ≥ 70 three, ≥ 60 two, else one.
* **Caps**: appraisal below 60 → at most two stars; any veto → at most two stars; a unit less than
  12 months old → not rated (no total, no stars).
* **Five-star cap** (`rate_groups`): within each group at most ⌊0.30 × rated units⌋ five-star
  units, exactly (rated: all but the young, vetoed ones included). When more qualify they are
  ordered by the rounded total, then basic, then appraisal (each descending), then unit code; those
  beyond the line get four stars and are marked capped. Units equal on total, basic and appraisal
  on both sides of the line are marked `tied` (the product asks the committee; here the code
  decides).
* **Reason**, per unit: the first of young, veto, appraisal, capped that holds — whether or not it
  changed the stars — else ok.

Every number is a setting (`StarRule`, parsed from a programme's record). `rate` and `rate_groups`
are the definition (Fractions); `rate_arrays` is the same rule over arrays of values in
hundredths (integers throughout, tested equal), for a province's million units at once. Pure: no
Django, no app. docs/scoring.md is the full contract.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.codec import (
    SettingError,
    exact_decimal,
    exact_fraction,
    gettext_noop,
    whole_number,
)
from leitai.scoring.exact import IntArray, decimal_places, plain, round_half_up

HUNDRED = 100
FIVE, FOUR = 5, 4


class StarError(SettingError):
    """A setting or a unit's value the star rule cannot use, naming the field and the value.
    `phrase` carries the catalogue's message and its values for the Django layer."""


def _decimal(value: object, field: str) -> Decimal:
    return exact_decimal(value, field, StarError)


def _within(value: Decimal, field: str, low: int, high: int | None, raw: object) -> Decimal:
    if value < low or (high is not None and value > high):
        if high is None:
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
                field=field,
                value=raw,
                minimum=low,
            )
        raise StarError(
            gettext_noop("%(field)s: “%(value)s” is not from %(low)s to %(high)s."),
            field=field,
            value=raw,
            low=low,
            high=high,
        )
    return value


def _hundredths(value: Decimal, field: str, raw: object) -> Decimal:
    if decimal_places(value) > 2:
        raise StarError(
            gettext_noop("%(field)s: “%(value)s” has more than 2 decimals."), field=field, value=raw
        )
    return value


DEFAULT_THRESHOLDS = (Decimal(90), Decimal(80), Decimal(70), Decimal(60))


@dataclass(frozen=True)
class StarRule:
    """The rule's settings. `StarRule()` is the default; `from_record` reads a programme's."""

    basic_weight: Decimal = Decimal("0.7")
    appraisal_weight: Decimal = Decimal("0.3")
    deduction_cap: Decimal = Decimal(20)
    bonus_cap: Decimal = Decimal(10)
    # Lowest totals of five, four, three and two stars (strictly falling, each 0–100).
    thresholds: tuple[Decimal, ...] = DEFAULT_THRESHOLDS
    appraisal_minimum: Decimal = Decimal(60)  # appraisal below it caps the stars…
    appraisal_stars: int = 2  # …at this many
    veto_stars: int = 2  # any veto caps the stars at this many
    minimum_months: int = 12  # younger on the rating date: not rated
    five_star_cap: Decimal = Decimal("0.30")  # share of a group's rated units, 0–1

    DEFAULT: ClassVar[StarRule]
    FIELDS: ClassVar[tuple[str, ...]] = (
        "basic_weight",
        "appraisal_weight",
        "deduction_cap",
        "bonus_cap",
        "thresholds",
        "appraisal_minimum",
        "appraisal_stars",
        "veto_stars",
        "minimum_months",
        "five_star_cap",
    )

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("basic_weight", "appraisal_weight"):
            raw = getattr(self, name)
            value = _hundredths(_within(_decimal(raw, name), name, 0, 1, raw), name, raw)
            set_(self, name, value)
        if self.basic_weight + self.appraisal_weight != 1:
            raise StarError(
                gettext_noop("%(field)s: the weights sum to %(value)s, not 1."),
                field="basic_weight",
                value=plain(self.basic_weight + self.appraisal_weight),
            )
        for name in ("deduction_cap", "bonus_cap"):
            raw = getattr(self, name)
            set_(
                self, name, _hundredths(_within(_decimal(raw, name), name, 0, None, raw), name, raw)
            )
        raw_thresholds = self.thresholds
        if isinstance(raw_thresholds, str) or not isinstance(raw_thresholds, Sequence):
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” is not a list of four totals."),
                field="thresholds",
                value=raw_thresholds,
            )
        if len(raw_thresholds) != 4:
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” is not a list of four totals."),
                field="thresholds",
                value=list(raw_thresholds),
            )
        thresholds = tuple(
            _hundredths(
                _within(_decimal(t, "thresholds"), "thresholds", 0, 100, t), "thresholds", t
            )
            for t in raw_thresholds
        )
        if any(a <= b for a, b in itertools.pairwise(thresholds)):
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” does not fall strictly."),
                field="thresholds",
                value=", ".join(plain(t) for t in thresholds),
            )
        set_(self, "thresholds", thresholds)
        raw = self.appraisal_minimum
        value = _within(_decimal(raw, "appraisal_minimum"), "appraisal_minimum", 0, 100, raw)
        set_(self, "appraisal_minimum", _hundredths(value, "appraisal_minimum", raw))
        for name in ("appraisal_stars", "veto_stars"):
            stars = whole_number(getattr(self, name), name, 1, StarError)
            if stars > FIVE:
                raise StarError(
                    gettext_noop("%(field)s: “%(value)s” is not from %(low)s to %(high)s."),
                    field=name,
                    value=stars,
                    low=1,
                    high=FIVE,
                )
            set_(self, name, stars)
        set_(
            self,
            "minimum_months",
            whole_number(self.minimum_months, "minimum_months", 0, StarError),
        )
        raw = self.five_star_cap
        set_(
            self,
            "five_star_cap",
            _within(_decimal(raw, "five_star_cap"), "five_star_cap", 0, 1, raw),
        )

    @classmethod
    def from_record(cls, record: Mapping[str, object] | None) -> StarRule:
        """A programme setting: {"basic_weight": "0.7", "thresholds": ["90", …], …}; a field not
        named keeps its default; {} (or None) is the default."""
        record = record or {}
        unknown = sorted(set(record) - set(cls.FIELDS))
        if unknown:
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” is not a setting of the star rating."),
                field="stars",
                value=unknown[0],
            )
        return cls(**record)  # type: ignore[arg-type]

    def to_record(self) -> dict[str, object]:
        record: dict[str, object] = {}
        for name in self.FIELDS:
            value = getattr(self, name)
            if isinstance(value, Decimal):
                record[name] = plain(value)
            elif isinstance(value, tuple):
                record[name] = [plain(v) for v in value]
            else:
                record[name] = value
        return record

    def stars_of(self, total: Decimal | Fraction) -> int:
        """Stars from a (rounded) total by the thresholds alone."""
        return FIVE - sum(1 for t in self.thresholds if total < t)


StarRule.DEFAULT = StarRule()


class Reason(StrEnum):
    """Why a unit has its stars: the first of these that holds."""

    YOUNG = "young"  # younger than the minimum: not rated
    VETO = "veto"
    APPRAISAL = "appraisal"  # appraisal below the minimum
    CAPPED = "capped"  # qualified for five stars, beyond its group's cap
    OK = "ok"


REASONS = tuple(Reason)  # the array path's reason codes index this


@dataclass(frozen=True)
class UnitValues:
    """One unit's figures: basic items after verification (0–100), deductions and bonus (≥ 0,
    before their caps), appraisal (0–100), a veto, and its age in whole months."""

    basic: Decimal | Fraction | int
    deductions: Decimal | Fraction | int
    bonus: Decimal | Fraction | int
    appraisal: Decimal | Fraction | int
    veto: bool = False
    months: int = 12


@dataclass(frozen=True)
class Rating:
    """A unit's rating: `total` rounded (None when not rated), `exact` its exact value, `stars`
    (None when not rated), `reason`, and at the five-star cap whether it was `capped` and whether
    it was `tied` across the cap line."""

    total: Decimal | None
    exact: Fraction | None
    stars: int | None
    reason: Reason
    combined: Fraction | None = None  # clamp(basic − deductions + bonus, 0, 100), caps applied
    capped: bool = False
    tied: bool = False


def _value(value: object, field: str, high: int | None) -> Fraction:
    number = exact_fraction(value, field, StarError)
    if number < 0 or (high is not None and number > high):
        raise StarError(
            gettext_noop("%(field)s: “%(value)s” is not from %(low)s to %(high)s.")
            if high is not None
            else gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field=field,
            value=value,
            low=0,
            high=high,
            minimum=0,
        )
    return number


def rate(unit: UnitValues, rule: StarRule = StarRule.DEFAULT) -> Rating:
    """One unit's total, stars and reason, before its group's five-star cap."""
    basic = _value(unit.basic, "basic", HUNDRED)
    deductions = _value(unit.deductions, "deductions", None)
    bonus = _value(unit.bonus, "bonus", None)
    appraisal = _value(unit.appraisal, "appraisal", HUNDRED)
    months = whole_number(unit.months, "months", 0, StarError)
    if months < rule.minimum_months:
        return Rating(None, None, None, Reason.YOUNG)
    combined = basic - min(deductions, Fraction(rule.deduction_cap))
    combined = min(
        max(combined + min(bonus, Fraction(rule.bonus_cap)), Fraction(0)), Fraction(HUNDRED)
    )
    exact = Fraction(rule.basic_weight) * combined + Fraction(rule.appraisal_weight) * appraisal
    total = round_half_up(exact, 2)
    stars = rule.stars_of(total)
    reason = Reason.OK
    if appraisal < rule.appraisal_minimum:
        stars, reason = min(stars, rule.appraisal_stars), Reason.APPRAISAL
    if unit.veto:
        stars, reason = min(stars, rule.veto_stars), Reason.VETO
    return Rating(total, exact, stars, reason, combined)


def cap_allowed(rated: int, rule: StarRule = StarRule.DEFAULT) -> int:
    """⌊cap × rated⌋, exactly: the most five-star units a group of `rated` units may have."""
    return math.floor(Fraction(rule.five_star_cap) * rated)


def rate_groups(
    units: Sequence[tuple[str, str, UnitValues]], rule: StarRule = StarRule.DEFAULT
) -> tuple[Rating, ...]:
    """Every unit's rating, in the order given, with each group's five-star cap applied. `units`
    are (unit code, group, values); codes are unique."""
    ratings = [rate(values, rule) for _, _, values in units]
    rated: dict[str, int] = defaultdict(int)
    qualifying: dict[str, list[int]] = defaultdict(list)
    for i, ((_, group, _), rating) in enumerate(zip(units, ratings, strict=True)):
        if rating.stars is not None:
            rated[group] += 1
            if rating.stars == FIVE:
                qualifying[group].append(i)

    def key(i: int) -> tuple[Decimal, Fraction, Fraction]:
        values = units[i][2]
        total = ratings[i].total
        assert total is not None
        return total, Fraction(values.basic), Fraction(values.appraisal)

    for group, members in qualifying.items():
        allowed = cap_allowed(rated[group], rule)
        if len(members) <= allowed:
            continue
        members.sort(key=lambda i: units[i][0])
        members.sort(key=key, reverse=True)  # stable: equal keys stay in code order
        line = key(members[allowed - 1]) if allowed else None
        tie = allowed > 0 and key(members[allowed]) == line
        for position, i in enumerate(members):
            rating = ratings[i]
            capped = position >= allowed
            tied = tie and key(i) == line
            reason = Reason.CAPPED if capped and rating.reason is Reason.OK else rating.reason
            ratings[i] = Rating(
                rating.total,
                rating.exact,
                FOUR if capped else rating.stars,
                reason,
                rating.combined,
                capped,
                tied,
            )
    return tuple(ratings)


# --- many units ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarArrays:
    """Many units' ratings, indexed by unit (the order given): `total` in hundredths (−1 when not
    rated), `stars` (0 when not rated), `reason` (index into REASONS), `capped`, `tied`."""

    total: NDArray[np.int64]
    stars: NDArray[np.int8]
    reason: NDArray[np.int8]
    capped: NDArray[np.bool_]
    tied: NDArray[np.bool_]

    def reason_of(self, unit: int) -> Reason:
        return REASONS[int(self.reason[unit])]


@dataclass(frozen=True)
class UnitArrays:
    """Many units' figures: `basic`, `deductions`, `bonus`, `appraisal` in hundredths (int64),
    `veto`, `months`, `group` (int ids) and `code_rank` (the unit's place in code order)."""

    basic: IntArray
    deductions: IntArray
    bonus: IntArray
    appraisal: IntArray
    veto: NDArray[np.bool_]
    months: IntArray
    group: IntArray
    code_rank: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def check(self) -> None:
        """StarError naming the first unit whose figure is out of range."""
        for name, high in (
            ("basic", 100),
            ("deductions", None),
            ("bonus", None),
            ("appraisal", 100),
        ):
            values = getattr(self, name)
            bad = np.flatnonzero((values < 0) | (values > high * HUNDRED if high else False))
            if bad.size:
                raise StarError(
                    gettext_noop("%(field)s: “%(value)s” is out of range (unit %(unit)s)."),
                    field=name,
                    value=Decimal(int(values[bad[0]])).scaleb(-2),
                    unit=int(bad[0]) + 1,
                )
        bad = np.flatnonzero(self.months < 0)
        if bad.size:
            raise StarError(
                gettext_noop("%(field)s: “%(value)s” is out of range (unit %(unit)s)."),
                field="months",
                value=int(self.months[bad[0]]),
                unit=int(bad[0]) + 1,
            )


def _units(value: Decimal) -> int:
    return int(value * HUNDRED)


def rate_arrays(units: UnitArrays, rule: StarRule = StarRule.DEFAULT) -> StarArrays:
    """`rate_groups` over arrays: the figures in hundredths, all arithmetic on integers (the
    total in ten-thousandths before its one rounding)."""
    n = int(units.basic.size)
    code_rank = units.code_rank if units.code_rank.size == n else np.arange(n, dtype=np.int64)
    combined = units.basic - np.minimum(units.deductions, _units(rule.deduction_cap))
    combined += np.minimum(units.bonus, _units(rule.bonus_cap))
    np.clip(combined, 0, HUNDRED * HUNDRED, out=combined)
    exact = _units(rule.basic_weight) * combined + _units(rule.appraisal_weight) * units.appraisal
    total = (exact + HUNDRED // 2) // HUNDRED  # half-up; never negative
    stars = np.ones(n, dtype=np.int8)
    for threshold in rule.thresholds:
        stars += total >= _units(threshold)
    low = units.appraisal < _units(rule.appraisal_minimum)
    np.minimum(stars, np.where(low, rule.appraisal_stars, FIVE).astype(np.int8), out=stars)
    np.minimum(stars, np.where(units.veto, rule.veto_stars, FIVE).astype(np.int8), out=stars)
    young = units.months < rule.minimum_months
    reason = np.select(
        [young, units.veto, low],
        [REASONS.index(r) for r in (Reason.YOUNG, Reason.VETO, Reason.APPRAISAL)],
        REASONS.index(Reason.OK),
    ).astype(np.int8)
    stars[young] = 0
    total = np.where(young, -1, total)
    capped = np.zeros(n, dtype=bool)
    tied = np.zeros(n, dtype=bool)
    qualifying = np.flatnonzero(stars == FIVE)
    if qualifying.size:
        group = units.group
        groups = int(group.max()) + 1
        rated = np.bincount(group[~young], minlength=groups)
        cap = Fraction(rule.five_star_cap)
        allowed = (rated * cap.numerator) // cap.denominator
        g = group[qualifying]
        t, b, a = total[qualifying], units.basic[qualifying], units.appraisal[qualifying]
        order = np.lexsort((code_rank[qualifying], -a, -b, -t, g))
        q, g, t, b, a = qualifying[order], g[order], t[order], b[order], a[order]
        count = q.size
        new_group = np.ones(count, dtype=bool)
        new_group[1:] = g[1:] != g[:-1]
        starts = np.maximum.accumulate(np.where(new_group, np.arange(count), 0))
        position = np.arange(count) - starts
        line = allowed[g]
        over = position >= line
        capped[q[over]] = True
        stars[q[over]] = FOUR
        ok = reason[q[over]] == REASONS.index(Reason.OK)
        reason[q[over][ok]] = REASONS.index(Reason.CAPPED)
        # Ties across the line: the first unit beyond it equal to the last one within.
        new_key = new_group.copy()
        new_key[1:] |= (t[1:] != t[:-1]) | (b[1:] != b[:-1]) | (a[1:] != a[:-1])
        key_id = np.cumsum(new_key) - 1
        first_out = np.flatnonzero((position == line) & (position > 0))
        straddling = first_out[~new_key[first_out]]
        if straddling.size:
            tied[q[np.isin(key_id, key_id[straddling])]] = True
    return StarArrays(total.astype(np.int64), stars, reason, capped, tied)
