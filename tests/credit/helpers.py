"""Steps shared by the credit tests: a shopper with a credit line, orders paid with it."""

from __future__ import annotations

import json

from tests.api.payment_helpers import outbox_events  # noqa: F401 (re-exported)
from tests.conftest import create_product, register
from transactional_api.credit.scoring import score_key

FACTS = {"income_band": "3000_5999", "employment_status": "employed", "purpose": "phone"}


def publish_score(api, user_id: str, score: int, model: str = "gbm_v1") -> None:
    api.app.state.redis.set(score_key(user_id), json.dumps({
        "score": score, "model": model,
        "factors": [{"name": "orders_completed", "effect": "+"},
                    {"name": "refund_rate", "effect": "-"}]}))


def shopper(api, email: str, score: int | None = 800, facts: dict | None = None):
    """(client, user id, application body) of a shopper who applied."""
    c = api.client(register(api, email))
    uid = c.get("/v1/me").json()["id"]
    if score is not None:
        publish_score(api, uid, score)
    r = c.post("/v1/credit/applications", json=facts or FACTS)
    assert r.status_code == 201, r.text
    return c, uid, r.json()


def order_for(api, c, price_cents: int, code: str, stock: int = 5) -> dict:
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=price_cents, stock=stock,
                             code=code)["skus"][0]["id"]
    r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]})
    assert r.status_code == 201, r.text
    return r.json()


def pay_credit(c, order: dict, term: int = 3, **headers):
    return c.post(f"/v1/orders/{order['id']}/credit-payment", json={"term_months": term},
                  headers=headers)
