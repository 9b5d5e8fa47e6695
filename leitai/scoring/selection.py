"""Determination (确定): the arena component, the composite, its ranking and the cut.

* **Arena component** (`arena_components`): the mid-rank percentile of a candidate within the
  arena it advanced from, 100 × (n − r) ÷ (n − 1), where r is the mean position of its tie group
  (equal published scores) and n the number ranked; 100 when n = 1.
* **Composite**, 0–100: Σ weight × component ÷ 100 over four components on 0–100 (`arena`,
  `reeval` — the re-evaluation score as a percentage of the rubric's maximum, `daily`,
  `honours`), weights summing to 100 (default 30, 30, 25, 15); computed exactly from the
  unrounded components, rounded half-up to 2 decimals once.
* **Ranking**: by the rounded composite, highest first; equal composites are ordered by the
  tie-break chain (default reeval, arena, daily, honours), each component compared at 2 decimals
  (rounded half-up); candidates equal on all of them share a competition rank (1, 2, 2, 4) and
  are listed in the order given.
* **The cut** at N seats: a group of equal candidates at positions r … r+k−1 is `in` when
  r+k−1 ≤ N, `out` when r > N, and `tie` (the organiser decides on the record) when
  r ≤ N < r+k−1. Vetoed candidates are `vetoed`: their composite shown, no rank, no seat, listed
  last in the order given.

`composite` is the definition for one candidate (Fractions); `composite_units` and `rank_cut`
are the same rule over arrays (integers throughout, tested equal), for a province's 40,000
candidates at once. Pure: no Django, no app. docs/scoring.md is the full contract.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.codec import SettingError, exact_decimal, gettext_noop
from leitai.scoring.exact import IntArray, divide_half_up, fits_int64, plain, round_half_up

COMPONENTS = ("arena", "reeval", "daily", "honours")
DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    "arena": Decimal(30),
    "reeval": Decimal(30),
    "daily": Decimal(25),
    "honours": Decimal(15),
}
DEFAULT_TIE_BREAKS = ("reeval", "arena", "daily", "honours")
HUNDRED = 100


class SelectionError(SettingError):
    """A weight, a tie-break or a component the selection rule cannot use, naming the field and
    the value. `phrase` carries the catalogue's message and its values for the Django layer."""


def _decimal(value: object, field: str) -> Decimal:
    return exact_decimal(value, field, SelectionError)


@dataclass(frozen=True)
class CompositeRule:
    """The composite's weights (per component, ≥ 0, at most 2 decimals, summing to 100) and the
    tie-break chain (components, each at most once). `CompositeRule()` is the default."""

    weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    tie_breaks: tuple[str, ...] = DEFAULT_TIE_BREAKS

    DEFAULT: ClassVar[CompositeRule]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(COMPONENTS))
        if unknown:
            raise SelectionError(
                gettext_noop("%(field)s: “%(value)s” is not a component (%(components)s)."),
                field="weights",
                value=unknown[0],
                components=", ".join(COMPONENTS),
            )
        weights = {}
        for name in COMPONENTS:
            weight = _decimal(self.weights.get(name, 0), f"weights.{name}")
            if weight < 0 or (weight * HUNDRED) != (weight * HUNDRED).to_integral_value():
                raise SelectionError(
                    gettext_noop(
                        "%(field)s: “%(value)s” is not a weight from 0 with at most 2 decimals."
                    ),
                    field=f"weights.{name}",
                    value=self.weights.get(name),
                )
            weights[name] = weight
        total = sum(weights.values(), Decimal(0))
        if total != HUNDRED:
            raise SelectionError(
                gettext_noop("%(field)s: the weights sum to %(value)s, not 100."),
                field="weights",
                value=plain(total),
            )
        object.__setattr__(self, "weights", weights)
        chain = tuple(self.tie_breaks)
        for name in chain:
            if name not in COMPONENTS:
                raise SelectionError(
                    gettext_noop("%(field)s: “%(value)s” is not a component (%(components)s)."),
                    field="tie_breaks",
                    value=name,
                    components=", ".join(COMPONENTS),
                )
        if len(set(chain)) != len(chain):
            repeated = next(name for name in chain if chain.count(name) > 1)
            raise SelectionError(
                gettext_noop("%(field)s: “%(value)s” is named twice."),
                field="tie_breaks",
                value=repeated,
            )
        object.__setattr__(self, "tie_breaks", chain)

    def __hash__(self) -> int:
        return hash((tuple(self.weights.values()), self.tie_breaks))

    @property
    def weight_units(self) -> tuple[int, ...]:
        """Each component's weight in hundredths (they sum to 10,000), in COMPONENTS order."""
        return tuple(int(self.weights[name] * HUNDRED) for name in COMPONENTS)

    @classmethod
    def from_record(cls, record: Mapping[str, object] | None) -> CompositeRule:
        """A programme setting: {"weights": {"arena": "30", …}, "tie_breaks": ["reeval", …]};
        {} (or None) is the default. Weights not named are 0 when some are named."""
        record = record or {}
        unknown = sorted(set(record) - {"weights", "tie_breaks"})
        if unknown:
            raise SelectionError(
                gettext_noop("%(field)s: “%(value)s” is not a setting of the composite."),
                field="composite",
                value=unknown[0],
            )
        weights = record.get("weights", DEFAULT_WEIGHTS)
        chain = record.get("tie_breaks", DEFAULT_TIE_BREAKS)
        if not isinstance(weights, Mapping):
            raise SelectionError(
                gettext_noop("%(field)s: “%(value)s” is not a weight per component."),
                field="weights",
                value=weights,
            )
        if isinstance(chain, str) or not isinstance(chain, Sequence):
            raise SelectionError(
                gettext_noop("%(field)s: “%(value)s” is not a list of components."),
                field="tie_breaks",
                value=chain,
            )
        return cls(
            weights={str(k): _decimal(v, f"weights.{k}") for k, v in weights.items()},
            tie_breaks=tuple(str(name) for name in chain),
        )

    def to_record(self) -> dict[str, object]:
        return {
            "weights": {name: plain(self.weights[name]) for name in COMPONENTS},
            "tie_breaks": list(self.tie_breaks),
        }


CompositeRule.DEFAULT = CompositeRule()


# --- one candidate -------------------------------------------------------------------------------


def arena_components(scores: Sequence[Decimal | Fraction | int]) -> list[Fraction]:
    """Each participant's mid-rank percentile within one arena, in the order given: ranked by
    score, highest first; r is the mean position of its group of equal scores, n the number
    ranked; 100 × (n − r) ÷ (n − 1), 100 when n = 1."""
    n = len(scores)
    if n == 1:
        return [Fraction(HUNDRED)]
    exact = [Fraction(score) for score in scores]
    components = []
    for own in exact:
        above = sum(1 for other in exact if other > own)
        equal = sum(1 for other in exact if other == own)
        mean_position = Fraction(2 * above + equal + 1, 2)  # positions above+1 … above+equal
        components.append(HUNDRED * (n - mean_position) / (n - 1))
    return components


def reeval_component(score: Decimal | Fraction, maximum: Decimal | Fraction) -> Fraction:
    """The re-evaluation score as a percentage of the rubric's maximum."""
    if Fraction(maximum) <= 0:
        raise SelectionError(
            gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field="maximum",
            value=maximum,
            minimum="0",
        )
    return HUNDRED * Fraction(score) / Fraction(maximum)


def _component(components: Mapping[str, Decimal | Fraction], name: str) -> Fraction:
    if name not in components:
        raise SelectionError(
            gettext_noop("%(field)s: no value for “%(value)s”."), field="components", value=name
        )
    value = Fraction(components[name])
    if not 0 <= value <= HUNDRED:
        raise SelectionError(
            gettext_noop("%(field)s: “%(value)s” is not from 0 to 100."),
            field=name,
            value=components[name],
        )
    return value


def composite_exact(
    components: Mapping[str, Decimal | Fraction], rule: CompositeRule = CompositeRule.DEFAULT
) -> Fraction:
    """Σ weight × component ÷ 100, exact, from the unrounded components (each 0–100)."""
    return explain_composite(components, rule).exact


@dataclass(frozen=True)
class CompositeParts:
    """A composite explained: each component's exact value, its weight and its exact part
    (weight × component ÷ 100), the exact sum and the published figure."""

    components: Mapping[str, Fraction]
    weights: Mapping[str, Decimal]
    parts: Mapping[str, Fraction]
    exact: Fraction
    published: Decimal


def explain_composite(
    components: Mapping[str, Decimal | Fraction], rule: CompositeRule = CompositeRule.DEFAULT
) -> CompositeParts:
    """Every number of a candidate's composite, for the explain page (`composite` is its
    `published`)."""
    values = {name: _component(components, name) for name in COMPONENTS}
    parts = {name: Fraction(rule.weights[name]) * values[name] / HUNDRED for name in COMPONENTS}
    exact = sum(parts.values(), Fraction(0))
    return CompositeParts(values, dict(rule.weights), parts, exact, round_half_up(exact, 2))


def composite(
    components: Mapping[str, Decimal | Fraction], rule: CompositeRule = CompositeRule.DEFAULT
) -> Decimal:
    """The published composite: `composite_exact` rounded half-up to 2 decimals once."""
    return round_half_up(composite_exact(components, rule), 2)


# --- many candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentArrays:
    """Each component of each candidate as an exact fraction numerator ÷ denominator (int64
    arrays of one length; denominators > 0), in COMPONENTS order."""

    numerators: tuple[IntArray, IntArray, IntArray, IntArray]
    denominators: tuple[IntArray, IntArray, IntArray, IntArray]

    @classmethod
    def from_values(cls, rows: Sequence[Mapping[str, Decimal | Fraction]]) -> ComponentArrays:
        fractions = [[_component(row, name) for row in rows] for name in COMPONENTS]
        numerators = tuple(np.array([f.numerator for f in column]) for column in fractions)
        denominators = tuple(np.array([f.denominator for f in column]) for column in fractions)
        return cls(numerators, denominators)  # type: ignore[arg-type]

    def check(self) -> None:
        """SelectionError for a denominator ≤ 0 or a component outside 0–100."""
        for name, n, d in zip(COMPONENTS, self.numerators, self.denominators, strict=True):
            bad = np.flatnonzero((d <= 0) | (n < 0) | (n > HUNDRED * d))
            if bad.size:
                i = int(bad[0])
                raise SelectionError(
                    gettext_noop("%(field)s: “%(value)s” is not from 0 to 100."),
                    field=name,
                    value=f"{int(n[i])}/{int(d[i])}",
                )

    @property
    def size(self) -> int:
        return int(self.numerators[0].size)

    def hundredths(self, name: str) -> IntArray:
        """A component rounded half-up to 2 decimals, in hundredths."""
        k = COMPONENTS.index(name)
        return divide_half_up(self.numerators[k] * HUNDRED, self.denominators[k])


def composite_units(
    arrays: ComponentArrays, rule: CompositeRule = CompositeRule.DEFAULT
) -> IntArray:
    """Every candidate's composite in hundredths, exact, rounded half-up once."""
    return divide_half_up(*composite_fraction(arrays, rule))


def composite_fraction(
    arrays: ComponentArrays, rule: CompositeRule = CompositeRule.DEFAULT
) -> tuple[IntArray, IntArray]:
    """Every candidate's unrounded composite in hundredths as numerator ÷ denominator:
    Σ W n ÷ (100 d) over a common denominator per candidate (W the weight in hundredths).
    Python integers (object arrays) where int64 could overflow."""
    arrays.check()
    denominators = list(arrays.denominators)
    largest = [int(d.max()) if d.size else 1 for d in denominators]
    if not fits_int64(HUNDRED**3 * math.prod(largest)):
        denominators = [d.astype(object) for d in denominators]
    common = (
        np.lcm.reduce(np.stack(denominators), axis=0)
        if denominators[0].dtype != object
        else _lcm(denominators)
    )
    numerator = sum(
        weight * n * (common // d)
        for weight, n, d in zip(rule.weight_units, arrays.numerators, denominators, strict=True)
    )
    return numerator, HUNDRED * common


def _lcm(columns: list[IntArray]) -> IntArray:
    return np.array([math.lcm(*values) for values in zip(*columns, strict=True)], dtype=object)


class Status(StrEnum):
    IN = "in"
    OUT = "out"
    TIE = "tie"  # tie at the cut: the organiser decides on the record
    VETOED = "vetoed"


STATUSES = tuple(Status)
_IN, _OUT, _TIE, _VETOED = range(4)


@dataclass(frozen=True)
class Cut:
    """The ranking and the cut, as arrays indexed by candidate (the order given), and `order`:
    the candidates in the order listed (rank order, equal ranks in the order given, vetoed last
    in the order given)."""

    top: int
    order: NDArray[np.intp]
    rank: NDArray[np.int64]  # competition rank; 0 for a vetoed candidate
    status: NDArray[np.int8]  # index into STATUSES
    # Index into the tie-break chain of the deepest tie-break that separated the candidate from
    # one with the same rounded composite; −1 when the composite alone placed it (or nothing
    # could).
    decided_by: NDArray[np.int8]

    def status_of(self, candidate: int) -> Status:
        return STATUSES[int(self.status[candidate])]


def rank_cut(
    composite: IntArray,
    tie_keys: Sequence[IntArray],
    vetoed: NDArray[np.bool_],
    top: int,
) -> Cut:
    """Rank on the rounded composite (hundredths), then on `tie_keys` (the chain's components in
    hundredths), higher better; cut at `top` seats. Vetoed candidates take no rank and no seat."""
    if top < 0:
        raise SelectionError(
            gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field="top",
            value=top,
            minimum=0,
        )
    n = int(composite.size)
    index = np.arange(n)
    keys = [np.asarray(k, dtype=np.int64) for k in (composite, *tie_keys)]
    ranked = np.flatnonzero(~vetoed)
    # np.lexsort sorts by the last key first: the order given last of all.
    order = ranked[np.lexsort([ranked, *(-k[ranked] for k in reversed(keys))])]
    count = order.size
    stacked = np.stack([k[order] for k in keys]) if keys else np.zeros((0, count))
    differs = stacked[:, 1:] != stacked[:, :-1]  # (keys, count − 1)
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = differs.any(axis=0)
    first = np.maximum.accumulate(np.where(new_group, np.arange(count), 0))
    group_id = np.cumsum(new_group) - 1
    group_end = np.flatnonzero(np.append(new_group[1:], True))  # last position of each group
    last = group_end[group_id]
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = first + 1
    status = np.full(n, _VETOED, dtype=np.int8)
    in_order = np.where(last + 1 <= top, _IN, np.where(first + 1 > top, _OUT, _TIE))
    status[order] = in_order.astype(np.int8)
    decided_by = np.full(n, -1, dtype=np.int8)
    if count > 1 and len(keys) > 1:
        # Between neighbouring groups of equal candidates, the first key that differs (≥ 1 when
        # their composites are equal). Groups are in lexicographic order, so a group's deepest
        # separation from any other is at one of its two neighbours.
        boundaries = np.flatnonzero(new_group[1:])
        depth = np.argmax(differs[:, boundaries], axis=0)
        groups = boundaries.size + 1
        group_depth = np.zeros(groups, dtype=np.int64)
        group_depth[:-1] = depth
        group_depth[1:] = np.maximum(group_depth[1:], depth)
        decided_by[order] = (group_depth[group_id] - 1).astype(np.int8)
    vetoed_order = index[vetoed]
    return Cut(
        top=top,
        order=np.concatenate([order, vetoed_order]).astype(np.intp),
        rank=rank,
        status=status,
        decided_by=decided_by,
    )


def determine(
    arrays: ComponentArrays,
    vetoed: NDArray[np.bool_],
    top: int,
    rule: CompositeRule = CompositeRule.DEFAULT,
) -> tuple[IntArray, Cut]:
    """Composites in hundredths and the cut at `top`, for one track's candidates."""
    composites = composite_units(arrays, rule)
    keys = [arrays.hundredths(name) for name in rule.tie_breaks]
    return composites, rank_cut(composites, keys, np.asarray(vetoed, dtype=bool), top)


def arena_component_arrays(
    arena: NDArray[np.int64], score: NDArray[np.int64]
) -> tuple[IntArray, IntArray]:
    """`arena_components` for many arenas at once: `arena[i]` is participant i's arena, `score[i]`
    its published score in units of the arena's last decimal. Returns the exact components as
    numerators and denominators: 100 × (2n − 2·above − equal − 1) ÷ (2(n − 1)); 100 ÷ 1 when
    n = 1."""
    order = np.lexsort((-score, arena))
    a, s = arena[order], score[order]
    count = a.size
    new_arena = np.ones(count, dtype=bool)
    new_arena[1:] = a[1:] != a[:-1]
    new_score = new_arena.copy()
    new_score[1:] |= s[1:] != s[:-1]
    positions = np.arange(count)
    arena_start = np.maximum.accumulate(np.where(new_arena, positions, 0))
    score_start = np.maximum.accumulate(np.where(new_score, positions, 0))
    arena_id, score_id = np.cumsum(new_arena) - 1, np.cumsum(new_score) - 1
    n = np.bincount(arena_id)[arena_id]
    equal = np.bincount(score_id)[score_id]
    above = score_start - arena_start
    numerator = np.where(n == 1, HUNDRED, HUNDRED * (2 * n - 2 * above - equal - 1))
    denominator = np.where(n == 1, 1, 2 * (n - 1))
    num, den = np.empty(count, dtype=np.int64), np.empty(count, dtype=np.int64)
    num[order], den[order] = numerator, denominator
    return num, den
