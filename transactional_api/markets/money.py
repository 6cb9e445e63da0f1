"""Exact money arithmetic across currencies: integers and fractions only, never floats.

A rate is stored scaled by 10^9 (``rate_e9``): 1 unit of the base currency buys
rate_e9 / 10^9 units of the quote currency. Converting an amount in minor units goes
through one exact fraction, rounded once to the target's minor unit (or to its rounding
increment: CHF to 5 rappen, JPY to 10 yen).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from transactional_api.core.errors import Unprocessable

RATE_SCALE = 10**9
RATE_ONE = RATE_SCALE
MAX_RATE_E9 = 10**9 * RATE_SCALE  # one unit worth at most a billion of another
MODES = ("half_up", "up", "down")


@dataclass(frozen=True)
class Rounding:
    increment: int = 1      # in minor units of the currency
    mode: str = "half_up"


DEFAULT_ROUNDING = Rounding()


def parse_rate(text: str | int | Decimal) -> int:
    """'5.1234' -> 5123400000. At most 9 decimals, > 0 (422 invalid_rate otherwise)."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise Unprocessable(f"not a rate: {text!r}", code="invalid_rate") from None
    if not value.is_finite() or value <= 0:
        raise Unprocessable("a rate is a positive number", code="invalid_rate",
                            details={"rate": str(text)})
    scaled = value * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise Unprocessable("a rate has at most 9 decimals", code="invalid_rate",
                            details={"rate": str(text)})
    rate_e9 = int(scaled)
    if rate_e9 > MAX_RATE_E9:
        raise Unprocessable("rate too large", code="invalid_rate", details={"rate": str(text)})
    return rate_e9


def format_rate(rate_e9: int) -> str:
    text = f"{Decimal(rate_e9) / RATE_SCALE:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def invert(rate_e9: int) -> int:
    """The opposite direction's rate, rounded half up to 10^-9 (never 0)."""
    return max(1, divide(RATE_SCALE * RATE_SCALE, rate_e9, DEFAULT_ROUNDING))


def divide(num: int, den: int, rounding: Rounding) -> int:
    """num/den (both >= 0, den > 0) rounded to a multiple of rounding.increment."""
    if num < 0 or den <= 0:
        raise ValueError("divide takes num >= 0 and den > 0")
    d = den * rounding.increment
    if rounding.mode == "down":
        q = num // d
    elif rounding.mode == "up":
        q = -(-num // d)
    else:
        q = (2 * num + d) // (2 * d)
    return q * rounding.increment


def convert(amount: int, *, rate_e9: int, from_units: int, to_units: int,
            rounding: Rounding = DEFAULT_ROUNDING) -> int:
    """``amount`` minor units of one currency in minor units of another at rate_e9."""
    num = amount * rate_e9 * 10**to_units
    den = RATE_SCALE * 10**from_units
    return divide(num, den, rounding)


def scale(amount: int, *, part: int, whole: int) -> int:
    """amount * part / whole, half up (a discount kept in proportion to its line)."""
    if whole <= 0:
        return 0
    return divide(amount * part, whole, DEFAULT_ROUNDING)


def split(amount: int, weights: list[int]) -> list[int]:
    """``amount`` shared in proportion to ``weights`` in whole minor units summing exactly
    to it (largest remainder; equal shares when every weight is 0)."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    total = sum(weights)
    shares = [amount * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares
