"""A referral link's ``?ref=`` reaches the promoter without a separate bind call: the
storefront passes it as ``ref`` when the visitor registers or checks out, the buyer is bound
then, and the order that follows earns the commission. A stale or unknown code binds nothing
and never stops a registration or a sale."""

from __future__ import annotations

import uuid

from tests.api.catalog_helpers import pay
from tests.promoters.conftest import commissions, product, promoter, run, shopper

PRICE = 10_000


def _register(api, ref: str | None):
    body = {"email": f"ref-{uuid.uuid4().hex[:8]}@example.com", "password": "shopper-pass-1"}
    if ref is not None:
        body["ref"] = ref
    with api.client() as c:
        return c.post("/v1/auth/register", json=body)


def _order(c, sku: str, **body):
    return c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}], **body})


def test_a_link_at_registration_binds_and_the_first_order_earns(api, admin):
    promo_c, promo = promoter(api, admin)
    r = _register(api, promo["code"].lower())
    assert r.status_code == 201, r.text
    buyer = api.client(r.json()["token"])
    sku = product(admin, PRICE)["skus"][0]["id"]
    order = pay(buyer, _order(buyer, sku).json()["id"])
    run(admin)
    level1 = PRICE * api.settings.promoters_default_level1_bp // 10_000
    assert [(c["order_id"], c["level"], c["amount_cents"])
            for c in commissions(promo_c)["items"]] == [(order["id"], 1, level1)]
    assert promo_c.get("/v1/promoters/me").json()["referrals"] == 1


def test_a_link_at_checkout_binds_before_payment(api, admin):
    promo_c, promo = promoter(api, admin)
    buyer = shopper(api, "buyer")
    sku = product(admin, PRICE)["skus"][0]["id"]
    placed = _order(buyer, sku, ref=promo["code"])
    assert placed.status_code == 201, placed.text
    pay(buyer, placed.json()["id"])
    run(admin)
    assert [c["order_id"] for c in commissions(promo_c)["items"]] == [placed.json()["id"]]


def test_unknown_own_or_malformed_codes(api, admin):
    promo_c, promo = promoter(api, admin)
    sku = product(admin, PRICE)["skus"][0]["id"]
    # a code no promoter has: the registration goes through, nobody is bound
    stranger = _register(api, "NOSUCHCODE")
    assert stranger.status_code == 201, stranger.text
    # the promoter's own link at their own checkout: the sale goes through unbound
    own = _order(promo_c, sku, ref=promo["code"])
    assert own.status_code == 201, own.text
    pay(promo_c, own.json()["id"])
    run(admin)
    assert commissions(promo_c)["items"] == []
    assert promo_c.get("/v1/promoters/me").json()["referrals"] == 0
    # something that cannot be a code is refused like any bad field, and writes nothing
    bad = _register(api, "not a code!")
    assert bad.status_code == 422
    assert _order(shopper(api), sku, ref="x" * 33).status_code == 422
