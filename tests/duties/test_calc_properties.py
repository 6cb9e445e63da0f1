"""Properties of the duty arithmetic (calc.compute), for any lines and rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from transactional_api.duties.calc import Rule, compute

rules = st.builds(Rule, rate_id=st.sampled_from(["r1", "r2", "r3"]), country=st.just("GB"),
                  category_id=st.none(), duty_bps=st.integers(0, 100_000),
                  import_tax_bps=st.integers(0, 10_000),
                  de_minimis_cents=st.integers(0, 50_000),
                  de_minimis_currency=st.sampled_from(["USD", "GBP"]))
cases = st.lists(st.tuples(st.integers(0, 10**9), st.none() | rules), min_size=0, max_size=12)


def _run(case, origin="US", currency="USD"):
    return compute(origin_country=origin, destination_country="GB", currency=currency,
                   lines=[(None, amount) for amount, _ in case], rules=[r for _, r in case])


@given(cases)
def test_lines_sum_exactly_to_the_totals_and_nothing_is_negative(case):
    a = _run(case)
    assert sum(ln.duty_cents for ln in a.lines) == a.duties_cents
    assert sum(ln.import_tax_cents for ln in a.lines) == a.import_tax_cents
    assert all(ln.duty_cents >= 0 and ln.import_tax_cents >= 0 for ln in a.lines)
    assert a.goods_cents == sum(amount for amount, _ in case)


@given(cases)
def test_each_line_is_within_a_cent_of_its_exact_share(case):
    a = _run(case)
    for ln in a.lines:
        if ln.rule is None:
            assert (ln.duty_cents, ln.import_tax_cents) == (0, 0)
        elif not ln.de_minimis:
            assert abs(ln.duty_cents * 10_000 - ln.amount_cents * ln.rule.duty_bps) <= 10_000


@given(cases)
def test_de_minimis_is_respected(case):
    a = _run(case)
    goods = sum(amount for amount, _ in case)
    for ln in a.lines:
        r = ln.rule
        if r is None:
            continue
        below = r.de_minimis_cents > 0 and r.de_minimis_currency == "USD" \
            and goods < r.de_minimis_cents
        assert ln.de_minimis == below
        if below:
            assert ln.duty_cents == 0


@given(cases)
def test_nothing_is_charged_at_home(case):
    a = _run(case, origin="GB")
    assert (a.duties_cents, a.import_tax_cents) == (0, 0) and not a.cross_border
