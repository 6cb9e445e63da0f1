"""Cross-border shoppers for the demo: the operator sets a few duty rates (a default per
country, one category rate), then shoppers with addresses in GB, DE, JP and CA quote,
order and pay, so the orders carry duties and import tax and the Cross-border page and
fct_cross_border_orders have real numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError, iso

# (country, duty bps, import tax bps, de minimis in USD cents): defaults per country
RATES = [("GB", 400, 2000, 0), ("DE", 500, 1900, 15_000), ("JP", 300, 1000, 0),
         ("CA", 600, 500, 2_000)]
CATEGORY_DUTY_BPS = 1200  # the first category's goods pay more in GB
ADDRESSES = [
    {"name": "Olivia Brown", "line1": "221B Baker Street", "city": "London",
     "postal_code": "NW1 6XE", "country": "GB"},
    {"name": "Jonas Weber", "line1": "Unter den Linden 77", "city": "Berlin",
     "postal_code": "10117", "country": "DE"},
    {"name": "Yuki Sato", "line1": "1-1 Chiyoda", "city": "Chiyoda-ku", "region": "Tokyo",
     "postal_code": "100-8111", "country": "JP"},
    {"name": "Liam Tremblay", "line1": "290 Bremner Blvd", "city": "Toronto", "region": "ON",
     "postal_code": "M5V 3L9", "country": "CA"},
]


@dataclass
class CrossBorderOutcome:
    rates_set: int = 0
    placed: int = 0
    paid: int = 0
    by_country: dict[str, int] = field(default_factory=dict)  # orders per destination
    duties_cents: int = 0       # in the orders' currency (the shop's SKUs': one currency)
    import_tax_cents: int = 0


def _rates(client: ApiClient, token: str, clock: datetime, category_id: str | None) -> int:
    made = 0
    wanted = [(c, None, d, t, m) for c, d, t, m in RATES]
    if category_id:
        wanted.append(("GB", category_id, CATEGORY_DUTY_BPS, 2000, 0))
    for country, category, duty, tax, minimis in wanted:
        try:
            client.post("/v1/admin/duty-rates", token=token, clock=clock, json={
                "country": country, "category_id": category, "duty_bps": duty,
                "import_tax_bps": tax, "de_minimis_cents": minimis,
                "de_minimis_currency": "USD", "effective_from": iso(clock)})
            made += 1
        except ApiError as exc:
            if exc.code != "rate_exists":  # a second run at the same moment: already there
                raise
    return made


def run_cross_border(client: ApiClient, *, admin_token: str, clock: datetime,
                     shoppers: int = 8, seed: int = 0) -> CrossBorderOutcome:
    """Sets the duty rates at ``clock``, then ``shoppers`` new accounts abroad (the four
    countries in turn) each order one to three units of in-stock physical goods and pay."""
    rng = random.Random(seed)
    out = CrossBorderOutcome()
    products = [p for p in client.all_products(clock=clock)
                if p.get("kind", "physical") == "physical"]
    skus = [(s["id"], p.get("category_id")) for p in products for s in p.get("skus", [])
            if (s.get("available") or 0) > 5]
    if not skus:
        return out
    out.rates_set = _rates(client, admin_token, clock, skus[0][1])
    for n in range(shoppers):
        at = clock + timedelta(minutes=5 * (n + 1))
        fields = ADDRESSES[n % len(ADDRESSES)]
        creds = {"email": f"abroad{seed}-{n}@example.net", "password": f"abroad-pass-{seed}-{n}"}
        try:
            token = client.post("/v1/auth/register", json=creds, clock=at)["token"]
            address = client.post("/v1/me/addresses", token=token, clock=at, json=fields)
            picked = rng.sample(skus, k=min(len(skus), rng.randint(1, 2)))
            items = [{"sku_id": s, "quantity": rng.randint(1, 2)} for s, _ in picked]
            quote = client.post("/v1/cart/quote", token=token, clock=at,
                                json={"items": items, "address_id": address["id"]})
            order = client.post("/v1/orders", token=token, clock=at,
                                headers={"Idempotency-Key": f"abroad-{seed}-{n}"},
                                json={"items": items, "address_id": address["id"],
                                      "expected_total_cents": quote["total_cents"]}, retries=1)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            continue  # out of stock, throttled or a shipping rule missing: the next shopper
        out.placed += 1
        out.by_country[fields["country"]] = out.by_country.get(fields["country"], 0) + 1
        out.duties_cents += quote["duties_cents"]
        out.import_tax_cents += quote["import_tax_cents"]
        if rng.random() < 0.85:
            client.post(f"/v1/orders/{order['id']}/payments", token=token,
                        clock=at + timedelta(minutes=1),
                        json={"channel": "sandbox", "sandbox_outcome": "succeed"})
            out.paid += 1
    return out
