"""The credit story the mart tests build from, played through the live API: shoppers
apply (one is declined), place orders left unpaid, pay orders on credit (receivables
assigned to the sandbox funder at payment), bills issued by the billing run at chosen
times, a repayment, a bill left unpaid more than 90 days, a refund of a credit order,
and orders paid another way."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.credit.helpers import order_for, pay_credit, shopper
from tests.payments.helpers import refund, wallet_paid
from transactional_api.config import Settings
from transactional_api.credit import bills
from transactional_api.events.lake import land
from transactional_api.events.models import OutboxEvent

SETTINGS = {"credit_funder": "sandbox", "credit_assign_at": "payment",
            "credit_billing_interval_seconds": 0}


def _at(day: str, days: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day) + timedelta(days=days), time(12),
                            tzinfo=UTC)


def _paid(api, email: str, price: int, term: int) -> tuple:
    c, uid, _ = shopper(api, email)
    order = order_for(api, c, price, email)
    r = pay_credit(c, order, term=term)
    assert r.status_code == 201, r.text
    return c, order, r.json()


def play(api) -> dict:
    """Run the story; what the tests need of it (the last billing run's time)."""
    with api.client(api.admin_token()) as admin:
        declined, _, _ = shopper(api, "mart-declined@example.com", score=100)
        order_for(api, declined, 2_500, "mart-declined-unpaid")  # placed, never paid
        repays, _, repays_paid = _paid(api, "mart-repays@example.com", 30_000, 3)
        order_for(api, repays, 3_500, "mart-repays-unpaid")  # a line holder's, unpaid
        late, _, late_paid = _paid(api, "mart-late@example.com", 9_000, 6)
        _, refunded_order, refunded_paid = _paid(api, "mart-refund@example.com", 12_000, 3)
        for n, price in enumerate((4_000, 5_000)):
            wallet_paid(api, f"mart-wallet-{n}@example.com", price_cents=price)
        first_due = repays_paid["plan"]["installments"][0]["due_date"]
        bills.run(api.sessions, api.settings, now=_at(first_due))
        [bill] = repays.get("/v1/credit/bills", params={"status": "billed"}).json()
        assert repays.post("/v1/credit/repayments",
                           json={"bill_ids": [bill["id"]]}).status_code == 201
        r = refund(admin, refunded_paid["payment"]["id"], refunded_order["total_cents"],
                   "mart-refund-1")
        assert r.status_code == 201, r.text
        late_due = late_paid["plan"]["installments"][0]["due_date"]
        grace = api.settings.credit_grace_days
        bills.run(api.sessions, api.settings, now=_at(late_due, grace + 1))
        last = _at(late_due, 95)  # the late shopper's first bill is now a loss
        bills.run(api.sessions, api.settings, now=last)
    assert late.get("/v1/credit/line").json()["status"] == "overdue"
    return {"last_run": last}


def records(api) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(select(OutboxEvent.record)
                                                 .order_by(OutboxEvent.id))]


def prepare(oltp_file: Path, events: list[dict]):
    """build_on_both's prepare(): a copy of the story's OLTP, and its events landed."""
    def _prepare(settings: Settings) -> None:
        target = settings.resolved_database_url.removeprefix("sqlite:///")
        with sqlite3.connect(oltp_file) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        land(settings.resolved_lake_dir, events)
    return _prepare
