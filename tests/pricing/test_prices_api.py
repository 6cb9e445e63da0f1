"""Price sources and floors through the admin API."""

from __future__ import annotations

import pytest

from tests.pricing.promo_helpers import END, START, build_shop


@pytest.fixture
def shop(api, admin):
    return build_shop(api, admin)


def test_sources_replace_and_read_back(api, admin, shop):
    s = shop["sku"]["a-dear"]
    r = admin.put(f"/v1/admin/skus/{s}/prices/tiers", json={"tiers": [
        {"min_quantity": 10, "unit_price_cents": 2500},
        {"min_quantity": 3, "unit_price_cents": 2800}]})
    assert r.status_code == 200, r.text
    assert [t["min_quantity"] for t in r.json()["tiers"]] == [3, 10]
    r = admin.put(f"/v1/admin/skus/{s}/prices/member", json={"prices": [
        {"level": "gold", "unit_price_cents": 2700}]})
    assert r.status_code == 200, r.text
    r = admin.put(f"/v1/admin/skus/{s}/prices/promo", json={"prices": [
        {"unit_price_cents": 2600, "starts_at": START, "ends_at": END, "label": "Sale"}]})
    assert r.status_code == 200, r.text
    got = admin.get(f"/v1/admin/skus/{s}/prices").json()
    assert got["list_price_cents"] == 3000 and got["floor_cents"] is None
    assert got["member_prices"] == [{"level": "gold", "unit_price_cents": 2700}]
    assert got["promo_prices"][0]["label"] == "Sale" and got["flash_prices"] == []
    # replacing with fewer drops the rest
    admin.put(f"/v1/admin/skus/{s}/prices/tiers", json={"tiers": []})
    assert admin.get(f"/v1/admin/skus/{s}/prices").json()["tiers"] == []


def test_bad_prices_are_refused(api, admin, shop):
    s = shop["sku"]["a-dear"]
    assert admin.put(f"/v1/admin/price-floors/{s}",
                     json={"floor_cents": 2000, "basis": "cost"}).status_code == 200
    r = admin.put(f"/v1/admin/skus/{s}/prices/tiers", json={"tiers": [
        {"min_quantity": 5, "unit_price_cents": 1999}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "under_price_floor"
    r = admin.put(f"/v1/admin/skus/{s}/prices/member", json={"prices": [
        {"level": "gold", "unit_price_cents": 1500}]})
    assert r.json()["error"]["code"] == "under_price_floor"
    r = admin.put(f"/v1/admin/skus/{s}/prices/member", json={"prices": [
        {"level": "platinum", "unit_price_cents": 2500}]})
    assert r.json()["error"]["code"] == "unknown_member_level"
    for body in ({"tiers": [{"min_quantity": 1, "unit_price_cents": 2500}]},
                 {"tiers": [{"min_quantity": 3, "unit_price_cents": 0}]},
                 {"tiers": [{"min_quantity": 3, "unit_price_cents": 2500},
                            {"min_quantity": 3, "unit_price_cents": 2400}]}):
        assert admin.put(f"/v1/admin/skus/{s}/prices/tiers", json=body).status_code == 422
    r = admin.put(f"/v1/admin/skus/{s}/prices/promo", json={"prices": [
        {"unit_price_cents": 2500, "starts_at": END, "ends_at": START}]})
    assert r.status_code == 422
    got = admin.get(f"/v1/admin/skus/{s}/prices").json()
    assert (got["tiers"], got["member_prices"], got["promo_prices"]) == ([], [], [])
    assert admin.get("/v1/admin/skus/nope/prices").status_code == 404


def test_floor_put_get_delete(api, admin, shop):
    s = shop["sku"]["b-cheap"]
    assert admin.get(f"/v1/admin/price-floors/{s}").status_code == 404
    r = admin.put(f"/v1/admin/price-floors/{s}", json={"floor_cents": 700, "basis": "margin"})
    assert r.status_code == 200 and r.json()["basis"] == "margin"
    r = admin.put(f"/v1/admin/price-floors/{s}", json={"floor_cents": 800, "basis": "cost"})
    assert admin.get(f"/v1/admin/price-floors/{s}").json()["floor_cents"] == 800
    assert admin.put(f"/v1/admin/price-floors/{s}",
                     json={"floor_cents": 1, "basis": "guess"}).status_code == 422
    assert admin.put("/v1/admin/price-floors/nope",
                     json={"floor_cents": 1, "basis": "cost"}).status_code == 404
    assert admin.delete(f"/v1/admin/price-floors/{s}").status_code == 204
    assert admin.delete(f"/v1/admin/price-floors/{s}").status_code == 404
    with api.client(shop["marketer"]) as m:
        assert m.put(f"/v1/admin/price-floors/{s}",
                     json={"floor_cents": 1, "basis": "cost"}).status_code == 403
    with api.client(shop["staff"]["b"]) as b:
        assert b.get(f"/v1/admin/skus/{s}/prices").status_code == 403
