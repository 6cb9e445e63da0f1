"""A brushing ring for the demo: several new accounts order cheap goods to one address, the
risk rules hold the orders past the shop's limit for review, and the operator rejects them
(stock released) except one they judge genuine. The decisions reach the warehouse as
events, so the Risk page has something to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

RING_SIZE = 8  # past the default users_per_address challenge (6)
RING_ADDRESS = {"name": "Drop", "line1": "99 Quiet Lane", "city": "Northport", "region": "N",
                "postal_code": "19999", "country": "US"}


@dataclass
class RingOutcome:
    placed: int = 0
    held: int = 0
    blocked: int = 0
    approved: int = 0
    rejected: int = 0


def _cheapest_physical_sku(client: ApiClient, clock: datetime) -> str | None:
    best: tuple[int, str] | None = None
    for product in client.all_products(clock=clock):
        if product.get("kind", "physical") != "physical":
            continue
        for sku in product.get("skus", []):
            price = sku.get("price_cents")
            if price is not None and (best is None or price < best[0]):
                best = (price, sku["id"])
    return best[1] if best else None


def run_ring(client: ApiClient, *, admin_token: str, clock: datetime,
             seed: int = 0) -> RingOutcome:
    out = RingOutcome()
    sku = _cheapest_physical_sku(client, clock)
    if sku is None:
        return out
    for n in range(RING_SIZE):
        at = clock + timedelta(minutes=n)
        creds = {"email": f"ring{seed}-{n}@example.net", "password": f"ring-pass-{seed}-{n}"}
        try:
            token = client.post("/v1/auth/register", json=creds, clock=at)["token"]
        except ApiError:
            continue  # throttled or challenged at registration: the ring loses an account
        address = client.post("/v1/me/addresses", token=token, clock=at, json=RING_ADDRESS)
        try:
            order = client.post("/v1/orders", token=token, clock=at,
                                headers={"Idempotency-Key": f"ring-{seed}-{n}"},
                                json={"items": [{"sku_id": sku, "quantity": 1}],
                                      "address_id": address["id"]}, retries=1)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            out.blocked += exc.code == "risk_blocked"
            continue
        out.placed += 1
        out.held += any(s.get("hold_reason") == "risk_review"
                        for s in order.get("sub_orders", []))
    reviews = client.get("/v1/admin/risk/reviews", token=admin_token, clock=clock,
                         params={"status": "open", "limit": 100})["items"]
    for i, review in enumerate(reviews):
        verdict = "approve" if i == 0 else "reject"
        client.post(f"/v1/admin/risk/reviews/{review['id']}/{verdict}", token=admin_token,
                    clock=clock + timedelta(hours=1),
                    json={"note": "genuine flatmate" if i == 0 else "brushing ring"})
        if i == 0:
            out.approved += 1
        else:
            out.rejected += 1
    return out
