"""Paying with points at checkout: what a shopper's points may take off an order, the spend
in the placement's own transaction, and the points given back when the order is cancelled
or its money refunded.

Rules (settings): ``members_points_per_currency_unit`` points are worth 1.00 (100 minor
units) of the order's currency, and points pay at most ``members_points_max_share_bp`` of
the order's total and never its shipping (they are shared over the lines, so after-sales
can refund each line's money exactly). A number of points worth a fraction of a cent is
refused. Points given back form a lot that expires when the soonest lot the spend took
would have (spending and cancelling never extends a point's life).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import gcd

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.members import points as ledger
from transactional_api.members.models import MemberAccount, PointsEntry

# only when a spend took no lot with an expiry (never, as lots always have one)
FALLBACK_EXPIRY = timedelta(days=365)


@dataclass(frozen=True)
class Rule:
    points_per_unit: int  # points worth 100 minor units
    max_share_bp: int

    @classmethod
    def of(cls, settings) -> Rule:
        return cls(points_per_unit=settings.members_points_per_currency_unit,
                   max_share_bp=settings.members_points_max_share_bp)

    @property
    def step(self) -> int:
        """The fewest points worth a whole number of cents."""
        return self.points_per_unit // gcd(self.points_per_unit, 100)

    def cents_of(self, points: int) -> int:
        return points * 100 // self.points_per_unit

    def max_points(self, *, total_cents: int, coverable_cents: int) -> int:
        """Points an order may take: its share of the total, never more than its lines."""
        cap_cents = min(total_cents * self.max_share_bp // 10_000, coverable_cents)
        most = cap_cents * self.points_per_unit // 100
        return most - most % self.step


@dataclass(frozen=True)
class Redemption:
    points: int
    discount_cents: int
    balance: int
    max_points: int


def balance_of(session: Session, user_id: str) -> int:
    return session.scalar(select(MemberAccount.points_balance)
                          .where(MemberAccount.user_id == user_id)) or 0


def plan(session: Session, *, user_id: str, total_cents: int, coverable_cents: int,
         points_to_spend: int | None, use_points: bool, rule: Rule) -> Redemption:
    """What the shopper's points take off ``total_cents``; writes nothing. ``use_points``
    spends as many as the balance and the cap allow. 422 for a request above the cap or
    not worth whole cents, 409 insufficient_points beyond the balance."""
    balance = balance_of(session, user_id)
    cap = rule.max_points(total_cents=total_cents, coverable_cents=coverable_cents)
    if use_points and points_to_spend:
        raise Unprocessable("send points_to_spend or use_points, not both",
                            code="points_request_conflict")
    if use_points:
        wanted = min(balance, cap)
        wanted -= wanted % rule.step
    else:
        wanted = points_to_spend or 0
        if wanted % rule.step:
            raise Unprocessable(f"points are spent in multiples of {rule.step}",
                                code="points_not_whole_cents",
                                details={"step": rule.step, "requested": wanted})
        if wanted > cap:
            raise Unprocessable("points may pay only part of this order",
                                code="points_above_cap",
                                details={"max_points": cap, "requested": wanted})
        if wanted > balance:
            raise Conflict("not enough points", code="insufficient_points",
                           details={"balance": balance, "requested": wanted})
    return Redemption(points=wanted, discount_cents=rule.cents_of(wanted), balance=balance,
                      max_points=cap)


def allocate(points: int, cents: int, weights: list[int]) -> list[tuple[int, int]]:
    """(points, cents) per weight, in proportion, summing exactly to both totals: whole
    units of (points/g, cents/g) with g = gcd(points, cents), by largest remainder."""
    if not points or not weights:
        return [(0, 0)] * len(weights)
    g = gcd(points, cents) if cents else points
    total = sum(weights)
    if total <= 0:
        weights, total = [1] * len(weights), len(weights)
    units = [g * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(g * weights[i] % total), i))
    for i in order[: g - sum(units)]:
        units[i] += 1
    return [(u * (points // g), u * (cents // g)) for u in units]


def spend_for_order(session: Session, *, user_id: str, order_id: str, points: int,
                    cash_cents: int, at: datetime) -> PointsEntry:
    """Debit the points an order is placed with, in the placement's transaction. The
    account row is locked (PostgreSQL; SQLite's writer holds the file), so concurrent
    placements never take a balance below zero: the loser gets 409 insufficient_points."""
    account = session.scalar(select(MemberAccount).where(MemberAccount.user_id == user_id)
                             .with_for_update())
    balance = account.points_balance if account else 0
    if account is None or points > balance:
        raise Conflict("not enough points", code="insufficient_points",
                       details={"balance": balance, "requested": points})
    soonest = session.scalar(select(func.min(PointsEntry.expires_at)).where(
        PointsEntry.user_id == user_id, PointsEntry.remaining > 0))
    # expires_at on a spend: when the first lot it takes would have expired (see give_back)
    return ledger._add(session, account, kind="spend", points=-points,
                       source_key=f"order:{order_id}:spend", reason=f"paid order {order_id}",
                       at=at, order_id=order_id, amount_cents=cash_cents, expires_at=soonest)


def spent_on(session: Session, order_id: str) -> PointsEntry | None:
    return session.scalar(select(PointsEntry).where(
        PointsEntry.source_key == f"order:{order_id}:spend"))


def given_back(session: Session, order_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.order_id == order_id, PointsEntry.kind == "refund")) or 0)


def give_back(session: Session, *, order_id: str, points: int | None, source_key: str,
              reason: str, at: datetime, amount_cents: int | None = None,
              source_event_id: str | None = None) -> PointsEntry | None:
    """Return up to ``points`` (None: all) of what the order spent and is not yet back,
    once per source_key; None when nothing is due."""
    spend = spent_on(session, order_id)
    if spend is None:
        return None
    if session.scalar(select(PointsEntry.id).where(PointsEntry.source_key == source_key)):
        return None
    left = -spend.points - given_back(session, order_id)
    due = left if points is None else min(points, left)
    if due <= 0:
        return None
    account = session.scalar(select(MemberAccount).where(
        MemberAccount.user_id == spend.user_id).with_for_update())
    return ledger.earn(session, account, points=due, source_key=source_key, reason=reason,
                       at=at, expiry_days=0, kind="refund", order_id=order_id,
                       amount_cents=amount_cents, source_event_id=source_event_id,
                       expires_at=spend.expires_at or at + FALLBACK_EXPIRY)


def give_back_all(session: Session, *, order_id: str, at: datetime,
                  reason: str) -> PointsEntry | None:
    """The order was cancelled before it was paid: every point it spent comes back."""
    return give_back(session, order_id=order_id, points=None,
                     source_key=f"order:{order_id}:cancel", reason=reason, at=at)


def refunded_share(session: Session, *, order_id: str, refunded_cents: int) -> int:
    """Points due back once ``refunded_cents`` of the order's money is refunded in all:
    floor(spent * refunded / paid), less what already came back (0 or more)."""
    spend = spent_on(session, order_id)
    if spend is None or not spend.amount_cents:
        return 0
    spent = -spend.points
    share = spent * min(refunded_cents, spend.amount_cents) // spend.amount_cents
    return max(share - given_back(session, order_id), 0)
