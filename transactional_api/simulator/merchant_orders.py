"""Shoppers buying the merchants' goods (issue 15). A few buyers of their own order one of
each approved merchant's SKUs before the first simulated day, pay with the sandbox and
wait for the money, and the operator ships their parcels at once; the simulated days'
carrier and completion sweeps then deliver and complete them, so the demo's settlement
run has sub-orders to settle, statements to issue and merchants to pay.

Buyers of their own, not the planned shoppers: a seed then replays the planned visits
request for request with or without merchants, and these orders are counted apart
(summary.marketplace["orders"])."""

from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

log = logging.getLogger("flywheel.simulator")

BUYERS_PER_MERCHANT = 2
PAYMENT_WAIT_SECONDS = 15.0
PAID = frozenset({"paid", "preparing", "shipped", "delivered", "completed", "after_sales"})


def merchant_skus(client: ApiClient, admin_token: str, clock: datetime) -> list[tuple[str, str]]:
    """(merchant_id, sku_id) of each approved merchant's first listed SKU, in a fixed order
    (by the merchant's slug: ids differ between shops)."""
    apps = client.get("/v1/admin/merchant-applications", token=admin_token, clock=clock)
    approved = sorted((a for a in apps.get("items", []) if a.get("merchant_id")),
                      key=lambda a: a.get("slug") or a["merchant_id"])
    out = []
    for app in approved:
        page = client.get("/v1/products", params={"merchant_id": app["merchant_id"],
                                                  "limit": 20}, clock=clock)
        products = sorted(page.get("items", []), key=lambda p: p["name"])
        skus = [s for p in products for s in p.get("skus", [])]
        if skus:
            out.append((app["merchant_id"], skus[0]["id"]))
    return out


def sell(client: ApiClient, admin_token: str, *, seed: int, at: datetime) -> dict:
    """Each merchant's SKU bought by BUYERS_PER_MERCHANT new buyers at ``at``, paid and
    shipped; returns the counters for the summary."""
    counters = {"orders": 0, "paid": 0, "shipped": 0}
    rng = random.Random(f"merchant-orders:{seed}:{at:%Y%m%d}")
    for m, (_, sku_id) in enumerate(merchant_skus(client, admin_token, at)):
        for k in range(BUYERS_PER_MERCHANT):
            tag = uuid.UUID(int=rng.getrandbits(128)).hex[:10]
            placed = at + timedelta(minutes=10 * (m * BUYERS_PER_MERCHANT + k))
            try:
                token = _buyer(client, tag, placed)
                order_id = _order(client, token, sku_id, tag, placed)
            except ApiError as exc:
                if exc.status >= 500:
                    raise
                log.warning("merchant order refused", extra={"code": exc.code})
                continue
            counters["orders"] += 1
            try:
                _pay(client, token, order_id, tag, placed)
            except ApiError as exc:
                if exc.status >= 500:
                    raise
                log.warning("merchant order payment refused", extra={"code": exc.code})
                continue
            if not _paid(client, admin_token, order_id, token, placed):
                continue
            counters["paid"] += 1
            counters["shipped"] += _ship(client, admin_token, order_id, tag,
                                         placed + timedelta(minutes=5))
    return counters


def _buyer(client: ApiClient, tag: str, at: datetime) -> str:
    return client.post("/v1/auth/register", clock=at, json={
        "email": f"marketplace-buyer-{tag}@flywheel.test",
        "password": f"buyer-{tag}-pass"})["token"]


def _order(client: ApiClient, token: str, sku_id: str, tag: str, at: datetime) -> str:
    # each buyer at an address of their own: shared addresses are what the risk rules
    # hold for review
    number = int(tag[:6], 16)
    address = client.post("/v1/me/addresses", token=token, clock=at, json={
        "name": f"Buyer {tag[:4]}", "line1": f"{number % 900 + 1} Harbour Rd",
        "line2": f"Apt {tag[6:10]}", "city": "Northport", "region": "N",
        "postal_code": f"{10000 + number % 89999}", "country": "US"})["id"]
    return client.post("/v1/orders", token=token, clock=at,
                       headers={"Idempotency-Key": f"mkt-{tag}"},
                       json={"items": [{"sku_id": sku_id, "quantity": 1}],
                             "address_id": address, "coupon_ids": []})["id"]


def _pay(client: ApiClient, token: str, order_id: str, tag: str, at: datetime) -> None:
    client.post(f"/v1/orders/{order_id}/payments", token=token, clock=at,
                headers={"Idempotency-Key": f"mkt-pay-{tag}"},
                json={"channel": "sandbox", "sandbox_outcome": "succeed"})


def _paid(client: ApiClient, admin_token: str, order_id: str, token: str,
          at: datetime) -> bool:
    """Waits for the sandbox's callback (it is asynchronous), so shipping never races it."""
    client.post("/v1/admin/payments/sandbox/deliver-due", token=admin_token,
                clock=at + timedelta(minutes=2))
    deadline = time.monotonic() + PAYMENT_WAIT_SECONDS
    while time.monotonic() < deadline:
        if client.get(f"/v1/orders/{order_id}", token=token)["status"] in PAID:
            return True
        time.sleep(0.05)
    log.warning("merchant order not paid in time", extra={"order_id": order_id})
    return False


def _ship(client: ApiClient, admin_token: str, order_id: str, tag: str, at: datetime) -> int:
    order = client.get(f"/v1/orders/{order_id}", token=admin_token)
    subs = [s["id"] for s in order["sub_orders"]
            if s["kind"] == "physical" and s["status"] == "allocated"]
    for sub in subs:
        for step in ("picking", "packed"):
            client.post(f"/v1/admin/sub-orders/{sub}/transitions", token=admin_token,
                        clock=at, json={"to": step})
    if not subs:
        return 0
    client.post("/v1/admin/shipments", token=admin_token, clock=at, json={
        "sub_order_ids": subs, "carrier": "sandbox", "tracking_number": f"MKT-{tag}"})
    return 1
