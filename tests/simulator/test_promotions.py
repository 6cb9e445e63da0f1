"""The demo's promotions and coupons against the real API: each offer prices the way an
operator meant it, and a shopper can claim, redeem a code and use what they got."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.promotions import CODES, create_demo_promotions
from transactional_api.simulator.run import ensure_catalog


@pytest.fixture(scope="module")
def shop(tmp_path_factory, redis_server):
    settings = make_settings(tmp_path_factory.mktemp("promo") / "var", redis_server.url,
                             simulated_clock=True)
    for api in run_api(settings):
        with ApiClient(api.url) as client:
            token = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            begin = datetime.now(UTC) - timedelta(days=1)
            ensure_catalog(client, admin_token=token, seed=3, clock=begin)
            products = client.all_products()
            offers = create_demo_promotions(client, token, begin, products)
            shopper = client.post("/v1/auth/register", json={
                "email": "promo.shopper@example.com", "password": "pw-promo-shopper-1"})
            yield client, offers, {s["id"]: s for p in products for s in p["skus"]}, \
                {p["id"]: p for p in products}, shopper["token"]


def _quote(client, token, items, **extra):
    return client.post("/v1/cart/quote", token=token, json={
        "items": [{"sku_id": s, "quantity": q} for s, q in items],
        "shipping_region": "N", **extra})


def _applied(quote) -> dict[str, int]:
    return {a["name"]: a["discount_cents"] + a["shipping_discount_cents"]
            for a in quote["applied"]}


def test_every_promotion_is_active_and_the_coupons_claimable(shop):
    client, offers, _, _, token = shop
    admin = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    promos = client.get("/v1/admin/promotions", token=admin)["items"]
    assert {p["name"]: p["status"] for p in promos} == {n: "active" for n in offers.promotions}
    spend = next(p for p in promos if p["kind"] == "full_reduction")
    assert spend["campaign"] == "spring"  # the paid-social traffic's utm_campaign
    claimable = {t["id"] for t in client.get("/v1/coupons/templates", token=token)["items"]}
    # the code coupon is not for claiming; the three others are
    assert claimable == {offers.templates[r] for r in ("claimable", "new_user", "shipping")}
    assert len(offers.codes) == CODES == len(set(offers.codes))


def test_buy_two_get_one_gives_the_third_unit(shop):
    client, offers, skus, products, token = shop
    (product_id,) = client.get(f"/v1/admin/promotions/{offers.promotions['Buy 2 get 1']}",
                               token=client.login(ADMIN_EMAIL, ADMIN_PASSWORD))["scope"]["ids"]
    sku = products[product_id]["skus"][0]
    quote = _quote(client, token, [(sku["id"], 3)], coupon_ids=[])
    line = quote["lines"][0]
    by_promo = {p["promotion_id"]: p["discount_cents"] for p in line["promotions"]}
    assert by_promo.get(offers.promotions["Buy 2 get 1"]) == line["unit_price_cents"]


def test_the_price_floor_holds_the_category_sale_up(shop):
    client, offers, skus, _, token = shop
    sku = skus[offers.floor_sku]
    floor = sku["price_cents"] * 95 // 100
    quote = _quote(client, token, [(sku["id"], 1)], coupon_ids=[])
    line = quote["lines"][0]
    # 15% off would go under the floor: the floor price is what the shopper pays
    assert line["unit_price_cents"] - line["discount_cents"] == floor


def test_card_payments_get_the_instant_reduction_and_others_do_not(shop):
    client, _, skus, _, token = shop
    sku = max(skus.values(), key=lambda s: (s["price_cents"], s["id"]))  # over 50.00
    assert sku["price_cents"] >= 5_000
    by_card = _applied(_quote(client, token, [(sku["id"], 1)], coupon_ids=[],
                              payment_channel="card"))
    by_sandbox = _applied(_quote(client, token, [(sku["id"], 1)], coupon_ids=[],
                                 payment_channel="sandbox"))
    assert by_card.get("Card instant 5.00 off") == 500
    assert "Card instant 5.00 off" not in by_sandbox


def test_tier_prices_apply_from_two_units(shop):
    client, offers, skus, _, token = shop
    admin = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    tiered = [s for s in skus.values() if client.get(
        f"/v1/admin/skus/{s['id']}/prices", token=admin)["tiers"]]
    assert len(tiered) == 2
    for sku in tiered:
        one, two = (_quote(client, token, [(sku["id"], n)], coupon_ids=[])["lines"][0]
                    for n in (1, 2))
        assert one["unit_price_cents"] == sku["price_cents"]
        assert two["unit_price_cents"] == sku["price_cents"] * 92 // 100
        assert two["price_kind"] == "tier"


def test_a_shopper_claims_redeems_a_code_once_and_checkout_uses_the_best(shop):
    client, offers, skus, _, token = shop
    for role in ("new_user", "claimable"):
        client.post(f"/v1/coupons/templates/{offers.templates[role]}/claim", token=token)
    client.post("/v1/me/coupons/redeem-code", token=token, json={"code": offers.codes[0]})
    with pytest.raises(ApiError) as used:
        client.post("/v1/me/coupons/redeem-code", token=token, json={"code": offers.codes[0]})
    assert used.value.status == 409
    wallet = client.get("/v1/me/coupons", token=token)["items"]
    assert sorted(c["template_id"] for c in wallet) == sorted(
        offers.templates[r] for r in ("new_user", "claimable", "code"))
    sku = max(skus.values(), key=lambda s: (s["price_cents"], s["id"]))
    cart = f"{sku['id']}:1"
    best = client.get("/v1/me/coupons/best", token=token,
                      params={"cart": cart, "shipping_region": "N"})
    assert best["best"] is not None and best["best"]["saving_cents"] > 0
    # left to the engine (coupon_ids left out), the quote uses coupons from the wallet and
    # saves at least what the best single one does
    auto = _quote(client, token, [(sku["id"], 1)])
    none = _quote(client, token, [(sku["id"], 1)], coupon_ids=[])
    assert any(a["coupon_id"] for a in auto["applied"])
    assert none["total_cents"] - auto["total_cents"] >= best["best"]["saving_cents"], \
        (auto, none, best)
