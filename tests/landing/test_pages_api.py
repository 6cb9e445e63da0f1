"""Landing pages: the lifecycle, schedule and audience decide who gets a page (everyone
else: 404); products are resolved live from the catalog; bad definitions are 4xx and save
nothing; every change is one landing_page_changed event."""

from __future__ import annotations

import uuid

from tests.conftest import create_product
from tests.landing.helpers import HOUR, iso, now, outbox, page, shopper, tagged_audience
from tests.pricing.coupon_helpers import template as coupon_template


def _product(admin, code: str, *, stock: int = 5, status: str = "listed",
             price: int = 1500) -> str:
    cat = create_product(admin, code=f"seed-{code}")["category_id"]
    r = admin.post("/v1/admin/products", json={
        "category_id": cat, "name": f"P {code}", "status": status,
        "skus": [{"code": code, "name": code, "price_cents": price, "stock": stock}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_only_a_published_page_is_served_with_listed_in_stock_products(api, admin):
    stocked = _product(admin, "A-1", price=1200)
    empty = _product(admin, "A-2", stock=0)
    unlisted = _product(admin, "A-3", status="draft")
    draft = page(admin, publish=False, blocks=[
        {"kind": "products", "title": "Picks", "product_ids": [empty, stocked, unlisted]},
        {"kind": "text", "heading": "Why", "body": "Because"}])
    slug = draft["slug"]
    with api.client() as c:
        r = c.get(f"/v1/pages/{slug}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "page_not_found"
        pid = draft["id"]
        assert admin.post(f"/v1/admin/pages/{pid}/transitions",
                          json={"action": "publish"}).json()["status"] == "published"
        served = c.get(f"/v1/pages/{slug}").json()
        assert [b["kind"] for b in served["blocks"]] == ["products", "text"]
        cards = served["blocks"][0]["products"]
        assert [(p["product_id"], p["price_cents"]) for p in cards] == [(stocked, 1200)]
        assert served["blocks"][1]["body"] == "Because"
        # the stock sells out: the next request drops it (products are never cached)
        sku = admin.get(f"/v1/products/{stocked}").json()["skus"][0]["id"]
        assert admin.put(f"/v1/admin/skus/{sku}/stock", json={"available": 0}) \
            .status_code == 200
        assert c.get(f"/v1/pages/{slug}").json()["blocks"][0]["products"] == []
        admin.post(f"/v1/admin/pages/{pid}/transitions", json={"action": "unpublish"})
        assert c.get(f"/v1/pages/{slug}").status_code == 404
        admin.post(f"/v1/admin/pages/{pid}/transitions", json={"action": "archive"})
        r = admin.post(f"/v1/admin/pages/{pid}/transitions", json={"action": "publish"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    actions = [e["payload"]["action"] for e in outbox(api, "landing_page_changed")
               if e["payload"]["page_id"] == pid]
    assert actions == ["created", "published", "unpublished", "archived"]


def test_the_schedule_is_judged_at_request_time(api, admin):
    p = page(admin, starts_at=iso(now() + HOUR))
    with api.client() as c:
        assert c.get(f"/v1/pages/{p['slug']}").status_code == 404
        body = {"slug": p["slug"], "title": "Now on", "starts_at": iso(now() - HOUR),
                "ends_at": iso(now() + HOUR), "blocks": []}
        r = admin.put(f"/v1/admin/pages/{p['id']}", json=body)
        assert r.status_code == 200 and r.json()["version"] == 3
        assert c.get(f"/v1/pages/{p['slug']}").json()["title"] == "Now on"
        body.update(starts_at=iso(now() - 2 * HOUR), ends_at=iso(now() - HOUR))
        admin.put(f"/v1/admin/pages/{p['id']}", json=body)
        assert c.get(f"/v1/pages/{p['slug']}").status_code == 404


def test_an_audience_page_is_served_only_to_its_members(api, admin):
    member_token, member = shopper(api)
    other_token, _ = shopper(api)
    audience = tagged_audience(admin, [member])
    p = page(admin, audience_id=audience)
    for token, status in ((None, 404), (other_token, 404), (member_token, 200)):
        with api.client(token) as c:
            assert c.get(f"/v1/pages/{p['slug']}").status_code == status, token


def test_a_rule_block_lists_matching_products_and_a_coupon_block_its_template(api, admin):
    cheap = _product(admin, "R-1", price=500)
    dear = _product(admin, "R-2", price=9000)
    cat = admin.get(f"/v1/products/{cheap}").json()["category_id"]
    template = coupon_template(admin, activate=False)
    p = page(admin, blocks=[
        {"kind": "product_rule", "category_id": cat, "max_price_cents": 1000,
         "sort": "price_asc", "limit": 5},
        {"kind": "coupon", "template_id": template["id"]}])
    with api.client() as c:
        served = c.get(f"/v1/pages/{p['slug']}").json()
    rule, coupon = served["blocks"]
    ids = [x["product_id"] for x in rule["products"]]
    assert cheap in ids and dear not in ids
    assert all(x["price_cents"] <= 1000 for x in rule["products"])
    # a draft template is shown but cannot be claimed yet
    assert (coupon["template_id"], coupon["claimable"]) == (template["id"], False)
    assert coupon["claim_path"] == f"/v1/coupons/templates/{template['id']}/claim"
    admin.post(f"/v1/admin/coupon-templates/{template['id']}/transitions",
               json={"action": "activate"})
    with api.client() as c:
        assert c.get(f"/v1/pages/{p['slug']}").json()["blocks"][1]["claimable"] is True


def test_bad_definitions_are_refused_and_save_nothing(api, admin):
    known = _product(admin, "B-1")
    ghost = str(uuid.uuid4())
    cases = [
        ({"blocks": [{"kind": "products", "product_ids": [known, ghost]}]}, 422,
         "unknown_products"),
        ({"starts_at": iso(now() + HOUR), "ends_at": iso(now())}, 422, "bad_schedule"),
        ({"audience_id": ghost}, 422, "audience_not_found"),
        ({"blocks": [{"kind": "coupon", "template_id": ghost}]}, 422,
         "unknown_coupon_template"),
        ({"blocks": [{"kind": "product_rule", "sort": "newest"}]}, 422, "bad_product_rule"),
        ({"blocks": [{"kind": "product_rule", "category_id": ghost}]}, 422,
         "unknown_category"),
        ({"blocks": [{"kind": "video"}]}, 422, "validation_error"),
        ({"slug": "Not A Slug"}, 422, "validation_error"),
    ]
    for over, status, code in cases:
        body = {"slug": f"bad-{uuid.uuid4().hex[:6]}", "title": "x", **over}
        r = admin.post("/v1/admin/pages", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), over
    assert admin.get("/v1/admin/pages").json()["items"] == []
    taken = page(admin, publish=False)
    r = admin.post("/v1/admin/pages", json={"slug": taken["slug"], "title": "again"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "slug_taken")
    r = admin.put(f"/v1/admin/pages/{taken['id']}", json={
        "slug": taken["slug"], "title": "y",
        "blocks": [{"kind": "products", "product_ids": [ghost]}]})
    assert r.status_code == 422
    assert admin.get(f"/v1/admin/pages/{taken['id']}").json()["version"] == 1
    assert len(outbox(api, "landing_page_changed")) == 1
