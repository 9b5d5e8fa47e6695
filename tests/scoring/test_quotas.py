"""Quotas by the largest remainder with a minimum (issue 12): hand-computed cases and the laws
every apportionment keeps."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.scoring.quotas import (
    QuotaError,
    TieDecidedBy,
    Why,
    apportion,
    blended_weights,
    plan_quotas,
    recommendation_quota,
)


def seats(weights: list, total: int, minimum: int = 1) -> list[int]:
    return [a.seats for a in apportion(weights, total, minimum)]


def test_equal_remainders_and_equal_weights_go_to_the_earlier_unit() -> None:
    # 4 units above 0 take 4 seats; the 3 left: shares 0.9, 0.9, 0.6, 0.6 (weights 3, 3, 2, 2 of
    # 10); A and B, then C before E (equal remainder, equal weight: the list's order).
    result = apportion([3, 3, 2, 0, 2], 7)
    assert [a.seats for a in result] == [2, 2, 2, 0, 1]
    assert [a.share for a in result] == [Fraction(9, 10)] * 2 + [Fraction(3, 5), 0, Fraction(3, 5)]
    assert [a.why for a in result] == [
        Why.REMAINDER_SEAT,
        Why.REMAINDER_SEAT,
        Why.REMAINDER_SEAT,
        Why.ZERO_WEIGHT,
        Why.NO_REMAINDER_SEAT,
    ]
    assert [a.tie_decided_by for a in result] == [
        None,
        None,
        TieDecidedBy.ORDER,
        None,
        TieDecidedBy.ORDER,
    ]


def test_equal_remainders_go_to_the_larger_weight_before_the_earlier_unit() -> None:
    # Minimums 2; the 2 left: shares 0.5 and 1.5; wholes 0 and 1; the last seat between equal
    # remainders of 0.5 goes to the weight 3, though the weight 1 comes first.
    result = apportion([1, 3], 4)
    assert [a.seats for a in result] == [1, 3]
    assert [(a.whole, a.remainder, a.extra) for a in result] == [
        (0, Fraction(1, 2), 0),
        (1, Fraction(1, 2), 1),
    ]
    assert {a.tie_decided_by for a in result} == {TieDecidedBy.WEIGHT}


def test_a_minimum_of_two_then_the_remainders() -> None:
    # 6 seats for minimums, 4 left over weights 10, 1, 1: shares 10/3, 1/3, 1/3; wholes 3, 0, 0;
    # the one seat left between three remainders of 1/3: the largest weight.
    assert seats([10, 1, 1], 10, minimum=2) == [6, 2, 2]


def test_zero_weights_get_nothing_and_others_share_the_rest() -> None:
    result = apportion([0, 5, 0, 5], 4)
    assert [a.seats for a in result] == [0, 2, 0, 2]
    assert result[0].why is Why.ZERO_WEIGHT
    assert result[0].minimum == 0


def test_a_minimum_that_leaves_no_seats() -> None:
    result = apportion([5, 1, 1], 3)
    assert [a.seats for a in result] == [1, 1, 1]
    assert all(a.share == 0 and a.why is Why.NO_REMAINDER_SEAT for a in result)


def test_no_seats_give_every_unit_none_even_with_minimums_or_zero_weights() -> None:
    assert seats([3, 0, 2], 0) == [0, 0, 0]
    assert seats([0, 0], 0) == [0, 0]
    assert {a.why for a in apportion([3, 2], 0)} == {Why.NO_SEATS}


def test_decimal_weights_are_exact() -> None:
    # 0.1 + 0.2 is exactly 0.3 here: shares 1/3, 2/3 of 1 seat left over 2 minimums.
    result = apportion([Decimal("0.1"), Decimal("0.2")], 3)
    assert [a.share for a in result] == [Fraction(1, 3), Fraction(2, 3)]
    assert [a.seats for a in result] == [1, 2]


def test_fewer_seats_than_minimums_is_refused_with_the_numbers() -> None:
    with pytest.raises(QuotaError) as caught:
        apportion([1, 1, 0, 1], 2)
    message = str(caught.value)
    assert "2 seats" in message
    assert "3 units" in message
    assert "= 3" in message
    assert caught.value.field == "seats"
    assert caught.value.value == 2


def test_seats_while_every_weight_is_zero_is_refused() -> None:
    with pytest.raises(QuotaError, match=r"5 seats to give, but every one of 3 weights is 0"):
        apportion([0, 0, Decimal(0)], 5)


@pytest.mark.parametrize(
    ("weights", "total", "minimum", "field"),
    [
        ([1, -1], 3, 1, "weight 2"),
        ([1, 0.5], 3, 1, "weight 2"),  # a float is not exact
        ([1, Decimal("NaN")], 3, 1, "weight 2"),
        ([1, True], 3, 1, "weight 2"),
        ([1, 1], -1, 1, "seats"),
        ([1, 1], 3, -1, "minimum"),
    ],
)
def test_values_the_rule_cannot_use_are_refused(
    weights: list, total: int, minimum: int, field: str
) -> None:
    with pytest.raises(QuotaError) as caught:
        apportion(weights, total, minimum)
    assert caught.value.field == field


def test_recommendation_quota_is_the_ceiling_of_seats_times_ratio_exactly() -> None:
    assert recommendation_quota(17, Decimal("1.2")) == 21  # 20.4 → 21
    assert recommendation_quota(17, "1.2") == 21
    assert recommendation_quota(100, "1.2") == 120  # exactly 120, not 121 from a float's 120.00…1
    assert recommendation_quota(10, Fraction(3, 2)) == 15
    assert recommendation_quota(0, "1.2") == 0
    assert recommendation_quota(5, 1) == 5
    for bad in (1.2, "0.9", "abc", Decimal("Infinity")):
        with pytest.raises(QuotaError):
            recommendation_quota(10, bad)  # type: ignore[arg-type]


def test_blended_weights_are_half_each_share() -> None:
    # Eligible shares 0.2, 0.6, 0.2; member shares 0.5, 0.3, 0.2.
    assert blended_weights([2, 6, 2], [50, 30, 20]) == (
        Fraction(7, 20),
        Fraction(9, 20),
        Fraction(1, 5),
    )
    # No member counts at all: that half is 0 for every unit.
    assert blended_weights([1, 3], [0, 0]) == (Fraction(1, 8), Fraction(3, 8))
    with pytest.raises(QuotaError):
        blended_weights([1, 2], [3])
    with pytest.raises(QuotaError):
        blended_weights([1, -2], [3, 4])


def test_plan_quotas_shares_the_city_among_tracks_then_each_quota_among_units() -> None:
    # 10 seats over tracks of weight 3 and 1: minimums 2, shares 6 and 2 → 7 and 3 seats;
    # recommendation quotas ceil(8.4) = 9 and ceil(3.6) = 4.
    plan = plan_quotas(10, [3, 1], [[1, 1, 1], [2, 0]], "1.2")
    assert [(t.track.seats, t.recommendations) for t in plan] == [(7, 9), (3, 4)]
    assert [[a.seats for a in t.units] for t in plan] == [[3, 3, 3], [4, 0]]
    with pytest.raises(QuotaError):
        plan_quotas(10, [3, 1], [[1]])


# --- laws ----------------------------------------------------------------------------------------

weights_lists = st.lists(
    st.one_of(
        st.integers(0, 50),
        st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(weights=weights_lists, extra=st.integers(0, 60), minimum=st.integers(0, 3))
def test_seats_sum_exactly_and_keep_the_minimum_and_the_quota(
    weights: list, extra: int, minimum: int
) -> None:
    positive = sum(1 for w in weights if w > 0)
    if positive == 0:
        return
    total = positive * minimum + extra
    result = apportion(weights, total, minimum)
    assert sum(a.seats for a in result) == total
    for a, weight in zip(result, weights, strict=True):
        if weight == 0:
            assert a.seats == 0
        else:
            assert a.seats >= minimum
            # The quota rule: within one seat of minimum + exact share.
            assert minimum + a.share - 1 < a.seats < minimum + a.share + 1


@settings(max_examples=300, deadline=None)
@given(weights=weights_lists, extra=st.integers(0, 60), minimum=st.integers(0, 3))
def test_a_larger_weight_never_gets_fewer_seats(weights: list, extra: int, minimum: int) -> None:
    positive = sum(1 for w in weights if w > 0)
    if positive == 0:
        return
    result = apportion(weights, positive * minimum + extra, minimum)
    for a in result:
        for b in result:
            if Fraction(weights[a.index]) > Fraction(weights[b.index]):
                assert a.seats >= b.seats
