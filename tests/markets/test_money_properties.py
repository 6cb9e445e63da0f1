"""Property-based: converting and rounding always gives whole minor units on the
rounding grid, within half a step of the exact value, and a converted quote's lines and
shipping add up exactly to its total."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from transactional_api.markets.checkout import Conversion, convert_quote
from transactional_api.markets.money import Rounding, convert, invert, split
from transactional_api.orders.pricing import MerchantShipping, PricedLine, Quote

amounts = st.integers(min_value=0, max_value=10**10)
rates = st.integers(min_value=1, max_value=10**13)
units = st.sampled_from([0, 2, 3])
increments = st.sampled_from([1, 5, 10, 50, 100])


@given(amounts, rates, units, units, increments)
def test_conversion_is_whole_and_nearest(amount, rate_e9, from_units, to_units, inc):
    out = convert(amount, rate_e9=rate_e9, from_units=from_units, to_units=to_units,
                  rounding=Rounding(inc))
    exact = Fraction(amount * rate_e9 * 10**to_units, 10**9 * 10**from_units)
    assert isinstance(out, int) and out % inc == 0
    assert abs(out - exact) <= Fraction(inc, 2)
    down = convert(amount, rate_e9=rate_e9, from_units=from_units, to_units=to_units,
                   rounding=Rounding(inc, "down"))
    up = convert(amount, rate_e9=rate_e9, from_units=from_units, to_units=to_units,
                 rounding=Rounding(inc, "up"))
    assert down <= exact <= up and up - down in (0, inc)


@given(st.integers(min_value=1, max_value=10**12))
def test_inverse_rate_is_nearest(rate_e9):
    assert abs(invert(rate_e9) - Fraction(10**18, rate_e9)) <= Fraction(1, 2) or \
        invert(rate_e9) == 1


line = st.tuples(st.integers(1, 10**6), st.integers(1, 20), st.integers(0, 100),
                 st.sampled_from(["list", "tier", "gift"]), st.sampled_from(["m1", "m2"]))


@settings(max_examples=200)
@given(st.lists(line, min_size=1, max_size=6), rates, units, increments,
       st.integers(0, 2000), st.integers(0, 5000))
def test_a_converted_quote_adds_up(lines, rate_e9, to_units, inc, tax_bp, fee):
    priced = []
    for i, (price, qty, pct, kind, merchant) in enumerate(lines):
        unit = 0 if kind == "gift" else price
        disc = unit * qty * pct // 100
        alloc = {"p1": disc // 3, "p2": disc - disc // 3}
        priced.append(PricedLine(
            sku_id=f"s{i}", product_id="p", product_name="n", sku_name="n",
            merchant_id=merchant, kind="standard", quantity=qty, list_price_cents=price,
            unit_price_cents=unit if kind != "tier" else price * 9 // 10,
            discount_cents=disc if kind != "tier" else 0, tax_cents=0,
            unit_weight_grams=100, price_kind=kind,
            allocations=alloc if kind == "list" else {}))
    merchants = [MerchantShipping(merchant_id=m, weight_grams=100, goods_cents=0,
                                  shipping_cents=fee - fee // 4, free_over_cents=None,
                                  shipping_discount_cents=fee // 4, allocations={"p1": fee // 4})
                 for m in sorted({ln.merchant_id for ln in priced})]
    q = Quote(currency="USD", region=None, tax_rate_bp=tax_bp, lines=priced,
              merchants=merchants)
    conv = Conversion(currency="XTS", rate_e9=rate_e9, from_units=2, to_units=to_units,
                      rounding=Rounding(inc), explicit={})
    convert_quote(q, conv, None)
    for ln in q.lines:
        assert ln.unit_price_cents % inc == 0 and ln.list_price_cents % inc == 0
        assert 0 <= ln.discount_cents <= ln.unit_price_cents * ln.quantity
        assert sum(ln.allocations.values()) == ln.discount_cents
        assert ln.unit_price_cents <= ln.list_price_cents
    for m in q.merchants:
        assert m.shipping_cents >= 0 and sum(m.allocations.values()) == m.shipping_discount_cents
    assert q.total_cents == sum(ln.line_total_cents + ln.tax_cents for ln in q.lines) + \
        sum(m.shipping_cents for m in q.merchants)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=10))
def test_split_sums_exactly(amount, weights):
    shares = split(amount, weights)
    assert sum(shares) == amount and all(s >= 0 for s in shares)
