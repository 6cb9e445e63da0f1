"""Merchants, brands, the category tree, SKU generation, labels and the review lifecycle."""

from __future__ import annotations

from tests.api.catalog_helpers import category, product, sku
from tests.api.payment_helpers import outbox_events
from tests.conftest import register


def test_review_lifecycle_with_reasons_audit_and_visibility(api, admin):
    cat = category(admin)
    p = product(admin, cat, [sku("LC-1", stock=5)], status="draft")
    pid, sku_id = p["id"], p["skus"][0]["id"]
    shopper = api.client(register(api, "lc@example.com"))

    def act(action: str, reason: str | None = None):
        body = {"action": action, **({"reason": reason} if reason else {})}
        return admin.post(f"/v1/admin/products/{pid}/transitions", json=body)

    def orderable() -> int:
        return shopper.post("/v1/orders", json={"items": [{"sku_id": sku_id, "quantity": 1}]}
                            ).status_code

    assert shopper.get(f"/v1/products/{pid}").status_code == 404  # drafts are invisible
    r = shopper.post("/v1/orders", json={"items": [{"sku_id": sku_id, "quantity": 1}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "product_not_listed"
    for illegal in ("approve", "delist", "relist"):  # not from draft
        r = act(illegal, "x")
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
        assert r.json()["error"]["details"]["allowed_actions"] == ["submit"]
    assert act("submit").json()["status"] == "pending_review"
    queue = admin.get("/v1/admin/products", params={"status": "pending_review"}).json()
    assert [x["id"] for x in queue["items"]] == [pid]
    r = act("reject")
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    assert act("reject", "photos are blurry").json()["status"] == "draft"
    assert act("submit").status_code == 200 and act("approve").json()["status"] == "listed"
    assert shopper.get(f"/v1/products/{pid}").status_code == 200 and orderable() == 201
    assert act("delist", "recalled by the maker").json()["status"] == "delisted"
    assert shopper.get(f"/v1/products/{pid}").status_code == 404 and orderable() == 422
    assert act("relist").json()["status"] == "listed"

    audit = admin.get(f"/v1/admin/products/{pid}/audit").json()
    steps = [(c["action"], c["from_status"], c["to_status"], c["reason"])
             for c in audit["changes"]]
    assert steps == [
        ("create", None, "draft", None), ("submit", "draft", "pending_review", None),
        ("reject", "pending_review", "draft", "photos are blurry"),
        ("submit", "draft", "pending_review", None),
        ("approve", "pending_review", "listed", None),
        ("delist", "listed", "delisted", "recalled by the maker"),
        ("relist", "delisted", "listed", None)]
    assert all(c["actor_id"] for c in audit["changes"])
    emitted = [(e["payload"]["from_status"], e["payload"]["to_status"])
               for e in outbox_events(api, "product_status_changed")]
    assert emitted == [(s[1], s[2]) for s in steps]


def test_skus_generated_from_the_spec_with_merchant_brand_labels(api, admin):
    merchant = admin.post("/v1/admin/merchants", json={"name": "Acme", "slug": "acme",
                                                      "region": "SP"}).json()
    brand = admin.post("/v1/admin/brands", json={"name": "Trail Co", "slug": "trail-co"}).json()
    root = category(admin, "apparel")
    shoes = category(admin, "shoes", parent=root)
    p = product(admin, shoes, [sku("TEE-RED-L", stock=1, price_cents=2500,
                                   attributes={"colour": "red", "size": "L"})],
                merchant_id=merchant["id"], brand_id=brand["id"], labels=["new", "eco"],
                images=["https://img.example.com/tee.jpg"],
                spec={"colour": ["red", "blue"], "size": ["M", "L"]},
                sku_template={"code_prefix": "TEE", "price_cents": 2000, "stock": 3,
                              "weight_grams": 180})
    by_attrs = {tuple(sorted(s["attributes"].items())): s for s in p["skus"]}
    assert len(by_attrs) == 4  # 2 colours x 2 sizes, the explicit red/L included once
    assert by_attrs[(("colour", "red"), ("size", "L"))]["price_cents"] == 2500
    blue_m = by_attrs[(("colour", "blue"), ("size", "M"))]
    assert (blue_m["code"], blue_m["price_cents"], blue_m["available"],
            blue_m["weight_grams"]) == ("TEE-BLUE-M", 2000, 3, 180)
    assert p["merchant_id"] == merchant["id"] and p["brand_id"] == brand["id"]
    assert p["labels"] == ["eco", "new"] and p["images"] == ["https://img.example.com/tee.jpg"]
    plain = product(admin, root, [sku("PLAIN")])
    assert plain["merchant_id"] == "self-operated"  # the platform's own goods
    r = admin.put(f"/v1/admin/products/{plain['id']}/labels", json={"labels": ["clearance"]})
    assert r.json()["labels"] == ["clearance"]
    with api.client() as c:  # a category answers for its whole subtree
        assert c.get("/v1/products", params={"category_id": root}).json()["total"] == 2
        cats = {x["slug"]: x for x in c.get("/v1/categories").json()["items"]}
        assert cats["shoes"]["path"] == f"/{root}/{shoes}/" and cats["shoes"]["depth"] == 1


def test_bad_catalog_input_is_refused_and_changes_nothing(api, admin):
    cat = category(admin)
    before = admin.get("/v1/admin/products").json()
    bad = [
        {"labels": ["bestseller"]},  # not an operator label
        {"merchant_id": "nobody"},
        {"brand_id": "nobody"},
        {"spec": {"size": ["M", "M"]}, "sku_template": {"code_prefix": "X", "price_cents": 1}},
        {"sku_template": {"code_prefix": "X", "price_cents": 1}},  # nothing to generate from
        {"skus": [sku("B1", kind="bundle")]},  # a bundle without components
        {"skus": [sku("B2", stock=3, kind="bundle", components=[{"sku_id": "x",
                                                                  "quantity": 1}])]},
        {"skus": [sku("B3", kind="bundle", components=[{"sku_id": "nope", "quantity": 1}])]},
        {"skus": [sku("V1", stock=2, kind="virtual")]},  # virtual goods have no stock
        {"skus": [sku("P1", kind="presale")]},  # no quota
        {"images": ["javascript:alert(1)"]},
        {"status": "pending_review"},
        {"skus": [sku("S1", attributes={"size": "XXL"})], "spec": {"size": ["M"]}},
    ]
    for extra in bad:
        body = {"category_id": cat, "name": "Bad", "skus": [sku("OK-1")], **extra}
        r = admin.post("/v1/admin/products", json=body)
        assert 400 <= r.status_code < 500, (extra, r.text)
    assert admin.get("/v1/admin/products").json() == before
    p = product(admin, cat, [sku("T-1")])
    r = admin.post(f"/v1/admin/products/{p['id']}/transitions", json={"action": "explode"})
    assert r.status_code == 422
    assert admin.post("/v1/admin/products/nope/transitions",
                      json={"action": "submit"}).status_code == 404
