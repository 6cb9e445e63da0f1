"""The loader: which price offers, floors and promotions reach the engine's Request, and
that an admin change is seen by the next quote (the version-checked cache)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.pricing.promo_helpers import build_shop, move, promo
from transactional_api.members.models import MemberAccount
from transactional_api.pricing import loader
from transactional_api.pricing.loader import LineIn, build_request

NOW = datetime.now(UTC)


@pytest.fixture
def shop(api, admin):
    return build_shop(api, admin)


def _line(shop, key: str, qty: int = 1) -> LineIn:
    n = key.split("-")[0]
    price = 1000 if key.endswith("cheap") else 3000
    return LineIn(sku_id=shop["sku"][key], product_id=shop["product"][n]["id"],
                  merchant_id=shop["merchant"][n], quantity=qty, list_price_cents=price,
                  currency="USD")


def _request(api, shop, lines, user_id=None, now=NOW, redis=None):
    with api.sessions() as s:
        return build_request(s, user_id=user_id, lines=lines, shipping_fee=None,
                             payment_channel=None, chosen_coupons=None, now=now, redis=redis,
                             settings=api.settings)


def _active(api, shop, body) -> str:
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/promotions", json=body)
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        assert move(m, pid, "activate").status_code == 200
    return pid


def _set_level(api, user_id: str, level: str) -> None:
    with api.sessions.begin() as s:
        s.add(MemberAccount(user_id=user_id, level=level, level_since=NOW))


def test_lines_carry_ancestry_brand_offers_and_floor(api, admin, shop):
    s = shop["sku"]["a-dear"]
    admin.put(f"/v1/admin/skus/{s}/prices/tiers",
              json={"tiers": [{"min_quantity": 3, "unit_price_cents": 2800}]})
    admin.put(f"/v1/admin/skus/{s}/prices/member",
              json={"prices": [{"level": "gold", "unit_price_cents": 2700},
                               {"level": "silver", "unit_price_cents": 2900}]})
    admin.put(f"/v1/admin/skus/{s}/prices/promo", json={"prices": [
        {"unit_price_cents": 2600, "starts_at": (NOW - timedelta(hours=1)).isoformat(),
         "ends_at": (NOW + timedelta(hours=1)).isoformat(), "label": "Now"},
        {"unit_price_cents": 2000, "starts_at": (NOW + timedelta(days=1)).isoformat(),
         "ends_at": (NOW + timedelta(days=2)).isoformat(), "label": "Later"}]})
    admin.put(f"/v1/admin/price-floors/{s}", json={"floor_cents": 1500, "basis": "cost"})
    _set_level(api, shop["shopper_id"], "gold")

    req = _request(api, shop, [_line(shop, "a-dear", 3), _line(shop, "b-cheap")],
                   user_id=shop["shopper_id"])
    dear, cheap = req.lines
    assert dear.category_ids == {shop["root"], shop["child"]}
    assert (dear.brand_id, cheap.brand_id) == (shop["brand"], None)
    assert (dear.floor_cents, cheap.floor_cents) == (1500, None)
    assert sorted((o.kind, o.unit_price_cents, o.min_quantity) for o in dear.offers) == [
        ("member", 2700, 1), ("promo", 2600, 1), ("tier", 2800, 3)]
    assert cheap.offers == ()
    # tomorrow: the later promo price, not today's
    later = _request(api, shop, [_line(shop, "a-dear")], user_id=shop["shopper_id"],
                     now=NOW + timedelta(days=1, hours=1))
    assert {(o.kind, o.unit_price_cents) for o in later.lines[0].offers} == {
        ("tier", 2800), ("member", 2700), ("promo", 2000)}
    # a signed-out quote gets no member price; a shopper without an account is 'regular'
    anon = _request(api, shop, [_line(shop, "a-dear")])
    assert "member" not in {o.kind for o in anon.lines[0].offers}


def test_promotions_filtered_by_window_scope_level_currency(api, admin, shop):
    everyone = _active(api, shop, promo())
    gold_only = _active(api, shop, promo(member_levels=["gold"]))
    b_only = _active(api, shop, promo(scope={"kind": "merchant",
                                             "ids": [shop["merchant"]["b"]]}))
    _active(api, shop, promo(currency="EUR"))  # another currency: never offered
    brand = _active(api, shop, promo(scope={"kind": "brand", "ids": [shop["brand"]]}))
    cat = _active(api, shop, promo(scope={"kind": "category", "ids": [shop["root"]]}))
    with api.client(shop["marketer"]) as m:  # a draft never applies
        m.post("/v1/admin/promotions", json=promo())
    a_cart = [_line(shop, "a-cheap")]

    ids = {p.id for p in _request(api, shop, a_cart, user_id=shop["shopper_id"]).promotions}
    assert ids == {everyone, brand, cat}
    _set_level(api, shop["shopper_id"], "gold")
    ids = {p.id for p in _request(api, shop, a_cart, user_id=shop["shopper_id"]).promotions}
    assert ids == {everyone, brand, cat, gold_only}
    ids = {p.id for p in _request(api, shop, [_line(shop, "b-dear")]).promotions}
    assert ids == {everyone, b_only, cat}
    # after every window: none
    assert _request(api, shop, a_cart, now=NOW + timedelta(days=60)).promotions == ()


def test_an_edit_is_seen_by_the_next_quote(api, admin, shop):
    pid = _active(api, shop, promo())
    cart = [_line(shop, "a-cheap")]
    assert [p.id for p in _request(api, shop, cart).promotions] == [pid]
    assert [p.id for p in _request(api, shop, cart).promotions] == [pid]  # cached
    with api.client(shop["marketer"]) as m:
        move(m, pid, "pause")
        assert _request(api, shop, cart).promotions == ()
        m.patch(f"/v1/admin/promotions/{pid}", json={"params": {"percent_bp": 3000}})
        move(m, pid, "resume")
    (p,) = _request(api, shop, cart).promotions
    assert p.params["percent_bp"] == 3000


def test_cache_reused_while_version_holds(api, shop, monkeypatch):
    _active(api, shop, promo())
    cart = [_line(shop, "a-cheap")]
    _request(api, shop, cart)
    compiles = []
    real = loader._compile
    monkeypatch.setattr(loader, "_compile", lambda p: compiles.append(p.id) or real(p))
    _request(api, shop, cart)
    assert compiles == []
    _active(api, shop, promo())
    _request(api, shop, cart)
    assert len(compiles) == 2


def test_limits_and_per_user_limit_hide_a_promotion(api, shop):
    from transactional_api.pricing.models import Promotion, PromotionRedemption

    capped = _active(api, shop, promo(usage_limit=1))
    per_user = _active(api, shop, promo(per_user_limit=1))
    cart = [_line(shop, "a-cheap")]
    uid = shop["shopper_id"]
    assert {p.id for p in _request(api, shop, cart, user_id=uid).promotions} == {
        capped, per_user}
    with api.sessions.begin() as s:
        s.get(Promotion, capped).used_count = 1
        s.add(PromotionRedemption(promotion_id=per_user, order_id="o1", user_id=uid,
                                  discount_cents=100, status="held", created_at=NOW))
    assert _request(api, shop, cart, user_id=uid).promotions == ()
    # another shopper still gets the per-user one
    assert {p.id for p in _request(api, shop, cart, user_id="someone").promotions} == {
        per_user}
