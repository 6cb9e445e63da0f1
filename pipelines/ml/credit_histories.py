"""Simulated shopper histories for evaluating the credit score, written into an in-memory
DuckDB with the warehouse's own tables (see credit_features), so the evaluation runs the
very feature SQL the pipeline runs.

Each shopper has a latent creditworthiness ``z`` (standard normal, never stored) that
drives, noisily, both the shopping signals (order rate, basket size, refunds, risk
decisions, declared income) and the repayment behaviour (the chance each bill goes
overdue, which also rises after a recent overdue bill). Shoppers sign up over the months
(vintages), apply for credit some months later and take installment plans of 3, 6 or 12
monthly bills.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

START = datetime(2023, 1, 1)
GRACE_DAYS = 3  # credit_grace_days' default
LATE_FEE_CENTS = 500
SCORE_PENALTY = 50
BANDS = ("under_1000", "1000_2999", "3000_5999", "6000_plus")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def month_start(month: int) -> datetime:
    return datetime(START.year + (START.month - 1 + month) // 12,
                    (START.month - 1 + month) % 12 + 1, 1)


class _Rows:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.users: list[tuple] = []
        self.orders: list[tuple] = []
        self.refunds: list[tuple] = []
        self.risk: list[tuple] = []
        self.events: list[tuple] = []

    def id(self) -> str:
        return str(uuid.UUID(int=int(self.rng.integers(0, 2**63)) << 64
                             | int(self.rng.integers(0, 2**63))))

    def event(self, kind: str, user_id: str, at: datetime, payload: dict) -> None:
        self.events.append((self.id(), kind, at, user_id, json.dumps(payload, default=str)))


def _shopper(rows: _Rows, months: int) -> None:
    rng = rows.rng
    z = rng.normal()
    uid = rows.id()
    signup_month = int(rng.integers(0, max(1, months - 6)))
    created = month_start(signup_month) + timedelta(days=float(rng.uniform(0, 28)))
    rows.users.append((uid, created))
    shop = 0.5 * z + rng.normal(scale=0.9)  # shopping signals see z through noise
    order_rate = np.exp(0.2 + 0.35 * shop)
    basket = np.exp(8.3 + 0.25 * shop)
    refund_p = _sigmoid(-2.3 - 0.6 * z + rng.normal(scale=0.5))
    risk_p = _sigmoid(-1.5 - 0.5 * z)
    for month in range(signup_month, months):
        base = month_start(month)
        for _ in range(rng.poisson(order_rate)):
            at = max(created, base) + timedelta(days=float(rng.uniform(0, 27)))
            oid = rows.id()
            paid = rng.random() < 0.9
            total = int(basket * rng.lognormal(0, 0.4))
            paid_at = at + timedelta(minutes=float(rng.uniform(1, 60))) if paid else None
            rows.orders.append((oid, uid, "paid" if paid else "cancelled", total, at, paid_at))
            if paid and rng.random() < refund_p:
                rows.refunds.append((oid, uid, total, "refunded",
                                     paid_at + timedelta(days=float(rng.uniform(2, 20)))))
        if rng.random() < risk_p:
            score = int(np.clip(55 - 18 * z + rng.normal(scale=15), 0, 100))
            outcome = "block" if score >= 95 else "challenge" if score >= 80 else "allow"
            rows.risk.append((uid, base + timedelta(days=float(rng.uniform(0, 27))),
                              outcome, score))
    if rng.random() > 0.75:
        return
    apply_month = signup_month + int(rng.integers(1, 4))
    if apply_month >= months:
        return
    applied = month_start(apply_month) + timedelta(days=float(rng.uniform(0, 5)))
    band = BANDS[int(np.clip(round(1.3 + 0.6 * z + rng.normal(scale=1.0)), 0, 3))]
    employment = "unemployed" if rng.random() < _sigmoid(-2.5 - 0.8 * z) else "employed"
    rows.event("credit_application_decided", uid, applied,
               {"decision": "approved", "income_band": band,
                "employment_status": employment, "purpose": "shopping"})
    _borrow(rows, uid, z, apply_month, months)


def _borrow(rows: _Rows, uid: str, z: float, first_month: int, months: int) -> None:
    rng = rows.rng
    last_overdue: datetime | None = None
    plan_rate = 0.25 + 0.1 * rng.random()
    shock = rng.normal(scale=0.4)  # this borrower's luck, unseen by any signal
    for month in range(first_month, months):
        if rng.random() > plan_rate:
            continue
        created = month_start(month) + timedelta(days=float(rng.uniform(5, 25)))
        term = int(rng.choice([3, 6, 12]))
        plan_id = rows.id()
        first_due = (month_start(month + 1) + timedelta(days=14)).date()
        rows.event("installment_plan_created", uid, created,
                   {"plan_id": plan_id, "term_months": term, "first_due_date": first_due})
        for seq in range(term):
            due = datetime.combine(
                (month_start(month + 1 + seq) + timedelta(days=14)).date(), datetime.min.time())
            if due >= month_start(months):
                break
            bill_id = rows.id()
            rows.event("credit_bill_issued", uid, due - timedelta(days=10),
                       {"bill_id": bill_id, "plan_id": plan_id, "seq": seq + 1,
                        "due_date": due.date()})
            recent = last_overdue is not None and (due - last_overdue).days < 120
            p = _sigmoid(-2.6 - 1.2 * z + shock + (0.9 if recent else 0.0))
            if rng.random() < p:
                at = due + timedelta(days=GRACE_DAYS + 1, hours=2)
                rows.event("credit_bill_overdue", uid, at,
                           {"bill_id": bill_id, "plan_id": plan_id, "period": 1,
                            "days_overdue": GRACE_DAYS + 1, "late_fee_cents": LATE_FEE_CENTS,
                            "score_penalty": SCORE_PENALTY, "due_date": due.date()})
                last_overdue = at


def generate(users: int, *, months: int = 24, seed: int = 0) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding ``users`` simulated shoppers over ``months`` months."""
    rows = _Rows(np.random.default_rng(seed))
    for _ in range(users):
        _shopper(rows, months)
    conn = duckdb.connect(":memory:")
    load(conn, rows)
    return conn


def load(conn: duckdb.DuckDBPyConnection, rows: _Rows) -> None:
    frames = {
        "users": pd.DataFrame(rows.users, columns=["user_id", "created_at"]),
        "orders": pd.DataFrame(rows.orders, columns=["order_id", "user_id", "status",
                                                     "total_cents", "created_at", "paid_at"]),
        "refunds": pd.DataFrame(rows.refunds, columns=["order_id", "user_id", "amount_cents",
                                                       "refund_status", "refunded_at"]),
        "risk": pd.DataFrame(rows.risk, columns=["user_id", "decided_at", "outcome", "score"]),
        "events": pd.DataFrame(rows.events, columns=["event_id", "event_type", "occurred_at",
                                                     "user_id", "payload"]),
    }
    create_tables(conn)
    for name, frame in frames.items():
        if len(frame):
            conn.register(f"sim_{name}", frame)
    inserts = {
        "staging.stg_oltp__users": "select user_id, cast(created_at as timestamp) from sim_users",
        "staging.stg_oltp__orders": "select order_id, user_id, status, total_cents, "
        "cast(created_at as timestamp), cast(paid_at as timestamp) from sim_orders",
        "marts.fct_refunds": "select order_id, user_id, amount_cents, refund_status, "
        "cast(refunded_at as timestamp) from sim_refunds",
        "staging.stg_flywheel__risk_decisions": "select user_id, cast(decided_at as timestamp),"
        " outcome, score from sim_risk",
        "staging.stg_flywheel__events": "select event_id, event_type, "
        "cast(occurred_at as timestamp), user_id, cast(payload as json) from sim_events",
    }
    for (table, sql), name in zip(inserts.items(), frames, strict=True):
        if len(frames[name]):
            conn.execute(f"insert into {table} {sql}")
            conn.unregister(f"sim_{name}")


def create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """The warehouse columns credit_features reads, and nothing else."""
    conn.execute("create schema if not exists staging; create schema if not exists marts")
    conn.execute("create table staging.stg_oltp__users (user_id varchar, created_at timestamp)")
    conn.execute("create table staging.stg_oltp__orders (order_id varchar, user_id varchar, "
                 "status varchar, total_cents bigint, created_at timestamp, paid_at timestamp)")
    conn.execute("create table marts.fct_refunds (order_id varchar, user_id varchar, "
                 "amount_cents bigint, refund_status varchar, refunded_at timestamp)")
    conn.execute("create table staging.stg_flywheel__risk_decisions (user_id varchar, "
                 "decided_at timestamp, outcome varchar, score bigint)")
    conn.execute("create table staging.stg_flywheel__events (event_id varchar, "
                 "event_type varchar, occurred_at timestamp, user_id varchar, payload json)")
