"""Settlement runs over bulk-made completed sub-orders: the after-sales window, refunds
after settlement, idempotent reruns, a crash mid-run, payout failure and retry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.settlement.conftest import JAN
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.settlement import accounts, payouts, service
from transactional_api.settlement.reconciliation import reconcile
from transactional_api.settlement.seed import seed_completed

MAR = datetime(2025, 3, 1, tzinfo=UTC)


def amount(i: int) -> int:
    return 1000 + (i * 37) % 9000


def _reconciled(book) -> dict:
    with transaction(book.sessions) as s:
        out = reconcile(s)
    assert out["ok"], out["differences"]
    return out


def test_inside_the_window_is_not_settled(book):
    # completed 2025-02-10: on 2025-03-01 the 30-day window (to 2025-03-12) is still open
    seed_completed(book.engine, merchants=1, orders=3, start=datetime(2025, 2, 10, tzinfo=UTC),
                   spread_seconds=1)
    out = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR)
    assert out["accrued"] == 3 and out["statements"] == 0 and out["payouts_sent"] == 0
    assert book.scalar("SELECT COUNT(*) FROM settlement_sub_orders "
                       "WHERE statement_id IS NOT NULL") == 0
    with transaction(book.sessions) as s:
        bal = service.balance(session=s, merchant_id="bm0")
    assert bal["payable_cents"] == 0 and bal["pending_cents"] == bal["balance_cents"] > 0
    _reconciled(book)
    # a month later the window has closed
    later = service.run_cycle(sessions=book.sessions, settings=book.settings,
                              at=datetime(2025, 4, 1, tzinfo=UTC))
    assert later["statements"] == 1 and later["payouts_sent"] == 1


def test_statement_figures_and_payout(book):
    seed_completed(book.engine, merchants=2, orders=10, start=JAN, spread_seconds=86400)
    out = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR)
    assert out["statements"] == 2 and out["payouts_sent"] == 2
    gross = sum(amount(i) for i in range(0, 10, 2))
    commission = sum((amount(i) * 500 + 5000) // 10000 for i in range(0, 10, 2))
    with transaction(book.sessions) as s:
        st = s.query(service.Statement).filter_by(merchant_id="bm0").one()
        assert (st.period_key, st.sub_order_count) == ("2025-02", 5)
        assert (st.gross_cents, st.commission_cents) == (gross, commission)
        assert st.net_payable_cents == gross - commission
        bal = service.balance(session=s, merchant_id="bm0")
    assert bal["balance_cents"] == 0 and bal["payable_cents"] == 0
    rec = _reconciled(book)["currencies"][0]
    assert rec["payouts_sent_cents"] == sum(amount(i) for i in range(10)) - rec["platform_cents"]


def test_a_run_twice_pays_once(book):
    seed_completed(book.engine, merchants=3, orders=30, start=JAN, spread_seconds=86400)
    first = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR)
    second = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR)
    assert first["payouts_sent"] == 3
    assert second == {"accrued": 0, "refunds_booked": 0, "statements": 0, "payouts_sent": 0,
                      "payouts_failed": 0}
    assert book.scalar("SELECT COUNT(*) FROM settlement_sandbox_payouts") == 3
    _reconciled(book)


def test_refund_after_settlement_comes_off_the_next_statement_then_the_deposit(book):
    seed_completed(book.engine, merchants=1, orders=2, start=JAN, spread_seconds=1)
    with transaction(book.sessions) as s:
        accounts.hold_deposit(session=s, merchant_id="bm0", amount_cents=50_000,
                              currency="USD", reference="dep-1")
        accounts.hold_deposit(session=s, merchant_id="bm0", amount_cents=50_000,
                              currency="USD", reference="dep-1")  # replay: no change
    service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR)
    paid = book.scalar("SELECT SUM(amount_cents) FROM settlement_sandbox_payouts")
    # both orders fully refunded after they were settled and paid out
    book.refund("bo0", amount(0))
    book.refund("bo1", amount(1))
    out = service.run_cycle(sessions=book.sessions, settings=book.settings,
                            at=datetime(2025, 4, 1, tzinfo=UTC))
    assert out["refunds_booked"] == 2 and out["statements"] == 1 and out["payouts_sent"] == 0
    with transaction(book.sessions) as s:
        st = s.query(service.Statement).filter_by(period_key="2025-03").one()
        assert st.sub_order_count == 0 and st.refunds_cents == -paid
        assert st.deposit_deducted_cents == paid and st.net_payable_cents == 0
        assert accounts.deposit_balance(session=s, merchant_id="bm0") == 50_000 - paid
    _reconciled(book)


def test_a_crash_mid_run_resumes_without_paying_twice(book):
    seed_completed(book.engine, merchants=2, orders=4, start=JAN, spread_seconds=1)
    channel = payouts.SandboxPayoutChannel(crash_after_send=1)
    with pytest.raises(RuntimeError):
        service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR,
                          channel=channel)
    # the first transfer went out, its legs were never booked
    assert book.scalar("SELECT COUNT(*) FROM settlement_sandbox_payouts") == 1
    assert book.scalar("SELECT COUNT(*) FROM settlement_payouts WHERE status = 'sent'") == 0
    out = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR,
                            channel=channel)
    assert out["statements"] == 0 and out["payouts_sent"] == 2
    assert book.scalar("SELECT COUNT(*) FROM settlement_sandbox_payouts") == 2
    _reconciled(book)


def test_a_failed_payout_is_retried(book):
    seed_completed(book.engine, merchants=1, orders=2, start=JAN, spread_seconds=1)
    channel = payouts.SandboxPayoutChannel(fail_times=1)
    out = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR,
                            channel=channel)
    assert (out["payouts_sent"], out["payouts_failed"]) == (0, 1)
    assert book.scalar("SELECT status FROM settlement_payouts") == "failed"
    _reconciled(book)
    again = service.run_cycle(sessions=book.sessions, settings=book.settings, at=MAR,
                              channel=channel)
    assert (again["payouts_sent"], again["payouts_failed"]) == (1, 0)
    assert book.scalar("SELECT attempts FROM settlement_payouts") == 2
    _reconciled(book)


def test_close_out_releases_the_deposit_and_pays_everything(book):
    seed_completed(book.engine, merchants=1, orders=2, start=datetime(2025, 2, 25, tzinfo=UTC),
                   spread_seconds=1)
    with transaction(book.sessions) as s:
        accounts.hold_deposit(session=s, merchant_id="bm0", amount_cents=5_000,
                              currency="USD", reference="dep")
        out = service.close_out(session=s, merchant_id="bm0", now=MAR,
                                settings=book.settings)
    assert out["balance_cents"] == 0 and out["deposit_released_cents"] == 5_000
    with transaction(book.sessions) as s:
        assert accounts.deposit_balance(session=s, merchant_id="bm0") == 0
    _reconciled(book)


def test_close_out_refuses_open_sub_orders(book):
    seed_completed(book.engine, merchants=1, orders=1, start=JAN, spread_seconds=1)
    book.scalar("UPDATE sub_orders SET status = 'shipped' RETURNING id")
    with transaction(book.sessions) as s, pytest.raises(Conflict):
        service.close_out(session=s, merchant_id="bm0", now=MAR, settings=book.settings)
