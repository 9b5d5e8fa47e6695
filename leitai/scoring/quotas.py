"""Quotas (名额分配): seats shared by the largest-remainder method with a minimum.

The city's number of seats is shared among tracks, and each track's recommendation quota among
the evaluating units, by one rule (`apportion`):

* a unit with weight 0 gets 0 seats;
* every other unit first gets the minimum (default 1);
* the seats left are shared in proportion to the weights: each unit's exact share is
  rest × weight ÷ Σ weights; the whole parts first, then one seat each to the largest remainders;
  equal remainders go to the larger weight, then to the earlier unit in the list;
* 0 seats: every unit gets 0; fewer seats than the minimums need, or seats to give while every
  weight is 0: refused (`QuotaError`, naming the numbers).

Arithmetic is exact (`Fraction`; no binary float). A track's recommendation quota is
ceil(track seats × ratio) (`recommendation_quota`: 17 × 1.2 → 21). The default weight of a unit is
its number of eligible units; `blended_weights` gives ½·b/Σb + ½·m/Σm of eligible units and
members. `plan_quotas` does both levels.

Pure: no Django, no app. docs/scoring.md is the full contract.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from leitai.scoring.codec import SettingError, exact_fraction, gettext_noop, whole_number

Number = Fraction | Decimal | int


class QuotaError(SettingError):
    """Seats, a minimum, a weight or a ratio the quota rule cannot use, or seats it cannot share
    (fewer than the minimums need; seats while every weight is 0), naming the numbers. `phrase`
    carries the catalogue's message and its values for the Django layer."""


class Why(StrEnum):
    """Why a unit has its seats (beside the figures that make them up)."""

    NO_SEATS = "no_seats"  # nothing to share: every unit gets 0
    ZERO_WEIGHT = "zero_weight"  # weight 0: no seats
    REMAINDER_SEAT = "remainder_seat"  # minimum + whole part + one seat for a largest remainder
    NO_REMAINDER_SEAT = "no_remainder_seat"  # minimum + whole part; its remainder too small


class TieDecidedBy(StrEnum):
    """At the line of the remainder seats, equal remainders are decided by the larger weight,
    then by the earlier place in the list."""

    WEIGHT = "weight"
    ORDER = "order"


@dataclass(frozen=True)
class Allotment:
    """One unit's seats and how they were made: seats = minimum + whole + extra."""

    index: int  # its place in the list given
    weight: Fraction
    share: Fraction  # exact share of the seats left after the minimums: rest × weight ÷ Σ weights
    minimum: int
    whole: int  # ⌊share⌋
    remainder: Fraction  # share − whole
    extra: int  # 1 for a largest-remainder seat, else 0
    seats: int
    why: Why
    # Set when its remainder equalled that of a unit on the other side of the line.
    tie_decided_by: TieDecidedBy | None = None


# Weights are mostly small counts that repeat (eligible units per unit): one Fraction each.
_whole_fraction = functools.lru_cache(maxsize=4096)(Fraction)


def _fraction(value: object, field: str) -> Fraction:
    if type(value) is int and value >= 0:
        return _whole_fraction(value)
    number = exact_fraction(value, field, QuotaError)
    if number < 0:
        raise QuotaError(
            gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field=field,
            value=value,
            minimum=0,
        )
    return number


def apportion(weights: Sequence[Number], seats: int, minimum: int = 1) -> tuple[Allotment, ...]:
    """`seats` shared among units of the given weights (≥ 0), in the order given."""
    seats = whole_number(seats, "seats", 0, QuotaError)
    minimum = whole_number(minimum, "minimum", 0, QuotaError)
    exact = [_fraction(weight, f"weight {index + 1}") for index, weight in enumerate(weights)]
    if seats == 0:
        return tuple(
            Allotment(i, w, Fraction(0), 0, 0, Fraction(0), 0, 0, Why.NO_SEATS)
            for i, w in enumerate(exact)
        )
    positive = [i for i, w in enumerate(exact) if w.numerator > 0]
    if not positive:
        raise QuotaError(
            gettext_noop(
                "%(field)s: %(value)s seats to give, but every one of %(units)s weights is 0."
            ),
            field="seats",
            value=seats,
            units=len(exact),
        )
    needed = minimum * len(positive)
    if seats < needed:
        raise QuotaError(
            gettext_noop(
                "%(field)s: %(value)s seats are fewer than the minimums need: %(units)s units with "
                "a weight above 0 × %(minimum)s = %(needed)s."
            ),
            field="seats",
            value=seats,
            units=len(positive),
            minimum=minimum,
            needed=needed,
        )
    rest = seats - needed
    # Integers over common denominators: weight i is scaled[i] / d, share i is
    # rest × scaled[i] / total, its whole part and remainder one divmod.
    d = math.lcm(*(exact[i].denominator for i in positive))
    scaled = {i: exact[i].numerator * (d // exact[i].denominator) for i in positive}
    total = sum(scaled.values())
    parts = {i: divmod(rest * scaled[i], total) for i in positive}
    whole = {i: parts[i][0] for i in positive}
    left = rest - sum(whole.values())
    order = sorted(positive, key=lambda i: (-parts[i][1], -scaled[i], i))
    winners, losers = order[:left], order[left:]
    won = set(winners)
    decided = _ties_at_the_line(winners, losers, {i: parts[i][1] for i in positive}, scaled)
    zero = Fraction(0)
    allotments = []
    for i, weight in enumerate(exact):
        if i not in scaled:
            allotments.append(Allotment(i, weight, zero, 0, 0, zero, 0, 0, Why.ZERO_WEIGHT))
            continue
        extra = 1 if i in won else 0
        allotments.append(
            Allotment(
                index=i,
                weight=weight,
                share=Fraction(rest * scaled[i], total),
                minimum=minimum,
                whole=whole[i],
                remainder=Fraction(parts[i][1], total),
                extra=extra,
                seats=minimum + whole[i] + extra,
                why=Why.REMAINDER_SEAT if extra else Why.NO_REMAINDER_SEAT,
                tie_decided_by=decided.get(i),
            )
        )
    return tuple(allotments)


def _ties_at_the_line(
    winners: list[int], losers: list[int], remainder: dict[int, int], weight: dict[int, int]
) -> dict[int, TieDecidedBy]:
    """For the units whose remainder equals the line's (the last winner's and the first loser's,
    when those are equal): what decided their side — weight, or (equal weights) the order."""
    if not winners or not losers:
        return {}
    line = remainder[winners[-1]]
    if remainder[losers[0]] != line:
        return {}
    group_in = [i for i in winners if remainder[i] == line]
    group_out = [i for i in losers if remainder[i] == line]
    decided = {}
    for own, other in ((group_in, group_out), (group_out, group_in)):
        weights = {weight[i] for i in other}
        for i in own:
            decided[i] = TieDecidedBy.ORDER if weight[i] in weights else TieDecidedBy.WEIGHT
    return decided


def blended_weights(eligible: Sequence[int], members: Sequence[int]) -> tuple[Fraction, ...]:
    """½·b/Σb + ½·m/Σm per unit: its share of the eligible units and of the members. A half
    whose sum is 0 (no member counts at all) is 0 for every unit."""
    if len(eligible) != len(members):
        raise QuotaError(
            gettext_noop("%(field)s: %(value)s member counts for %(units)s units."),
            field="members",
            value=len(members),
            units=len(eligible),
        )
    b = [whole_number(v, f"eligible {i + 1}", 0, QuotaError) for i, v in enumerate(eligible)]
    m = [whole_number(v, f"members {i + 1}", 0, QuotaError) for i, v in enumerate(members)]
    total_b, total_m = sum(b), sum(m)
    half = Fraction(1, 2)
    return tuple(
        (half * Fraction(bi, total_b) if total_b else Fraction(0))
        + (half * Fraction(mi, total_m) if total_m else Fraction(0))
        for bi, mi in zip(b, m, strict=True)
    )


def recommendation_quota(seats: int, ratio: Number | str) -> int:
    """ceil(seats × ratio), exactly: 17 seats at a ratio of 1.2 → 21 recommendations. The ratio
    is a Decimal, Fraction, int or decimal text (never a float), at least 1."""
    seats = whole_number(seats, "seats", 0, QuotaError)
    if isinstance(ratio, str):
        try:
            ratio = Decimal(ratio.strip())
        except ArithmeticError:
            raise QuotaError(
                gettext_noop("%(field)s: “%(value)s” is not an exact number."),
                field="ratio",
                value=ratio,
            ) from None
    exact = _fraction(ratio, "ratio")
    if exact < 1:
        raise QuotaError(
            gettext_noop("%(field)s: “%(value)s” is less than %(minimum)s."),
            field="ratio",
            value=ratio,
            minimum=1,
        )
    return math.ceil(seats * exact)


@dataclass(frozen=True)
class TrackQuota:
    track: Allotment  # the track's share of the city's seats
    recommendations: int  # ceil(track seats × ratio)
    units: tuple[Allotment, ...]  # the recommendations shared among its evaluating units


def plan_quotas(
    seats: int,
    track_weights: Sequence[Number],
    unit_weights: Sequence[Sequence[Number]],
    ratio: Number | str = Decimal("1.2"),
    *,
    track_minimum: int = 1,
    unit_minimum: int = 1,
) -> tuple[TrackQuota, ...]:
    """Both levels: the city's seats among tracks, then each track's recommendation quota
    (ceil(track seats × ratio)) among its evaluating units (`unit_weights[t]`, one list per
    track)."""
    if len(unit_weights) != len(track_weights):
        raise QuotaError(
            gettext_noop("%(field)s: %(value)s lists of unit weights for %(units)s tracks."),
            field="unit_weights",
            value=len(unit_weights),
            units=len(track_weights),
        )
    tracks = apportion(track_weights, seats, track_minimum)
    plan = []
    for track, weights in zip(tracks, unit_weights, strict=True):
        quota = recommendation_quota(track.seats, ratio)
        plan.append(TrackQuota(track, quota, apportion(weights, quota, unit_minimum)))
    return tuple(plan)
