"""Steps the fulfilment tests share: packed orders, shipping, signed carrier callbacks."""

from __future__ import annotations

import json
from datetime import datetime

import httpx

from tests.api.catalog_helpers import pay
from tests.conftest import register
from tests.orders.helpers import address, lines
from transactional_api.payments.signing import sign


def move(admin: httpx.Client, sub_id: str, *steps: str) -> None:
    for to in steps:
        r = admin.post(f"/v1/admin/sub-orders/{sub_id}/transitions", json={"to": to})
        assert r.status_code == 200, (to, r.text)


def paid_order(c: httpx.Client, items: dict[str, int], address_id: str | None = None) -> dict:
    body = {"items": lines(**items)}
    body.update({"address_id": address_id} if address_id else {"shipping_region": "N"})
    r = c.post("/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    assert order["status"] == "paid", order
    return order


def packed_order(admin: httpx.Client, c: httpx.Client, items: dict[str, int],
                 address_id: str | None = None) -> dict:
    """A paid order whose sub-orders are all packed (ready to ship)."""
    order = paid_order(c, items, address_id)
    for sub in order["sub_orders"]:
        move(admin, sub["id"], "picking", "packed")
    return c.get(f"/v1/orders/{order['id']}").json()


def shopper(api, email: str) -> tuple[httpx.Client, dict]:
    """(client, a saved address) for a new shopper, in a home of their own (the risk rules
    rightly challenge many accounts behind one address)."""
    c = api.client(register(api, email))
    return c, address(c, line2=f"Flat {email.split('@')[0]}")


def ship(admin: httpx.Client, sub_ids: list[str], carrier: str = "sandbox", **extra):
    return admin.post("/v1/admin/shipments",
                      json={"sub_order_ids": sub_ids, "carrier": carrier, **extra})


def carrier_event(tracking_number: str, event_id: str, status: str, at: datetime,
                  location: str | None = "Somewhere") -> dict:
    return {"event_id": event_id, "tracking_number": tracking_number, "status": status,
            "occurred_at": at.isoformat(), "location": location, "description": status}


def post_callback(api, body: dict | bytes, *, secret: str | None = None,
                  signature: str | None = None, carrier: str = "sandbox") -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-flywheel-signature"] = signature
    elif secret != "":
        headers["x-flywheel-signature"] = sign(
            secret or api.app.state.carriers["sandbox"].secret, raw)
    with api.client() as c:
        return c.post(f"/v1/fulfilment/callbacks/{carrier}", content=raw, headers=headers)


def sandbox(api):
    return api.app.state.carriers["sandbox"]
