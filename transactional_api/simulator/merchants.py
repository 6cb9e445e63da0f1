"""Marketplace merchants for the demo: each applies through the API, an operator approves
it, its owner pays the deposit, and the operator lists a few products for it, so the play's
shoppers buy from several merchants and the merchant office has numbers to show."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime

from transactional_api.simulator.client import ApiClient

log = logging.getLogger(__name__)

NAMES = ("Northwind Outfitters", "Blue Harbor Home", "Copperleaf Kitchen")


def onboard_merchants(client: ApiClient, *, admin_token: str, count: int = 3,
                      products_each: int = 4, seed: int = 0,
                      clock: datetime | None = None) -> list[dict]:
    """Onboard ``count`` merchants (at most 3) end to end; returns
    [{merchant_id, name, owner_email, product_ids}]."""
    rng = random.Random(seed)
    # by slug: the API's order follows ids, which differ between shops, and the same seed
    # must give the same merchants the same categories
    cats = sorted(client.get("/v1/categories", clock=clock)["items"],
                  key=lambda c: (c.get("slug") or c["name"], c["name"]))
    if not cats:
        cats = [client.post("/v1/admin/categories", token=admin_token, clock=clock,
                            json={"name": "Marketplace", "slug": "marketplace"})]
    out = []
    for i, name in enumerate(NAMES[:count]):
        tag = uuid.UUID(int=rng.getrandbits(128)).hex[:8]
        email = f"merchant-{i}-{tag}@flywheel.test"
        token = client.post("/v1/auth/register", clock=clock,
                            json={"email": email, "password": f"owner-{tag}-pass"})["token"]
        cat = rng.choice(cats)["id"]
        app = client.post("/v1/merchant-applications", token=token, clock=clock, json={
            "company_name": name, "slug": f"{name.lower().replace(' ', '-')}-{tag}",
            "legal_id": f"REG-{tag.upper()}",
            "contact": {"name": f"Owner of {name}", "email": email},
            "qualifications": [{"category_id": cat, "document_ref": f"doc://{tag}/licence"}],
            "settlement_account": {"holder": name, "account_number": f"GB29NWBK6016{tag}"},
            "settlement_cycle": rng.choice(["t_plus_1", "weekly", "monthly"])})
        merchant_id = client.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                                  token=admin_token, clock=clock,
                                  json={"decision": "approve"})["merchant_id"]
        client.post("/v1/merchant/deposit", token=token, clock=clock,
                    json={"client_key": f"deposit-{tag}"})
        product_ids = []
        for j in range(products_each):
            p = client.post("/v1/admin/products", token=admin_token, clock=clock, json={
                "category_id": cat, "merchant_id": merchant_id, "status": "listed",
                "name": f"{name} item {j + 1}", "description": f"Sold by {name}",
                "skus": [{"code": f"M{i}-{tag}-{j}", "name": "standard",
                          "price_cents": rng.randrange(900, 9000, 100),
                          "stock": rng.randrange(20, 80)}]})
            product_ids.append(p["id"])
        out.append({"merchant_id": merchant_id, "name": name, "owner_email": email,
                    "product_ids": product_ids})
        log.info("merchant onboarded", extra={"merchant_id": merchant_id})
    return out
