"""Shared steps of the payment tests: an order to pay, a signed callback, the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import create_product, register
from transactional_api.events.models import OutboxEvent
from transactional_api.payments.signing import sign


def outbox_events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type == event_type))
        return [json.loads(r) for r in rows]


def ordered(api, email: str, price_cents: int = 4200):
    """(shopper client, order) for one unit of a fresh product."""
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=price_cents, stock=5, code=email)["skus"][0]["id"]
    c = api.client(register(api, email))
    return c, c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()


def signed_callback(api, body: dict, secret: str | None = None):
    raw = json.dumps(body).encode()
    with api.client() as c:
        return c.post("/v1/payments/callbacks/sandbox", content=raw, headers={
            "content-type": "application/json",
            "x-flywheel-signature": sign(secret or api.app.state.webhook_secret, raw)})


def pending_payment(api, email: str):
    """(client, order, payment, a succeeded callback body) for a payment left pending."""
    c, order = ordered(api, email)
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
    body = {"provider_event_id": f"evt-{email}", "payment_id": payment["id"],
            "status": "succeeded", "amount_cents": 4200, "currency": "USD",
            "occurred_at": datetime.now(UTC).isoformat()}
    return c, order, payment, body
