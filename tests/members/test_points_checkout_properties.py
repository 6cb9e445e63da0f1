"""Any sequence of earning, spending at checkout, cancelling, refunding, reversing and
expiring keeps a member's balance equal to the ledger's sum and its lots, never below zero,
and never gives an order back more points than it spent (real SQLite, no API)."""

from __future__ import annotations

import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker

from tests.members.conftest import T0, TABLES
from transactional_api.accounts.models import User
from transactional_api.core.db import Base, make_engine, transaction
from transactional_api.core.errors import Conflict
from transactional_api.members import points, redemption
from transactional_api.members.levels import DEFAULT_LEVELS
from transactional_api.members.models import MemberAccount

UID = "member-1"
ops = st.lists(st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 2000)),
    st.tuples(st.just("spend"), st.integers(1, 3000), st.integers(1, 50_000)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 50_000)),
    st.tuples(st.just("reverse"), st.integers(1, 1500)),
    st.tuples(st.just("expire"), st.integers(1, 400)),
), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops)
def test_balance_stays_the_ledger_sum_and_never_negative(steps):
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'p.sqlite3'}")
        Base.metadata.create_all(engine, tables=TABLES)
        sessions = sessionmaker(engine, expire_on_commit=False)
        try:
            _run(sessions, steps)
        finally:
            engine.dispose()


def _run(sessions, steps) -> None:
    with transaction(sessions) as s:
        s.add(User(id=UID, email="p@example.com", password_hash="x"))
    now = T0
    orders: list[tuple[str, int, int]] = []  # (order id, points, cash paid)
    refunded: dict[str, int] = {}
    for step in steps:
        now += timedelta(hours=7)
        with transaction(sessions) as s:
            balance = redemption.balance_of(s, UID)
            kind = step[0]
            if kind == "earn":
                points.adjust(s, user_id=UID, points=step[1], reason="earn",
                              key=str(uuid.uuid4()), at=now, levels=DEFAULT_LEVELS,
                              expiry_days=90)
            elif kind == "spend":
                oid = f"o{len(orders)}"
                try:
                    redemption.spend_for_order(s, user_id=UID, order_id=oid, points=step[1],
                                               cash_cents=step[2], at=now)
                    assert step[1] <= balance
                    orders.append((oid, step[1], step[2]))
                except Conflict:
                    assert step[1] > balance
            elif kind == "cancel" and orders:
                oid = orders[step[1] % len(orders)][0]
                redemption.give_back_all(s, order_id=oid, at=now, reason="cancelled")
            elif kind == "refund" and orders:
                oid, _, cash = orders[step[1] % len(orders)]
                refunded[oid] = min(refunded.get(oid, 0) + step[2], cash)
                back = redemption.refunded_share(s, order_id=oid, refunded_cents=refunded[oid])
                redemption.give_back(s, order_id=oid, points=back, at=now,
                                     source_key=f"refund:{uuid.uuid4()}", reason="refund")
            elif kind == "reverse":
                account = s.get(MemberAccount, UID)
                if account is not None:
                    points.reverse(s, account, points=step[1], source_key=str(uuid.uuid4()),
                                   reason="refund of an earning", at=now)
            elif kind == "expire":
                now += timedelta(days=step[1])
                points.expire_due(session=s, now=now)
        with sessions() as s:
            assert points.check(s) == []
            assert redemption.balance_of(s, UID) >= 0
            for oid, spent, cash in orders:
                back = redemption.given_back(s, oid)
                assert 0 <= back <= spent
                if refunded.get(oid) == cash:
                    assert back == spent  # all the money back: all the points too
