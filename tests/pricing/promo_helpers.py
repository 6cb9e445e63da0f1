"""Steps the promotion, price and loader tests share: a shop of two merchants with staff,
a marketer, a shopper, a category tree and a brand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.api.catalog_helpers import category, product, sku
from tests.rbac.helpers import user_with_role
from transactional_api.events.models import OutboxEvent

NOW = datetime.now(UTC)
START = (NOW - timedelta(days=1)).isoformat()
END = (NOW + timedelta(days=30)).isoformat()


def promo(kind: str = "percent_off", params: dict | None = None, **extra) -> dict:
    body = {"name": f"{kind} promo", "kind": kind,
            "params": params if params is not None else {"percent_bp": 1000},
            "starts_at": START, "ends_at": END, "currency": "USD"}
    body.update(extra)
    return body


def events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
                         .order_by(OutboxEvent.id))
        return [json.loads(r) for r in rows]


def build_shop(api, admin) -> dict:
    """Merchants a and b, each with one product of two SKUs (1000 and 3000 cents) in the
    child category 'phones' under 'electronics', brand 'acme' on a's product."""
    ids = {}
    for name in ("a", "b"):
        r = admin.post("/v1/admin/merchants", json={"name": name.upper(), "slug": f"pm-{name}"})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    root = category(admin, "electronics")
    child = category(admin, "phones", parent=root)
    r = admin.post("/v1/admin/brands", json={"name": "Acme", "slug": "acme"})
    assert r.status_code == 201, r.text
    brand = r.json()["id"]
    products = {
        n: product(admin, child, [sku(f"{n.upper()}-CHEAP", 50, 1000),
                                  sku(f"{n.upper()}-DEAR", 50, 3000)],
                   merchant_id=ids[n], name=f"Goods of {n}",
                   **({"brand_id": brand} if n == "a" else {}))
        for n in ("a", "b")}
    staff = {n: user_with_role(api, admin, "merchant_staff", ids[n])[0] for n in ("a", "b")}
    marketer = user_with_role(api, admin, "marketer")[0]
    shopper, shopper_id = user_with_role(api, admin, None)
    return {"merchant": ids, "product": products, "staff": staff, "marketer": marketer,
            "shopper": shopper, "shopper_id": shopper_id, "root": root, "child": child,
            "brand": brand,
            "sku": {f"{n}-{s['code'].split('-')[1].lower()}": s["id"]
                    for n in ("a", "b") for s in products[n]["skus"]}}


def move(client, promotion_id: str, action: str, who: str = "admin"):
    """POST a lifecycle action (activate, pause, resume, end) to a promotion."""
    return client.post(f"/v1/{who}/promotions/{promotion_id}/transitions",
                       json={"action": action})
