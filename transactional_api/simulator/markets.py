"""A second storefront market for the demo: an operator opens it (a currency and a
language), loads a few days of exchange rates, and some shoppers buy in it, so the
markets mart has sales in two currencies and the base-currency view has numbers."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from transactional_api.simulator.client import ApiClient, ApiError

log = logging.getLogger(__name__)


def play_second_market(client: ApiClient, *, admin_token: str, code: str = "br",
                       currency: str = "BRL", language: str = "pt", countries=("BR",),
                       rate: str = "5.05", shoppers: int = 4, seed: int = 0,
                       clock: datetime | None = None) -> dict:
    """Opens market ``code`` (kept when it exists), sets the base->currency rate for the
    last three days (a small drift a day), and has ``shoppers`` new shoppers each buy one
    or two in-stock SKUs in it and pay. Returns {market, currency, orders, paid,
    total_minor}."""
    rng = random.Random(seed)
    now = clock or datetime.now(UTC)
    try:
        client.post("/v1/admin/markets", token=admin_token, clock=clock, json={
            "code": code, "name": f"Market {code.upper()}", "currency": currency,
            "language": language, "countries": list(countries)})
    except ApiError as exc:
        if exc.code != "market_exists":
            raise
    base_currency = "USD"
    products = client.get("/v1/products", clock=clock, params={"limit": 50})["items"]
    if products:
        base_currency = products[0]["skus"][0]["currency"]
    for days_ago, drift in ((2, Decimal("0.96")), (1, Decimal("0.98")), (0, Decimal(1))):
        day = (now - timedelta(days=days_ago)).replace(hour=0, minute=0, second=0,
                                                       microsecond=0)
        value = str((Decimal(rate) * drift).quantize(Decimal("0.0001")))
        client.request("PUT", "/v1/admin/fx-rates", token=admin_token, clock=clock, json={
            "base": base_currency, "quote": currency, "rate": value,
            "effective_from": day.isoformat()})
    skus = [s["id"] for p in products for s in p["skus"]
            if s.get("available") and s["kind"] == "standard"]
    out = {"market": code, "currency": currency, "orders": 0, "paid": 0, "total_minor": 0}
    for i in range(shoppers if skus else 0):
        tag = uuid.UUID(int=rng.getrandbits(128)).hex[:8]
        token = client.post("/v1/auth/register", clock=clock, json={
            "email": f"{code}-shopper-{i}-{tag}@flywheel.test",
            "password": f"shopper-{tag}-pass"})["token"]
        items = [{"sku_id": s, "quantity": 1} for s in rng.sample(skus, min(len(skus),
                                                                       rng.choice([1, 2])))]
        try:
            order = client.post("/v1/orders", token=token, clock=clock,
                                json={"items": items, "market": code})
            out["orders"] += 1
            client.post(f"/v1/orders/{order['id']}/payments", token=token, clock=clock,
                        headers={"Idempotency-Key": f"{code}-pay-{tag}"},
                        json={"channel": "sandbox", "sandbox_outcome": "succeed"})
            out["paid"] += 1
            out["total_minor"] += order["total_cents"]
        except ApiError as exc:  # out of stock, no shipping there: the shopper leaves
            log.info("market shopper left", extra={"market": code, "code": exc.code})
    return out
