"""A merchant selling in two currencies gets one statement per currency, each counting
only its own currency's money: the opening balance and the payout in flight of one
currency never leak into the other's statement."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from tests.settlement.conftest import JAN
from transactional_api.core.db import transaction
from transactional_api.settlement import payouts, service
from transactional_api.settlement.reconciliation import reconcile
from transactional_api.settlement.seed import seed_completed

MAR = datetime(2025, 3, 1, tzinfo=UTC)


def test_each_currency_is_settled_on_its_own(book):
    seed_completed(book.engine, merchants=1, orders=2, start=JAN, spread_seconds=1)
    seed_completed(book.engine, merchants=1, orders=3, start=JAN, spread_seconds=1,
                   currency="EUR", prefix="e")
    with book.engine.begin() as conn:  # the same merchant sells in EUR too
        for table in ("sub_orders", "order_items"):
            conn.execute(text(f"UPDATE {table} SET merchant_id = 'bm0' "
                              "WHERE merchant_id = 'em0'"))
    # the first payout (EUR: the run settles currencies in order) fails and stays in flight
    out = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR,
                            channel=payouts.SandboxPayoutChannel(fail_times=1))
    assert out["statements"] == 2
    net = {c: book.scalar("SELECT SUM(net_cents) FROM settlement_sub_orders "
                          "WHERE currency = :c", c=c) for c in ("USD", "EUR")}
    assert net["USD"] > 0 and net["EUR"] > 0
    with transaction(book.sessions) as s:
        statements = s.query(service.Statement).filter_by(merchant_id="bm0").all()
        assert sorted(st.currency for st in statements) == ["EUR", "USD"]
        for st in statements:
            assert (st.opening_cents, st.net_payable_cents) == (0, net[st.currency]), \
                st.currency
            payout = s.query(service.Payout).filter_by(statement_id=st.id).one()
            assert (payout.currency, payout.amount_cents) == (st.currency,
                                                              net[st.currency])
        assert reconcile(s)["ok"]
