"""Property: any sequence of payments, refunds, completions, maturing, withdrawals, reviews,
payouts and re-reads of the outbox keeps the commission ledger sound: each balance equals
the sum of its entries, no bucket that must not goes below zero, a commission is never
reversed past its amount nor twice for one refund, and the reversed share is exactly
floor(amount * refunded / paid) of the money refunded so far."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from transactional_api.accounts.models import User
from transactional_api.config import Settings
from transactional_api.core.db import make_engine, transaction
from transactional_api.core.errors import DomainError
from transactional_api.core.models import Base
from transactional_api.events import contract as ev
from transactional_api.events import payment_events as pay_ev
from transactional_api.events.outbox import emit
from transactional_api.orders.models import Order, OrderItem
from transactional_api.promoters import consumer, ledger, withdrawals
from transactional_api.promoters.commissions import mature_due
from transactional_api.promoters.models import Binding, Commission, LedgerEntry, Promoter

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
CFG = Settings(promoters_default_level1_bp=700, promoters_default_level2_bp=300,
               promoters_min_withdrawal_cents=1, promoters_after_sales_days=10)

ops = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(1, 50_000)),
    st.tuples(st.just("refund"), st.integers(0, 9), st.integers(1, 60_000)),
    st.tuples(st.just("complete"), st.integers(0, 9)),
    st.tuples(st.just("mature")),
    st.tuples(st.just("withdraw"), st.integers(1, 5_000)),
    st.tuples(st.just("review"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("payout"), st.integers(0, 9)),
    st.tuples(st.just("reread")),
), max_size=30)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'p.sqlite3'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _world(sessions) -> tuple[str, str, str]:
    """A buyer bound to a promoter whose parent is a promoter: (buyer, child, parent)."""
    ids = [str(uuid.uuid4()) for _ in range(3)]
    with transaction(sessions) as s:
        for uid in ids:
            s.add(User(id=uid, email=f"{uid[:12]}@example.com", password_hash="x"))
        s.flush()
        parent = Promoter(user_id=ids[2], status="approved", code=ids[2][:8], currency="USD",
                          applied_at=T0)
        s.add(parent)
        s.flush()
        child = Promoter(user_id=ids[1], status="approved", code=ids[1][:8], currency="USD",
                         parent_id=parent.id, applied_at=T0)
        s.add(child)
        s.flush()
        s.add(Binding(buyer_id=ids[0], promoter_id=child.id, bound_at=T0, first_bound_at=T0))
        return ids[0], child.id, parent.id


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_the_ledger_stays_sound(engine, steps):
    sessions = sessionmaker(engine, expire_on_commit=False)
    buyer, child, parent = _world(sessions)
    orders: list[tuple[str, int]] = []  # (order id, paid cents)
    refunded: dict[str, int] = {}
    requests: list[str] = []
    at = T0 + timedelta(hours=1)
    for step in steps:
        at += timedelta(minutes=1)
        kind = step[0]
        if kind == "pay":
            oid = str(uuid.uuid4())
            with transaction(sessions) as s:
                s.add(Order(id=oid, user_id=buyer, status="paid", currency="USD",
                            subtotal_cents=step[1], total_cents=step[1], expires_at=at,
                            items=[OrderItem(sku_id="s", product_id="p", product_name="p",
                                             sku_name="s", unit_price_cents=step[1],
                                             quantity=1, line_total_cents=step[1])]))
                emit(session=s, event=ev.OrderPaid(occurred_at=at, user_id=buyer, payload={
                    "order_id": oid, "payment_id": f"pay-{oid}", "amount_cents": step[1],
                    "currency": "USD"}))
            orders.append((oid, step[1]))
        elif kind == "refund" and orders:
            oid, _ = orders[step[1] % len(orders)]
            refunded[oid] = refunded.get(oid, 0) + step[2]
            with transaction(sessions) as s:
                emit(session=s, event=pay_ev.RefundSucceeded(occurred_at=at, user_id=buyer,
                     payload={"refund_id": str(uuid.uuid4()), "payment_id": f"pay-{oid}",
                              "order_id": oid, "amount_cents": step[2], "currency": "USD",
                              "reason": "return", "channel": "sandbox"}))
        elif kind == "complete" and orders:
            oid, _ = orders[step[1] % len(orders)]
            with transaction(sessions) as s:
                emit(session=s, event=ev.OrderCompleted(occurred_at=T0, user_id=buyer,
                                                        payload={"order_id": oid}))
        elif kind == "mature":
            with transaction(sessions) as s:
                mature_due(s, now=T0 + timedelta(days=CFG.promoters_after_sales_days + 1))
        elif kind == "withdraw":
            with sessions() as s:
                user = s.get(Promoter, child).user_id
            try:
                with transaction(sessions) as s:
                    requests.append(withdrawals.request(session=s, user_id=user,
                                                        amount_cents=step[1], settings=CFG).id)
            except DomainError:
                pass  # refused: nothing changed (checked below with everything else)
        elif kind in ("review", "payout") and requests:
            wid = requests[step[1] % len(requests)]
            try:
                with transaction(sessions) as s:
                    if kind == "review":
                        withdrawals.review(session=s, withdrawal_id=wid, approve=step[2],
                                           reason=None if step[2] else "no", actor_id="op")
                    else:
                        withdrawals.pay(session=s, withdrawal_id=wid, reference="ref",
                                        actor_id="op")
            except DomainError:
                pass
        elif kind == "reread":
            with transaction(sessions) as s:
                s.execute(update(consumer.Cursor).values(position=0))
        consumer.consume_all(sessions, CFG)
        _check(sessions, (child, parent), dict(orders), refunded)


def _check(sessions, promoter_ids, paid: dict[str, int], refunded: dict[str, int]) -> None:
    with sessions() as s:
        for pid in promoter_ids:
            p = s.get(Promoter, pid)
            kept = ledger.balances(p)
            assert kept == ledger.balances_from_entries(s, pid)
            assert min(kept["pending"], kept["held"], kept["requested"], kept["paid"]) >= 0
            clawed = s.scalar(select(func.count()).select_from(LedgerEntry).where(
                LedgerEntry.promoter_id == pid, LedgerEntry.kind == "reverse",
                LedgerEntry.from_bucket == "withdrawable"))
            if not clawed:
                assert kept["withdrawable"] >= 0
        for c in s.scalars(select(Commission).where(Commission.promoter_id.in_(promoter_ids))):
            back = s.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.commission_id == c.id, LedgerEntry.kind == "reverse"))
            assert back == c.reversed_cents <= c.amount_cents
            share = min(refunded.get(c.order_id, 0), paid[c.order_id])
            assert c.reversed_cents == c.amount_cents * share // paid[c.order_id]
