"""Steps the after-sales tests share: a paid (and shipped, delivered) split order, the
request calls, and what the payments ledger says was refunded."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from tests.api.catalog_helpers import available, pay
from tests.api.payment_helpers import outbox_events
from tests.conftest import register
from tests.orders.helpers import lines, set_rates, two_merchant_shop
from transactional_api.payments.models import Payment, Refund

TAX_BP = 825  # 8.25%: tax that does not divide evenly, so shares are exercised


def paid_order(api, admin: httpx.Client, email: str, *, a: int = 3, b: int = 1):
    """Self-operated A (north) x a and Acme's B (hub) x b, region N, paid. Returns
    (shop, shopper client, order, own sub-order, acme sub-order)."""
    shop = two_merchant_shop(admin)
    set_rates(admin, free_over=None, tax_bp=TAX_BP)
    s = shop["sku"]
    c = api.client(register(api, email))
    r = c.post("/v1/orders", json={"items": lines(**{s["A"]: a, s["B"]: b}),
                                   "shipping_region": "N"})
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    assert order["status"] == "paid", order
    own = next(x for x in order["sub_orders"] if x["merchant_id"] == "self-operated")
    acme = next(x for x in order["sub_orders"] if x["merchant_id"] == shop["acme"])
    return shop, c, order, own, acme


def deliver(admin: httpx.Client, order_id: str) -> dict:
    assert admin.post(f"/v1/admin/orders/{order_id}/ship").status_code == 200
    r = admin.post(f"/v1/admin/orders/{order_id}/complete")
    assert r.status_code == 200, r.text
    return r.json()


def open_request(c: httpx.Client, order_id: str, sub_id: str, kind: str,
                 qty: dict[str, int], reason: str = "damaged", **extra) -> httpx.Response:
    return c.post(f"/v1/orders/{order_id}/after-sales", json={
        "type": kind, "sub_order_id": sub_id, "lines": lines(**qty), "reason_code": reason,
        **extra})


def decide(admin: httpx.Client, request_id: str, decision: str = "approve",
           reason: str = "policy ok") -> httpx.Response:
    return admin.post(f"/v1/admin/after-sales/{request_id}/decision",
                      json={"decision": decision, "reason": reason})


def ship_back(c: httpx.Client, request_id: str) -> httpx.Response:
    return c.post(f"/v1/after-sales/{request_id}/return-shipment",
                  json={"carrier": "sandbox-post", "tracking_number": "RT123456"})


def inspect(admin: httpx.Client, request_id: str, accepted: dict[str, int],
            **extra) -> httpx.Response:
    return admin.post(f"/v1/admin/after-sales/{request_id}/inspection", json={
        "lines": [{"sku_id": s, "accepted_quantity": q} for s, q in accepted.items()],
        "note": "checked", **extra})


def status(c: httpx.Client, order_id: str) -> str:
    return c.get(f"/v1/orders/{order_id}").json()["status"]


def refunded(api, order_id: str) -> int:
    with api.sessions() as s:
        return int(s.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0))
                            .where(Refund.order_id == order_id)))


def captured(api, order_id: str) -> tuple[int, int]:
    """(captured, refunded) over the order's payments, as the payments ledger has them."""
    with api.sessions() as s:
        row = s.execute(select(func.sum(Payment.captured_cents), func.sum(Payment.refunded_cents))
                        .where(Payment.order_id == order_id)).one()
        return int(row[0] or 0), int(row[1] or 0)


def events(api, event_type: str, request_id: str | None = None) -> list[dict]:
    return [e["payload"] for e in outbox_events(api, event_type)
            if request_id is None or e["payload"].get("request_id") == request_id]


def stock_of(c: httpx.Client, product_id: str, code: str) -> int | None:
    return available(c, product_id)[code]


def ledger_consistent(admin: httpx.Client) -> bool:
    return admin.get("/v1/admin/stock/ledger-check").json()["consistent"] is True
