"""fct_user_risk_scores and fct_risk_decisions_daily from a hand-made OLTP and hand-written
events (one decision landed twice: at-least-once delivery). Expected figures worked out
by hand from the definitions in models/marts/risk/_risk.yml."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.accounts.models import User
from transactional_api.events import payment_events as pe
from transactional_api.events import review_events as rve
from transactional_api.events import risk_events as rev
from transactional_api.events.contract import to_record
from transactional_api.orders.models import Order

D1 = datetime(2025, 6, 1, 12, tzinfo=UTC)
D2 = D1 + timedelta(days=1)


def _order(oid: str, user: str, status: str, paid: bool) -> Order:
    return Order(id=oid, user_id=user, status=status, currency="USD", subtotal_cents=1000,
                 discount_cents=0, total_cents=1000, created_at=D1, updated_at=D1,
                 expires_at=D1 + timedelta(minutes=15), paid_at=D1 if paid else None)


def _oltp(url: str) -> None:
    story.build_oltp(url, with_rows=False)
    engine = sa.create_engine(url)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=D1 - timedelta(days=9)) for u in ("u1", "u2", "u3")])
        s.add_all([_order("o1", "u1", "paid", True), _order("o2", "u1", "paid", True),
                   _order("o3", "u1", "cancelled", False),
                   _order("o4", "u1", "pending_payment", False),
                   _order("o5", "u3", "paid", True)])
    engine.dispose()


def _decision(i: int, user, action: str, outcome: str, reasons: list[str], at: datetime,
              score: int = 50):
    return rev.RiskDecisionMade(occurred_at=at, user_id=user, payload={
        "decision_id": f"d{i}", "action": action, "outcome": outcome, "score": score,
        "reasons": reasons, "order_id": None})


def _moderated(review: str, author: str, to_status: str, at: datetime):
    return rve.ReviewModerated(occurred_at=at, user_id="op1", payload={
        "review_id": review, "product_id": "p1", "sku_id": "s1", "merchant_id": "m1",
        "author_id": author, "rating": 5, "from_status": "pending", "to_status": to_status,
        "reason": "paid-for review" if to_status == "rejected" else None})


def _events() -> list[dict]:
    events = [
        _decision(1, "u1", "place_order", "challenge", ["users_per_address", "velocity_device"],
                  D1),
        _decision(2, "u3", "place_order", "allow", [], D1, score=0),
        _decision(3, "u2", "sign_in", "block", ["risk_score"], D2, score=97),
        _decision(4, "u2", "sign_in", "challenge", ["risk_score"], D2, score=85),
        _decision(5, "u2", "pay", "challenge", ["velocity_instrument"], D2),
        _decision(6, None, "register", "block", ["accounts_per_device"], D2, score=100),
        _decision(7, "u2", "review", "challenge", ["velocity_device"], D2),
        # u2: 4 reviews moderated, 3 rejected (share counted: at least 3 moderated)
        _moderated("rv1", "u2", "rejected", D1),
        _moderated("rv2", "u2", "rejected", D1),
        _moderated("rv3", "u2", "rejected", D2),
        _moderated("rv4", "u2", "published", D2),
        # u3: 2 moderated, both rejected: too few to count
        _moderated("rv5", "u3", "rejected", D1),
        _moderated("rv6", "u3", "rejected", D2),
        pe.RefundSucceeded(occurred_at=D2, user_id="u1", payload={
            "refund_id": "r1", "payment_id": "pay1", "order_id": "o1", "amount_cents": 1000,
            "currency": "USD", "reason": "damaged", "channel": "sandbox"}),
    ]
    return [to_record(e) for e in events]


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    work = tmp_path_factory.mktemp("risk")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    _oltp(oltp_url)
    events = _events()
    # a decision and a rejection landed twice (at-least-once delivery)
    story.load_warehouse(warehouse, work / "lake", oltp_url, [events, [events[3], events[7]]])
    result = _dbt(work, warehouse, "build", "--select", "+fct_user_risk_scores",
                  "+fct_risk_decisions_daily")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        yield conn


def test_user_risk_scores(marts):
    rows = marts.execute(
        "select user_id, risk_score, placed_orders, paid_orders, refunded_orders, "
        "refund_share, cancelled_unpaid_orders, cancelled_unpaid_share, shared_address_flags, "
        "challenged_decisions, blocked_decisions, moderated_reviews, rejected_reviews, "
        "rejected_review_share, review_challenges, computed_at "
        "from marts.fct_user_risk_scores order by user_id").fetchall()
    computed = D2.replace(tzinfo=None)
    assert rows == [
        # 35 x 1/2 + 25 x 1/4 + 20 x 1 + 5 x 1 + 0 = 48.75
        ("u1", 49, 4, 2, 1, 0.5, 1, 0.25, 1, 1, 0, 0, 0, 0.0, 0, computed),
        # no orders; 5 x min(3, 2) + 10 x 1 (the decision landed twice counts once)
        # + 20 x 3/4 rejected reviews + 5 x min(1, 1) review challenge = 40
        ("u2", 40, 0, 0, 0, 0.0, 0, 0.0, 0, 3, 1, 4, 3, 0.75, 1, computed),
        # 2 of 2 reviews rejected, but under the minimum of 3 moderated: no share
        ("u3", 0, 1, 1, 0, 0.0, 0, 0.0, 0, 0, 0, 2, 2, 0.0, 0, computed),
    ]


def test_decisions_per_day_action_outcome_and_rule(marts):
    rows = marts.execute(
        "select decision_date, action, outcome, rule_code, decisions, users "
        "from marts.fct_risk_decisions_daily "
        "order by decision_date, action, outcome, rule_code").fetchall()
    d1, d2 = date(2025, 6, 1), date(2025, 6, 2)
    assert rows == [
        (d1, "place_order", "allow", "none", 1, 1),
        (d1, "place_order", "challenge", "users_per_address", 1, 1),
        (d1, "place_order", "challenge", "velocity_device", 1, 1),
        (d2, "pay", "challenge", "velocity_instrument", 1, 1),
        (d2, "register", "block", "accounts_per_device", 1, 0),
        (d2, "review", "challenge", "velocity_device", 1, 1),
        (d2, "sign_in", "block", "risk_score", 1, 1),
        (d2, "sign_in", "challenge", "risk_score", 1, 1),
    ]
