"""Property: any sequence of earn, spend, refund and expire keeps balance == sum(ledger)
>= 0, spends and expiry take the oldest points first, and refunds never go below zero."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.members.conftest import T0, add_user
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.members import points
from transactional_api.members.accounts import locked_account
from transactional_api.members.levels import DEFAULT_LEVELS
from transactional_api.members.models import MemberAccount, PointsEntry

EXPIRY_DAYS = 30
ops = st.lists(st.tuples(st.sampled_from(["earn", "spend", "refund", "expire"]),
                         st.integers(1, 120), st.integers(0, 20)), max_size=25)


class Model:
    """The rules by hand: FIFO lots (they expire in earning order), a debt for refunds."""

    def __init__(self):
        self.lots: list[list] = []  # [expires_day, remaining]
        self.debt = 0

    @property
    def balance(self) -> int:
        return sum(r for _, r in self.lots)

    def take(self, n: int) -> None:
        for lot in self.lots:
            t = min(lot[1], n)
            lot[1] -= t
            n -= t

    def earn(self, n: int, day: int) -> None:
        self.lots.append([day + EXPIRY_DAYS, n])
        settle = min(self.debt, n)
        self.debt -= settle
        self.take(settle)

    def refund(self, n: int) -> None:
        t = min(n, self.balance)
        self.debt += n - t
        self.take(t)

    def expire(self, day: int) -> int:
        due = sum(r for d, r in self.lots if d <= day)
        for lot in self.lots:
            if lot[0] <= day:
                lot[1] = 0
        return due


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=ops)
def test_ledger_invariants(sessions, sequence):
    uid, model, day, expired_before = add_user(sessions), Model(), 0, 0
    for i, (op, n, advance) in enumerate(sequence):
        day += advance
        at = T0 + timedelta(days=day)
        with transaction(sessions) as s:
            account = locked_account(s, uid, levels=DEFAULT_LEVELS, at=at)
            if op == "earn":
                points.earn(s, account, points=n, source_key=f"{uid}:{i}", reason="test",
                            at=at, expiry_days=EXPIRY_DAYS)
                model.earn(n, day)
            elif op == "spend":
                if n > model.balance:
                    with pytest.raises(Conflict):
                        points.spend(s, user_id=uid, points=n, reason="test",
                                     idempotency_key=str(i), at=at, levels=DEFAULT_LEVELS)
                else:
                    points.spend(s, user_id=uid, points=n, reason="test",
                                 idempotency_key=str(i), at=at, levels=DEFAULT_LEVELS)
                    model.take(n)
            elif op == "refund":
                points.reverse(s, account, points=n, source_key=f"{uid}:{i}", reason="refund",
                               at=at)
                model.refund(n)
            else:  # the database is shared by every example: count this user's expiry
                points.expire_due(s, now=at)
                expired = -s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0))
                                    .where(PointsEntry.user_id == uid,
                                           PointsEntry.kind == "expire"))
                assert expired == model.expire(day) + expired_before
                expired_before = expired
        with sessions() as s:
            acc = s.get(MemberAccount, uid)
            ledger = s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0))
                              .where(PointsEntry.user_id == uid))
            lots = list(s.scalars(select(PointsEntry.remaining).where(
                PointsEntry.user_id == uid, PointsEntry.points > 0,
                PointsEntry.kind.in_(["earn"])).order_by(PointsEntry.id)))
            assert acc.points_balance == ledger == model.balance >= 0
            assert acc.points_debt == model.debt
            assert lots == [r for _, r in model.lots]  # oldest taken first, lot by lot
            assert points.check(s) == []
