"""Exact arithmetic for published figures: half-up rounding without binary floats.

A published figure is computed as an exact rational (a `Fraction`, or an integer numerator and
denominator in the batch path) and rounded once, half away from zero, to a `Decimal`. Rounding a
float, or dividing `Decimal`s at a finite precision and rounding again, can move an exact half
(7.125) or a value a hair below one; integer arithmetic cannot.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

# Largest magnitude we let an int64 intermediate reach before switching to Python integers.
INT64_SAFE = 2**62


def plain(value: Decimal) -> str:
    """A decimal as people write it: 20.0000 → "20", 7.5000 → "7.5" (never "2E+1")."""
    return format(value.normalize(), "f")


def to_fraction(value: Decimal | int | str) -> Fraction:
    """Exact rational value of a finite decimal; raises ValueError for NaN and infinities."""
    decimal = value if isinstance(value, Decimal) else Decimal(value)
    if not decimal.is_finite():
        raise ValueError(f"{value!s} is not a finite number")
    return Fraction(decimal)


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    """Round to `decimals` places, exact halves away from zero (7.125 → 7.13, −7.125 → −7.13)."""
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    scaled = value * 10**decimals
    numerator, denominator = scaled.numerator, scaled.denominator
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return units_to_decimal(-magnitude if numerator < 0 else magnitude, decimals)


def units_to_decimal(units: int, decimals: int) -> Decimal:
    """`units` × 10**−decimals as a Decimal that shows exactly `decimals` places."""
    sign = 1 if units < 0 else 0
    digits = tuple(int(ch) for ch in str(abs(units)))
    return Decimal((sign, digits, -decimals))


def decimal_to_units(value: Decimal, exponent: int) -> int:
    """`value` as an integer count of 10**−exponent; raises ValueError if it is not on that grid."""
    scaled = to_fraction(value) * 10**exponent
    if scaled.denominator != 1:
        raise ValueError(f"{value} has more than {exponent} decimal places")
    return int(scaled.numerator)


def decimal_places(value: Decimal) -> int:
    """Number of places after the point that `value` needs (7.50 → 1, 8 → 0, 1E+1 → 0)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "callers pass finite decimals"
    return max(0, -exponent)


# int64, or object (Python ints) where int64 could overflow; numpy's stubs cannot say both.
IntArray = NDArray[Any]


def divide_half_up(numerator: IntArray, denominator: IntArray) -> IntArray:
    """Element-wise numerator / denominator rounded half away from zero (denominator > 0).

    Works on int64 arrays and, unchanged, on object arrays of Python integers, which the batch
    path uses when int64 could overflow.
    """
    magnitude = (2 * np.abs(numerator) + denominator) // (2 * denominator)
    result: IntArray = np.where(numerator < 0, -magnitude, magnitude)
    return result


def fits_int64(*bounds: int) -> bool:
    """True when every bound on an intermediate stays below INT64_SAFE."""
    return all(abs(bound) < INT64_SAFE for bound in bounds)
