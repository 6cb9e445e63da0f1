"""Property: for any sequence of paid orders, refunds, deposits, settlement runs and
payouts (some failing), the platform's account, every merchant's balance and deposits
sum to what the channels hold plus deposits received less payouts sent, to the cent; a
merchant is never paid more than its sub-orders' net of refunds, except what it then owes
back (a refund after its payout)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.settlement.conftest import Book
from transactional_api.core.db import transaction
from transactional_api.settlement import accounts, payouts, service
from transactional_api.settlement.models import MERCHANT_PAYABLE, LedgerEntry
from transactional_api.settlement.reconciliation import reconcile
from transactional_api.settlement.seed import seed_completed

_serial = itertools.count()

ops = st.lists(st.one_of(
    st.tuples(st.just("orders"), st.integers(1, 3), st.integers(1, 6), st.integers(0, 90)),
    st.tuples(st.just("refund"), st.integers(0, 5), st.floats(0.01, 1.0)),
    st.tuples(st.just("deposit"), st.integers(0, 2), st.integers(1, 20_000)),
    st.tuples(st.just("run"), st.integers(0, 60), st.integers(0, 1)),
), min_size=1, max_size=10)


@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=ops)
# paid out, then refunded in full with no deposit: the merchant owes it back
@example(steps=[("orders", 1, 1, 10), ("run", 0, 0), ("refund", 0, 1.0)])
def test_the_books_always_balance(tmp_path_factory, steps):
    book = Book(tmp_path_factory.mktemp("settle"))
    orders: list[tuple[str, int]] = []
    refunded: dict[str, int] = {}
    day = datetime(2025, 1, 1, tzinfo=UTC)
    try:
        for step in steps:
            if step[0] == "orders":
                _, merchants, n, offset = step
                prefix = f"p{next(_serial)}"
                seed_completed(book.engine, merchants=merchants, orders=n,
                               start=day - timedelta(days=offset), spread_seconds=3600,
                               prefix=prefix)
                orders += [(f"{prefix}o{i}", 1000 + (i * 37) % 9000) for i in range(n)]
            elif step[0] == "refund" and orders:
                order_id, total = orders[step[1] % len(orders)]
                left = total - refunded.get(order_id, 0)
                cents = min(left, max(1, int(total * step[2])))
                if cents > 0:
                    book.refund(order_id, cents)
                    refunded[order_id] = refunded.get(order_id, 0) + cents
            elif step[0] == "deposit":
                with transaction(book.sessions) as s:
                    accounts.hold_deposit(session=s, merchant_id=f"p0m{step[1]}",
                                          amount_cents=step[2], currency="USD",
                                          reference=f"d{next(_serial)}")
            elif step[0] == "run":
                day += timedelta(days=step[1])
                service.run_cycle(sessions=book.sessions, settings=book.settings, at=day,
                                  channel=payouts.SandboxPayoutChannel(fail_times=step[2]))
            with transaction(book.sessions) as s:
                service.sync(s, settings=book.settings)  # what the reconciliation route does
                out = reconcile(s)
            assert out["ok"], (step, out["differences"])
        with transaction(book.sessions) as s:
            service.sync(s, settings=book.settings)
            out = reconcile(s)
            assert out["ok"], out["differences"]
        sent = book.scalar("SELECT COALESCE(SUM(amount_cents), 0) FROM "
                           "settlement_sandbox_payouts")
        deposits = out["currencies"][0]["deposits_received_cents"] if out["currencies"] else 0
        # never paid more than the goods sold less refunds, plus deposits given back, plus
        # what merchants owe back (a refund after their payout leaves them in debit)
        with transaction(book.sessions) as s:
            merchants = s.scalars(select(LedgerEntry.merchant_id).distinct().where(
                LedgerEntry.merchant_id.is_not(None))).all()
            owed = sum(max(0, -accounts.account_balance(
                s, account=MERCHANT_PAYABLE, merchant_id=m)) for m in merchants)
        assert sent <= sum(t for _, t in orders) - sum(refunded.values()) + deposits + owed
    finally:
        book.engine.dispose()
