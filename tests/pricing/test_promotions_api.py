"""Promotions through the admin API: lifecycle, who may do what, params validation, events
and the floor warning."""

from __future__ import annotations

import pytest

from tests.pricing.promo_helpers import build_shop, events, move, promo


@pytest.fixture
def shop(api, admin):
    return build_shop(api, admin)


def test_platform_lifecycle_emits_an_event_per_change(api, shop):
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/promotions", json=promo(campaign="summer", budget_cents=5000))
        assert r.status_code == 201, r.text
        p = r.json()
        assert (p["status"], p["version"], p["merchant_id"]) == ("draft", 1, None)
        pid = p["id"]
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"params": {"percent_bp": 2000}})
        assert r.status_code == 200 and r.json()["version"] == 2
        assert r.json()["params"]["percent_bp"] == 2000
        assert move(m, pid, "activate").json()["status"] == "active"
        # an active promotion is not editable; pausing makes it so
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"name": "x"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "promotion_not_editable"
        assert move(m, pid, "pause").json()["status"] == "paused"
        assert m.patch(f"/v1/admin/promotions/{pid}", json={"name": "y"}).status_code == 200
        assert move(m, pid, "resume").json()["status"] == "active"
        ended = move(m, pid, "end").json()
        assert ended["status"] == "ended"
        for action in ("activate", "pause", "resume", "end"):
            r = move(m, pid, action)
            assert r.status_code == 409, action
            assert r.json()["error"]["code"] == "illegal_transition"
        assert m.get(f"/v1/admin/promotions/{pid}").json()["version"] == ended["version"]
        listed = m.get("/v1/admin/promotions", params={"status": "ended"}).json()["items"]
        assert [x["id"] for x in listed] == [pid]
        assert m.get("/v1/admin/promotions", params={"status": "active"}).json()["items"] == []
    got = [e for e in events(api, "promotion_changed") if e["payload"]["promotion_id"] == pid]
    moves = [(e["payload"]["previous_status"], e["payload"]["status"]) for e in got]
    assert moves == [(None, "draft"), ("draft", "draft"), ("draft", "active"),
                     ("active", "paused"), ("paused", "paused"), ("paused", "active"),
                     ("active", "ended")]
    assert [e["payload"]["version"] for e in got] == list(range(1, 8))
    assert {e["payload"]["campaign"] for e in got} == {"summer"}
    assert {e["payload"]["budget_cents"] for e in got} == {5000}


def test_permissions_marketer_merchants_and_shoppers(api, admin, shop):
    with api.client(shop["shopper"]) as c:
        r = c.post("/v1/admin/promotions", json=promo())
        assert r.status_code == 403
        assert c.post("/v1/merchant/promotions", json=promo()).status_code == 403
    with api.client(shop["staff"]["a"]) as a, api.client(shop["staff"]["b"]) as b:
        assert a.post("/v1/admin/promotions", json=promo()).status_code == 403
        r = a.post("/v1/merchant/promotions", json=promo())
        assert r.status_code == 201, r.text
        mine = r.json()
        # store scope becomes the merchant's own goods, funded by it
        assert mine["merchant_id"] == shop["merchant"]["a"]
        assert mine["scope"] == {"kind": "merchant", "ids": [shop["merchant"]["a"]]}
        pid = mine["id"]
        for call in (lambda: b.get(f"/v1/merchant/promotions/{pid}"),
                     lambda: b.patch(f"/v1/merchant/promotions/{pid}", json={"name": "z"}),
                     lambda: move(b, pid, "activate", "merchant"),
                     lambda: move(b, pid, "end", "merchant")):
            r = call()
            assert r.status_code == 404 and r.json()["error"]["code"] == "promotion_not_found"
        assert b.get("/v1/merchant/promotions").json()["items"] == []
        assert a.get(f"/v1/merchant/promotions/{pid}").json()["status"] == "draft"
        # b's goods are out of a's reach
        for scope in ({"kind": "product", "ids": [shop["product"]["b"]["id"]]},
                      {"kind": "sku", "ids": [shop["sku"]["b-cheap"]]},
                      {"kind": "merchant", "ids": [shop["merchant"]["b"]]}):
            r = a.post("/v1/merchant/promotions", json=promo(scope=scope))
            assert r.status_code == 422, (scope, r.text)
        # a category scope is a's goods in that category (the engine keeps a merchant's
        # offer on its own lines)
        r = a.post("/v1/merchant/promotions", json=promo(
            scope={"kind": "category", "ids": [shop["child"]]}))
        assert r.status_code == 201 and r.json()["merchant_id"] == shop["merchant"]["a"]
        r = a.post("/v1/merchant/promotions", json=promo(
            "bundle_price", {"sku_ids": [shop["sku"]["a-cheap"], shop["sku"]["b-cheap"]],
                             "price_cents": 1500}))
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_sku"
        assert move(a, pid, "activate", "merchant").json()["status"] == "active"
    # the platform sees and may end a merchant's promotion
    assert admin.get(f"/v1/admin/promotions/{pid}").json()["merchant_id"] == \
        shop["merchant"]["a"]
    assert move(admin, pid, "end").json()["status"] == "ended"


@pytest.mark.parametrize(("kind", "params", "where"), [
    ("percent_off", {"percent_bp": 0}, "percent_bp"),
    ("percent_off", {"percent_bp": 10001}, "percent_bp"),
    ("percent_off", {"percent_bp": 500, "cap_cents": -1}, "cap_cents"),
    ("full_reduction", {"tiers": [[10000, 1000], [5000, 500]]}, "increasing"),
    ("full_reduction", {"tiers": [[10000, 1000], [20000, 1000]]}, "increasing"),
    ("full_reduction", {"tiers": [[100, 1000]]}, "exceeds"),
    ("full_reduction", {"tiers": []}, "tiers"),
    ("amount_off", {"amount_cents": 0}, "amount_cents"),
    ("buy_x_get_y", {"buy": 2}, "get"),
    ("nth_item", {"n": 1, "percent_bp": 5000}, "n"),
    ("payment_instant", {"amount_cents": 100}, "channel"),
    ("bundle_price", {"sku_ids": ["x"], "price_cents": 100}, "sku_ids"),
    ("amount_off", {"amount_cents": 100, "surprise": 1}, "surprise"),
])
def test_bad_params_are_422_naming_the_field(api, shop, kind, params, where):
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/promotions", json=promo(kind, params))
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["code"] == "invalid_promotion_params"
        assert where in err["message"], err
        assert m.get("/v1/admin/promotions").json()["items"] == []
    assert events(api, "promotion_changed") == []


def test_other_bad_input_is_422_and_changes_nothing(api, shop):
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/promotions", json=promo(
            "bundle_price", {"sku_ids": [shop["sku"]["a-cheap"], "nope"], "price_cents": 100}))
        assert r.status_code == 422 and r.json()["error"]["details"]["sku_ids"] == ["nope"]
        r = m.post("/v1/admin/promotions", json=promo(member_levels=["platinum"]))
        assert r.json()["error"]["code"] == "unknown_member_level"
        r = m.post("/v1/admin/promotions", json=promo(ends_at=promo()["starts_at"]))
        assert r.status_code == 422
        pid = m.post("/v1/admin/promotions", json=promo()).json()["id"]
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"params": {"percent_bp": 0}})
        assert r.status_code == 422
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"name": "n", "expected_version": 9})
        assert r.status_code == 409 and r.json()["error"]["code"] == "version_conflict"
        got = m.get(f"/v1/admin/promotions/{pid}").json()
        assert (got["version"], got["params"]["percent_bp"]) == (1, 1000)
        r = move(m, pid, "activate")
        assert r.status_code == 200


def test_floor_warnings_on_create_edit_and_activate(api, admin, shop):
    cheap, dear = shop["sku"]["a-cheap"], shop["sku"]["a-dear"]
    assert admin.put(f"/v1/admin/price-floors/{cheap}",
                     json={"floor_cents": 850, "basis": "cost"}).status_code == 200
    assert admin.put(f"/v1/admin/price-floors/{dear}",
                     json={"floor_cents": 1000, "basis": "margin"}).status_code == 200
    with api.client(shop["marketer"]) as m:
        # 20% off: 1000 -> 800 breaks 850; 3000 -> 2400 keeps 1000
        r = m.post("/v1/admin/promotions", json=promo(params={"percent_bp": 2000}))
        assert r.json()["floor_warnings"] == [
            {"sku_id": cheap, "floor_cents": 850, "worst_unit_price_cents": 800}]
        pid = r.json()["id"]
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"params": {"percent_bp": 1000}})
        assert r.json()["floor_warnings"] == []
        # a cap keeps it above: 90% off capped at 100 -> 900
        r = m.patch(f"/v1/admin/promotions/{pid}",
                    json={"params": {"percent_bp": 9000, "cap_cents": 100}})
        assert r.json()["floor_warnings"] == []
        r = m.patch(f"/v1/admin/promotions/{pid}", json={"params": {"percent_bp": 9000}})
        warned = {w["sku_id"]: w["worst_unit_price_cents"] for w in r.json()["floor_warnings"]}
        assert warned == {cheap: 100, dear: 300}
        assert move(m, pid, "activate").json()["floor_warnings"]
        # out of scope: merchant b's goods have no floor
        r = m.post("/v1/admin/promotions", json=promo(
            params={"percent_bp": 9000},
            scope={"kind": "merchant", "ids": [shop["merchant"]["b"]]}))
        assert r.json()["floor_warnings"] == []
        # spend 2000 get 500 off: a line's share is at most 1/4 -> 1000 - 250 = 750 < 850
        r = m.post("/v1/admin/promotions", json=promo(
            "full_reduction", {"tiers": [[2000, 500]]},
            scope={"kind": "category", "ids": [shop["root"]]}))
        assert r.json()["floor_warnings"] == [
            {"sku_id": cheap, "floor_cents": 850, "worst_unit_price_cents": 750}]
        r = m.post("/v1/admin/promotions", json=promo(
            "free_shipping", {}, scope={"kind": "brand", "ids": [shop["brand"]]}))
        assert r.json()["floor_warnings"] == []
