"""Shoppers who buy on installments: each applies for a credit line, buys one of the given
SKUs paying with credit over three months, and repays each month's bill when the nightly
billing job (run by the operator route at the simulated day) issues it; one shopper in
LATE_EVERY pays the second bill late, so it is overdue, takes a late fee and the line is
overdue until repaid. Draws come from the seed and the shopper, never from the plan's
generator. Against a live API; a refused step is counted, never fatal."""

from __future__ import annotations

import contextlib
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

LATE_EVERY = 3
BANDS = ("1000_2999", "3000_5999", "6000_plus")
TERM = 3


@dataclass
class CreditCounters:
    applied: int = 0
    approved: int = 0
    plans: int = 0
    bills_repaid: int = 0
    late_bills: int = 0
    repaid_cents: int = 0
    refused: int = 0


def simulate_credit(client: ApiClient, *, admin_token: str, shoppers: list[tuple[str, str]],
                    sku_ids: list[str], start: datetime, seed: int) -> dict:
    """``shoppers``: (email, password) of registered accounts; ``start``: the simulated
    time of the purchases. Runs three billing months from there; returns the counters."""
    n = CreditCounters()
    tokens: list[str] = []
    for i, (email, password) in enumerate(shoppers):
        rng = random.Random(f"credit:{seed}:{i}")
        at = start + timedelta(minutes=i)
        try:
            token = client.login(email, password, clock=at)
            n.applied += 1
            app = client.post("/v1/credit/applications", token=token, clock=at, json={
                "income_band": rng.choice(BANDS), "employment_status": "employed",
                "purpose": "phone"})
            if app["decision"] != "approved" or not sku_ids:
                continue
            n.approved += 1
            order = client.post("/v1/orders", token=token, clock=at, json={
                "items": [{"sku_id": rng.choice(sku_ids), "quantity": 1}]})
            client.post(f"/v1/orders/{order['id']}/credit-payment", token=token, clock=at,
                        json={"term_months": TERM})
            n.plans += 1
            tokens.append(token)
        except ApiError:
            n.refused += 1
            tokens.append("")
    for month in range(1, TERM + 1):
        due = start + timedelta(days=31 * month)
        _bill(client, admin_token, due)
        for i, token in enumerate(tokens):
            if not token:
                continue
            late = i % LATE_EVERY == LATE_EVERY - 1 and month == 2
            when = due + timedelta(days=10 if late else 1)
            if late:
                _bill(client, admin_token, when)
                n.late_bills += 1
            _repay(client, token, when, n)
    return asdict(n)


def _bill(client: ApiClient, admin_token: str, at: datetime) -> None:
    with contextlib.suppress(ApiError):
        client.post("/v1/admin/credit/billing-runs", token=admin_token, clock=at)


def _repay(client: ApiClient, token: str, at: datetime, n: CreditCounters) -> None:
    try:
        open_bills = client.get("/v1/credit/bills", token=token, clock=at,
                                params={"status": "billed"})
        if not open_bills:
            return
        r = client.post("/v1/credit/repayments", token=token, clock=at,
                        json={"bill_ids": [b["id"] for b in open_bills]})
        n.bills_repaid += len(open_bills)
        n.repaid_cents += r["amount_cents"]
    except ApiError:
        n.refused += 1
