"""Steps shared by the payment tests: shoppers with orders, wallets, the card page, and
callbacks delivered or forged by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.api.payment_helpers import ordered, outbox_events  # noqa: F401 (re-exported)
from tests.conftest import create_product, register
from transactional_api.payments.models import Payment, PaymentTransaction
from transactional_api.payments.provider_models import SandboxProviderCallback
from transactional_api.payments.signing import sign

GOOD_CARD = {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}


def shopper_order(api, email: str, price_cents: int = 4200, stock: int = 5):
    """(shopper client, user id, order) for one unit of a fresh product."""
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=price_cents, stock=stock,
                             code=email)["skus"][0]["id"]
    c = api.client(register(api, email))
    order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]})
    assert order.status_code == 201, order.text
    return c, c.get("/v1/me").json()["id"], order.json()


def more_orders(api, c, price_cents: int, n: int, code: str) -> list[dict]:
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=price_cents, stock=n + 1,
                             code=code)["skus"][0]["id"]
    return [c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
            for _ in range(n)]


def top_up(api, user_id: str, amount_cents: int, key: str | None = None):
    with api.client(api.admin_token()) as admin:
        headers = {"Idempotency-Key": key} if key else {}
        r = admin.post(f"/v1/admin/wallets/{user_id}/credits",
                       json={"amount_cents": amount_cents}, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r


def pay(c, order: dict, channel: str, **extra):
    return c.post(f"/v1/orders/{order['id']}/payments", json={"channel": channel, **extra})


def card_through(api, page_url: str, card: dict | None = None, code: str = "123456") -> dict:
    """The shopper on the provider's hosted page: card, then the challenge."""
    with api.client() as browser:
        r = browser.post(f"{page_url}/card", json=card or GOOD_CARD)
        assert r.status_code == 200, r.text
        if r.json()["next_step"] != "challenge":
            return r.json()
        r = browser.post(f"{page_url}/challenge", json={"code": code})
        assert r.status_code == 200, r.text
        return r.json()


def deliver(api, hours: float = 0) -> int:
    """Post the card and bank providers' due callbacks, ``hours`` ahead on the shop clock."""
    return api.app.state.payment_callbacks.deliver_due(
        api.sessions, force=True, now=datetime.now(UTC) + timedelta(hours=hours))


def owed_bodies(api, payment_id: str) -> list[dict]:
    """The callbacks a provider queued for a payment, oldest first (to replay by hand)."""
    with api.sessions() as s:
        rows = s.scalars(select(SandboxProviderCallback.body).where(
            SandboxProviderCallback.payment_id == payment_id)
            .order_by(SandboxProviderCallback.id))
        return [json.loads(r) for r in rows]


def post_callback(api, channel: str, body: dict, secret: str | None = None):
    raw = json.dumps(body).encode()
    with api.client() as c:
        return c.post(f"/v1/payments/callbacks/{channel}", content=raw, headers={
            "content-type": "application/json",
            "x-flywheel-signature": sign(secret or api.app.state.webhook_secret, raw)})


def refund(admin, payment_id: str, amount_cents: int, key: str, reason: str = "test"):
    return admin.post(f"/v1/admin/payments/{payment_id}/refunds",
                      json={"amount_cents": amount_cents, "reason": reason},
                      headers={"Idempotency-Key": key})


def money(api, payment_id: str) -> tuple[int, int, int, int]:
    """(captured_cents, refunded_cents, ledger captured, ledger refunded) of a payment."""
    with api.sessions() as s:
        p = s.get(Payment, payment_id)
        txns = s.execute(select(PaymentTransaction.kind, PaymentTransaction.amount_cents)
                         .where(PaymentTransaction.payment_id == payment_id)).all()
        return (p.captured_cents, p.refunded_cents,
                sum(a for k, a in txns if k == "captured"),
                sum(a for k, a in txns if k == "refunded"))


def sandbox_paid(api, email: str, price_cents: int = 4200):
    """(client, order, payment) paid through the sandbox channel, its callback delivered."""
    from transactional_api.payments import sandbox
    from transactional_api.payments.provider_models import SandboxCharge
    from transactional_api.payments.sandbox_provider import event_body

    c, _, order = shopper_order(api, email, price_cents=price_cents)
    p = pay(c, order, "sandbox").json()
    with api.sessions() as s:
        charge = s.scalar(select(SandboxCharge).where(SandboxCharge.payment_id == p["id"]))
        body = json.loads(event_body(sandbox._event(charge)))
    assert post_callback(api, "sandbox", body).json() == {"outcome": "paid"}
    return c, order, c.get(f"/v1/payments/{p['id']}").json()


def wallet_paid(api, email: str, price_cents: int = 4200, balance: int = 10_000):
    c, uid, order = shopper_order(api, email, price_cents=price_cents)
    top_up(api, uid, balance)
    p = pay(c, order, "wallet")
    assert p.json()["status"] == "succeeded", p.text
    return c, uid, order, p.json()
