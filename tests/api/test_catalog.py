from __future__ import annotations

from tests.conftest import create_product


def test_category_tree_and_paginated_products(api, admin):
    root = admin.post("/v1/admin/categories", json={"name": "Apparel", "slug": "apparel"}).json()
    child = admin.post("/v1/admin/categories",
                       json={"name": "Shoes", "slug": "shoes", "parent_id": root["id"]}).json()
    assert child["parent_id"] == root["id"]
    for i in range(5):
        r = admin.post("/v1/admin/products", json={
            "category_id": child["id"], "name": f"Trail runner {i}",
            "skus": [{"code": f"TR-{i}", "name": "42", "price_cents": 5000 + i, "stock": 3}],
            "status": "listed"})
        assert r.status_code == 201
    with api.client() as c:
        page1 = c.get("/v1/products", params={"limit": 2}).json()
        page3 = c.get("/v1/products", params={"limit": 2, "offset": 4}).json()
        assert page1["total"] == 5 and len(page1["items"]) == 2 and len(page3["items"]) == 1
        ids = {p["id"] for p in page1["items"]} | {p["id"] for p in page3["items"]}
        assert len(ids) == 3
        found = c.get("/v1/products", params={"q": "RUNNER 3"}).json()
        assert [p["name"] for p in found["items"]] == ["Trail runner 3"]
        # a category filters its whole subtree
        assert c.get("/v1/products", params={"category_id": root["id"]}).json()["total"] == 5
        one = c.get(f"/v1/products/{found['items'][0]['id']}").json()
        assert one["skus"][0]["price_cents"] == 5003 and one["skus"][0]["available"] == 3


def test_bad_catalog_input_changes_nothing(api, admin):
    create_product(admin, code="KEEP")
    before = admin.get("/v1/products").json()
    bad = [
        {"category_id": "missing", "name": "x", "skus": [{"code": "A", "name": "a",
                                                           "price_cents": 1}]},
        {"category_id": before["items"][0]["category_id"], "name": "x",
         "skus": [{"code": "B", "name": "b", "price_cents": -1}]},
        {"category_id": before["items"][0]["category_id"], "name": "x",
         "skus": [{"code": "KEEP", "name": "dup", "price_cents": 1}]},
        {"category_id": before["items"][0]["category_id"], "name": "x", "skus": []},
        {"category_id": before["items"][0]["category_id"], "name": "x",
         "skus": [{"code": "C", "name": "c", "price_cents": "12.5"}]},
    ]
    for body in bad:
        r = admin.post("/v1/admin/products", json=body)
        assert 400 <= r.status_code < 500, r.text
        assert set(r.json()["error"]) == {"code", "message", "details"}
    assert admin.get("/v1/products").json() == before
    with api.client() as c:
        assert c.get("/v1/products/nope").status_code == 404
        assert c.get("/v1/products", params={"limit": 0}).status_code == 422
        assert c.get("/v1/products", params={"limit": "many"}).status_code == 422


def test_reads_are_not_blocked_by_a_long_write(api, admin):
    """SQLite: read-only requests read a WAL snapshot instead of queueing for the write lock."""
    import sqlite3

    product = create_product(admin, code="SNAP")
    db_path = api.settings.resolved_database_url.removeprefix("sqlite:///")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a writer holding the lock, as a slow checkout would
    try:
        with api.client() as c:
            c.timeout = 5  # the busy timeout is 30 s: a blocked read would fail here
            assert c.get(f"/v1/products/{product['id']}").status_code == 200
            assert c.get("/v1/products").json()["total"] == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
