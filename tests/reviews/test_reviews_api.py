"""Reviews over HTTP: a buyer writes, an operator publishes or rejects, the shop replies,
shoppers see published reviews only; and every way in which that is refused."""

from __future__ import annotations

import pytest

from tests.reviews.helpers import (
    buy,
    buyer,
    error,
    events,
    moderate,
    rating_row,
    review,
    review_rows,
    shop,
    sku_id,
)

NO_STARS = {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def _histogram(summary: dict) -> dict[int, int]:
    return {int(k): v for k, v in summary["histogram"].items()}


def test_a_buyer_reviews_an_operator_publishes_and_the_shop_replies(api, admin):
    lamp = shop(admin, "Lamp")["Lamp"]
    a = sku_id(lamp)
    c, order = buyer(api, admin, [a])
    me = c.get("/v1/me").json()["id"]
    r = review(c, lamp["id"], order["id"], a, 5, text="Bright and warm",
               photo_urls=["https://img.example.com/lamp.jpg", "http://cdn.example.org/2.png"])
    assert r.status_code == 201, r.text
    mine = r.json()
    assert (mine["status"], mine["rating"], mine["user_id"], mine["order_id"]) == (
        "pending", 5, me, order["id"])
    rid = mine["id"]

    with api.client() as anyone:
        # pending: invisible to shoppers, not counted in the product's rating
        page = anyone.get(f"/v1/products/{lamp['id']}/reviews").json()
        assert (page["items"], page["total"]) == ([], 0)
        assert page["summary"]["count"] == 0 and page["summary"]["average"] is None
        assert _histogram(page["summary"]) == NO_STARS
        detail = anyone.get(f"/v1/products/{lamp['id']}").json()
        assert (detail["rating_count"], detail["rating_avg"]) == (0, None)

        assert [x["status"] for x in c.get("/v1/me/reviews").json()["items"]] == ["pending"]
        queue = admin.get("/v1/admin/reviews", params={"status": "pending"}).json()
        assert [x["id"] for x in queue["items"]] == [rid]

        r = moderate(admin, rid)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "published" and r.json()["moderated_by"] is not None
        assert admin.get("/v1/admin/reviews", params={"status": "pending"}).json()["total"] == 0

        page = anyone.get(f"/v1/products/{lamp['id']}/reviews").json()
        assert page["total"] == 1
        shown = page["items"][0]
        assert (shown["id"], shown["text"], shown["photo_urls"], shown["reply"]) == (
            rid, "Bright and warm",
            ["https://img.example.com/lamp.jpg", "http://cdn.example.org/2.png"], None)
        assert "user_id" not in shown  # shoppers never see who wrote it
        assert (page["summary"]["count"], page["summary"]["average"]) == (1, 5.0)
        assert _histogram(page["summary"]) == {**NO_STARS, 5: 1}
        detail = anyone.get(f"/v1/products/{lamp['id']}").json()
        assert (detail["rating_count"], detail["rating_avg"]) == (1, 5.0)

        r = admin.post(f"/v1/admin/reviews/{rid}/reply", json={"text": "Thank you!"})
        assert r.status_code == 200, r.text
        assert error(admin.post(f"/v1/admin/reviews/{rid}/reply",
                                json={"text": "Again"})) == (409, "already_replied")
        shown = anyone.get(f"/v1/products/{lamp['id']}/reviews").json()["items"][0]
        assert shown["reply"]["text"] == "Thank you!"

    [submitted] = events(api, "review_submitted", rid)
    assert submitted["user_id"] == me
    assert submitted["payload"] == {
        "review_id": rid, "product_id": lamp["id"], "sku_id": a, "order_id": order["id"],
        "merchant_id": "self-operated", "rating": 5, "text_length": 15, "photo_count": 2}
    [moderated] = events(api, "review_moderated", rid)
    assert moderated["payload"]["author_id"] == me  # who earns points for it
    assert (moderated["payload"]["from_status"], moderated["payload"]["to_status"]) == (
        "pending", "published")
    [replied] = events(api, "review_replied", rid)
    assert replied["payload"]["text_length"] == len("Thank you!")
    c.close()


def test_only_buyers_who_received_the_sku_review_it_once_per_order_line(api, admin):
    goods = shop(admin, "Kettle", "Tray")
    kettle, tray = goods["Kettle"], goods["Tray"]
    ka, kb, ta = sku_id(kettle), sku_id(kettle, "B"), sku_id(tray)
    c, order = buyer(api, admin, [ka, ta])
    stranger, _ = buyer(api, admin, [kb])
    waiting, undelivered = buyer(api, admin, [ka], deliver=False)

    with api.client() as anonymous:
        assert review(anonymous, kettle["id"], order["id"], ka).status_code == 401
    # bought nothing in this order / did not buy this SKU / someone else's order
    assert error(review(stranger, kettle["id"], order["id"], ka)) == (403, "not_verified_buyer")
    assert error(review(c, kettle["id"], order["id"], kb)) == (403, "not_verified_buyer")
    assert error(review(waiting, kettle["id"], undelivered["id"], ka)) == (403, "not_delivered")
    assert error(review(c, kettle["id"], order["id"], ta)) == (422, "sku_not_in_product")
    assert error(review(c, "no-such-product", order["id"], ka)) == (404, "not_found")
    assert review_rows(api) == 0

    assert review(c, kettle["id"], order["id"], ka, 4).status_code == 201
    assert error(review(c, kettle["id"], order["id"], ka, 5)) == (409, "already_reviewed")
    # the order's other line is a line of its own
    assert review(c, tray["id"], order["id"], ta, 3).status_code == 201
    # bought again: the new order's line may be reviewed too
    again = buy(api, c, admin, [ka])
    assert review(c, kettle["id"], again["id"], ka, 2).status_code == 201
    assert review_rows(api) == 3
    for client in (c, stranger, waiting):
        client.close()


@pytest.mark.parametrize("change", [
    {"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 4.5}, {"rating": True},
    {"rating": None}, {"text": "x" * 2001},
    {"photo_urls": ["javascript:alert(1)"]}, {"photo_urls": ["ftp://example.com/a.jpg"]},
    {"photo_urls": ["/relative/a.jpg"]}, {"photo_urls": ["https://"]},
    {"photo_urls": [f"https://img.example.com/{i}.jpg" for i in range(6)]},
    {"photo_urls": ["https://img.example.com/" + "a" * 500]},
    {"order_id": ""}, {"stars": 5},
])
def test_bad_input_is_422_and_writes_nothing(api, admin, change):
    mug = shop(admin, "Mug")["Mug"]
    a = sku_id(mug)
    c, order = buyer(api, admin, [a])
    body = {"order_id": order["id"], "sku_id": a, "rating": 4, **change}
    r = c.post(f"/v1/products/{mug['id']}/reviews", json=body)
    assert error(r) == (422, "validation_error"), r.text
    assert review_rows(api) == 0
    assert events(api, "review_submitted") == []
    c.close()


def test_moderation_moves_pending_only_and_rejection_needs_a_reason(api, admin):
    pan = shop(admin, "Pan")["Pan"]
    a, b = sku_id(pan), sku_id(pan, "B")
    c, order = buyer(api, admin, [a, b])
    ra = review(c, pan["id"], order["id"], a, 1, text="spam spam").json()["id"]
    rb = review(c, pan["id"], order["id"], b, 4).json()["id"]

    assert error(moderate(admin, ra, "reject")) == (422, "reason_required")
    assert error(moderate(admin, ra, "reject", "   ")) == (422, "reason_required")
    assert error(moderate(admin, ra, "reject", "")) == (422, "validation_error")
    assert error(moderate(admin, ra, "approve")) == (422, "validation_error")
    assert error(moderate(c, ra)) == (403, "permission_denied")  # shoppers do not moderate
    assert error(moderate(admin, "no-such-review")) == (404, "not_found")
    assert events(api, "review_moderated") == []

    r = moderate(admin, ra, "reject", "Not about the product")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reject_reason"]) == ("rejected",
                                                               "Not about the product")
    r = moderate(admin, ra)
    assert error(r) == (409, "illegal_transition")
    assert r.json()["error"]["details"] == {"from": "rejected", "to": "published",
                                            "allowed": []}
    assert error(moderate(admin, ra, "reject", "twice")) == (409, "illegal_transition")
    assert error(admin.post(f"/v1/admin/reviews/{ra}/reply",
                            json={"text": "Sorry"})) == (409, "not_published")
    # the author sees why; shoppers see nothing of it
    mine = {x["id"]: x for x in c.get("/v1/me/reviews").json()["items"]}
    assert (mine[ra]["status"], mine[ra]["reject_reason"]) == ("rejected",
                                                               "Not about the product")
    assert rating_row(api, pan["id"]) is None

    assert error(admin.post(f"/v1/admin/reviews/{rb}/reply",
                            json={"text": "Early"})) == (409, "not_published")
    assert moderate(admin, rb).status_code == 200
    assert error(moderate(admin, rb)) == (409, "illegal_transition")
    assert error(moderate(admin, rb, "reject", "changed my mind")) == (409,
                                                                      "illegal_transition")
    with api.client() as anyone:
        page = anyone.get(f"/v1/products/{pan['id']}/reviews").json()
    assert [x["id"] for x in page["items"]] == [rb]
    # counted once, with its 4 stars: (count, sum, 1..5)
    assert rating_row(api, pan["id"]) == (1, 4, 0, 0, 0, 1, 0)
    assert [e["payload"]["to_status"] for e in events(api, "review_moderated")] == [
        "rejected", "published"]
    c.close()
