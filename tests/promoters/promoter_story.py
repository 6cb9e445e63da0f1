"""A hand-written distribution story for fct_promoter_performance: three promoters (P0 the
parent of P1), bindings, commissions at both levels, one held, one reversed, one in EUR,
one matured (one accrual landed twice)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.dbt import shop_story
from transactional_api.events import promoter_events as pe
from transactional_api.events.contract import OrderPaid, to_record


def at(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"2025-06-{day}T{time}+00:00").astimezone(UTC)


def _bound(promoter: str, buyer: str, when: datetime, risk: str | None = None):
    return pe.BuyerBound(occurred_at=when, user_id=buyer, payload={
        "promoter_id": promoter, "buyer_id": buyer, "risk_reason": risk})


def _commission(cls, cid: str, promoter: str, order: str, buyer: str, level: int,
                cents: int, when: datetime, state: str = "pending", currency: str = "USD",
                hold: str | None = None):
    return cls(occurred_at=when, user_id=f"user-{promoter}", payload={
        "commission_id": cid, "promoter_id": promoter, "order_id": order, "buyer_id": buyer,
        "level": level, "amount_cents": cents, "currency": currency, "state": state,
        "hold_reason": hold})


def _paid(oid: str, user: str, cents: int, when: datetime, currency: str = "USD"):
    return OrderPaid(occurred_at=when, user_id=user, payload={
        "order_id": oid, "payment_id": f"pay-{oid}", "amount_cents": cents,
        "currency": currency})


def events() -> list[dict]:
    d1, d2, d3, d5 = at("01"), at("02"), at("03"), at("05")
    acc = pe.CommissionAccrued
    evs = [
        _bound("P1", "b1", d1), _bound("P1", "b2", at("01", "13:00:00")),
        _bound("P2", "b3", d1, "same_device"),
        _paid("o1", "b1", 10_000, d2), _commission(acc, "c1", "P1", "o1", "b1", 1, 500, d2),
        _commission(acc, "c2", "P0", "o1", "b1", 2, 100, d2),
        _paid("o2", "b2", 4_000, d2), _commission(acc, "c3", "P1", "o2", "b2", 1, 200, d2),
        _paid("o3", "b3", 3_000, d2),
        _commission(acc, "c4", "P2", "o3", "b3", 1, 150, d2, "held", hold="same_device"),
        _commission(pe.CommissionHeld, "c4", "P2", "o3", "b3", 1, 150, d2, "held",
                    hold="same_device"),
        _commission(pe.CommissionReversed, "c3", "P1", "o2", "b2", 1, 100, d3),
        _paid("o4", "b1", 6_000, d3, "EUR"),
        _commission(acc, "c5", "P1", "o4", "b1", 1, 300, d3, currency="EUR"),
        _commission(pe.CommissionMatured, "c1", "P1", "o1", "b1", 1, 500, d5, "withdrawable"),
    ]
    return [to_record(e) for e in evs]


def landings() -> list[list[dict]]:
    batch = events()
    again = [r for r in batch if r["event_type"] == "commission_accrued"
             and r["payload"]["commission_id"] == "c1"]
    return [batch, again]  # at-least-once delivery: c1's accrual lands twice


def build_oltp(url: str) -> None:
    shop_story.build_oltp(url, with_rows=False)
