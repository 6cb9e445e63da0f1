"""Merchant staff decide the after-sales requests on their own sub-orders: they see only
their merchant's, another merchant's request is a 404 that changes nothing, and a shopper
or staff of another merchant cannot decide at all."""

from __future__ import annotations

from tests.aftersales.helpers import open_request, paid_order
from tests.rbac.helpers import user_with_role


def test_staff_decide_their_own_merchants_requests_only(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "merchant-as@example.com")
    theirs = open_request(c, order["id"], acme["id"], "refund_only",
                          {shop["sku"]["B"]: 1}).json()
    ours = open_request(c, order["id"], own["id"], "refund_only",
                        {shop["sku"]["A"]: 1}).json()  # the platform's own sub-order
    staff, _ = user_with_role(api, admin, "merchant_staff", shop["acme"])
    other = admin.post("/v1/admin/merchants", json={"name": "Other", "slug": "other-as"})
    outsider, _ = user_with_role(api, admin, "merchant_staff", other.json()["id"])
    with api.client(staff) as m, api.client(outsider) as o:
        listed = m.get("/v1/merchant/after-sales").json()
        assert [x["id"] for x in listed["items"]] == [theirs["id"]] and listed["total"] == 1
        assert o.get("/v1/merchant/after-sales").json()["items"] == []

        body = {"decision": "approve", "reason": "ok"}
        r = m.post(f"/v1/merchant/after-sales/{ours['id']}/decision", json=body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "after_sales_not_found"
        r = o.post(f"/v1/merchant/after-sales/{theirs['id']}/decision", json=body)
        assert r.status_code == 404
        assert c.post(f"/v1/merchant/after-sales/{theirs['id']}/decision",
                      json=body).status_code == 403  # a shopper
        # nothing changed by the refusals
        assert admin.get(f"/v1/after-sales/{ours['id']}").json()["status"] == ours["status"]
        assert admin.get(f"/v1/after-sales/{theirs['id']}").json()["status"] == \
            theirs["status"]

        r = m.post(f"/v1/merchant/after-sales/{theirs['id']}/decision", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "closed" and r.json()["refunded_cents"] > 0
        r = m.post(f"/v1/merchant/after-sales/{theirs['id']}/decision", json=body)
        assert r.status_code == 409  # decided once
