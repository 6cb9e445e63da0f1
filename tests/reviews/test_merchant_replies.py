"""Merchant staff answer the published reviews of their own goods: set, replace and
withdraw the reply, list their reviews; another merchant's reviews are 404 like missing
ones; shoppers see the reply with the review; each change is one event. And two staff of
one merchant racing to withdraw the same reply: one 204, one 404, one event."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.api.catalog_helpers import category, product, sku
from tests.rbac.helpers import user_with_role
from tests.reviews.helpers import buyer, error, events, published_review, review, sku_id


@pytest.fixture
def shops(api, admin):
    """Merchants a and b with a product each, a published review of each, staff of each."""
    cat = category(admin, f"cat-{uuid.uuid4().hex[:6]}")
    out = {}
    for name in ("a", "b"):
        r = admin.post("/v1/admin/merchants",
                       json={"name": name.upper(), "slug": f"m-{name}-{uuid.uuid4().hex[:4]}"})
        assert r.status_code == 201, r.text
        merchant = r.json()["id"]
        prod = product(admin, cat, [sku(f"{name}-{uuid.uuid4().hex[:4]}-A", stock=20)],
                       merchant_id=merchant, name=f"Goods of {name}")
        out[name] = {"merchant": merchant, "product": prod,
                     "review": published_review(api, admin, prod, 4,
                                                sku=prod["skus"][0]["id"]),
                     "staff": user_with_role(api, admin, "merchant_staff", merchant)[0]}
    return out


def _public(api, product_id: str) -> list[dict]:
    with api.client() as anyone:
        return anyone.get(f"/v1/products/{product_id}/reviews").json()["items"]


def test_the_merchant_answers_replaces_and_withdraws_and_shoppers_see_it(api, shops):
    a = shops["a"]
    rid, pid = a["review"]["id"], a["product"]["id"]
    with api.client(a["staff"]) as staff:
        listed = staff.get("/v1/merchant/reviews").json()
        assert ([x["id"] for x in listed["items"]], listed["total"]) == ([rid], 1)
        assert "user_id" not in listed["items"][0]  # no author id for merchants
        assert staff.get("/v1/merchant/reviews", params={"replied": "true"}).json()[
            "total"] == 0

        r = staff.put(f"/v1/merchant/reviews/{rid}/reply", json={"text": "Thanks!"})
        assert r.status_code == 200, r.text
        assert r.json()["reply"]["text"] == "Thanks!"
        assert [x["reply"]["text"] for x in _public(api, pid)] == ["Thanks!"]
        # a retried PUT with the same text changes nothing and emits nothing
        assert staff.put(f"/v1/merchant/reviews/{rid}/reply",
                         json={"text": "Thanks!"}).status_code == 200
        r = staff.put(f"/v1/merchant/reviews/{rid}/reply",
                      json={"text": "Thank you, glad it works"})
        assert r.status_code == 200 and r.json()["reply"]["text"] == "Thank you, glad it works"
        assert [x["reply"]["text"] for x in _public(api, pid)] == ["Thank you, glad it works"]
        assert [x["id"] for x in staff.get("/v1/merchant/reviews",
                                           params={"replied": "true"}).json()["items"]] == [rid]
        assert staff.get("/v1/merchant/reviews",
                         params={"replied": "false"}).json()["items"] == []

        assert staff.delete(f"/v1/merchant/reviews/{rid}/reply").status_code == 204
        assert [x["reply"] for x in _public(api, pid)] == [None]
        assert error(staff.delete(f"/v1/merchant/reviews/{rid}/reply")) == (
            404, "reply_not_found")
        # bad input changes nothing
        assert staff.put(f"/v1/merchant/reviews/{rid}/reply",
                         json={"text": ""}).status_code == 422
        assert staff.put(f"/v1/merchant/reviews/{rid}/reply",
                         json={"text": "x" * 2001}).status_code == 422
    assert [x["reply"] for x in _public(api, pid)] == [None]

    replied = events(api, "review_replied", rid)
    assert [e["payload"]["text_length"] for e in replied] == [7, 24]
    with api.client(a["staff"]) as staff:
        me = staff.get("/v1/me").json()["id"]
    assert {(e["user_id"], e["payload"]["merchant_id"]) for e in replied} == {
        (me, a["merchant"])}
    [deleted] = events(api, "review_reply_deleted", rid)
    assert (deleted["user_id"], deleted["payload"]["merchant_id"],
            deleted["payload"]["author_id"]) == (me, a["merchant"],
                                                 a["review"]["user_id"])


def test_another_merchants_review_is_404_like_a_missing_one(api, admin, shops):
    a, b = shops["a"], shops["b"]
    rid_b = b["review"]["id"]
    with api.client(b["staff"]) as staff_b:
        assert staff_b.put(f"/v1/merchant/reviews/{rid_b}/reply",
                           json={"text": "B's answer"}).status_code == 200
    before = events(api, "review_replied") + events(api, "review_reply_deleted")
    with api.client(a["staff"]) as staff_a:
        missing = staff_a.put("/v1/merchant/reviews/no-such-review/reply",
                              json={"text": "hi"}).json()
        r = staff_a.put(f"/v1/merchant/reviews/{rid_b}/reply", json={"text": "hijack"})
        assert r.status_code == 404 and r.json() == missing
        r = staff_a.delete(f"/v1/merchant/reviews/{rid_b}/reply")
        assert r.status_code == 404
        assert r.json() == staff_a.delete("/v1/merchant/reviews/no-such-review/reply").json()
        listed = staff_a.get("/v1/merchant/reviews").json()
        assert [x["id"] for x in listed["items"]] == [a["review"]["id"]]
        # a client-sent merchant or product of B changes nothing
        assert staff_a.get("/v1/merchant/reviews", params={
            "merchant_id": b["merchant"]}).json()["total"] == 1
        assert staff_a.get("/v1/merchant/reviews", params={
            "product_id": b["product"]["id"]}).json()["total"] == 0
    assert [x["reply"]["text"] for x in _public(api, b["product"]["id"])] == ["B's answer"]
    assert events(api, "review_replied") + events(api, "review_reply_deleted") == before
    # operators' own reply route still refuses a second answer
    r = admin.post(f"/v1/admin/reviews/{rid_b}/reply", json={"text": "again"})
    assert error(r) == (409, "already_replied")


def test_only_published_reviews_can_be_answered(api, admin, shops):
    a = shops["a"]
    prod = a["product"]
    sku_a = sku_id(prod)
    c, order = buyer(api, admin, [sku_a])
    r = review(c, prod["id"], order["id"], sku_a, 2)
    c.close()
    assert r.status_code == 201, r.text
    pending = r.json()["id"]
    with api.client(a["staff"]) as staff:
        assert error(staff.put(f"/v1/merchant/reviews/{pending}/reply",
                               json={"text": "hm"})) == (409, "not_published")
        # the pending review is not on the merchant's page
        assert [x["id"] for x in staff.get("/v1/merchant/reviews").json()["items"]] == [
            a["review"]["id"]]
    assert events(api, "review_replied", pending) == []


def test_racing_withdrawals_emit_once(api, admin, shops):
    a = shops["a"]
    rid = a["review"]["id"]
    second = user_with_role(api, admin, "merchant_staff", a["merchant"])[0]
    with api.client(a["staff"]) as staff:
        assert staff.put(f"/v1/merchant/reviews/{rid}/reply",
                         json={"text": "ok"}).status_code == 200
    tokens = [a["staff"], second] * 2
    barrier = threading.Barrier(len(tokens))
    codes: list[int] = []

    def withdraw(token: str) -> None:
        with api.client(token) as c:
            barrier.wait()
            codes.append(c.delete(f"/v1/merchant/reviews/{rid}/reply").status_code)

    threads = [threading.Thread(target=withdraw, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == [204, 404, 404, 404]
    assert len(events(api, "review_reply_deleted", rid)) == 1
