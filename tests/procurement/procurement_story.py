"""A procurement story played through the live API on a simulated clock, for the supplier
performance mart's tests (DuckDB against the OLTP, and Spark parity).

Alpha: PO1 10 x SKU-X (lead 5 d) sent day 0, 6 accepted + 1 rejected day 2, 4 accepted
day 4 (received in 4 d: on time); PO2 5 x SKU-Y (lead 5 d) sent day 0, received day 7
(late); PO3 sent day 1 then cancelled (left out). Beta: PO4 8 x SKU-Z (lead 3 d) sent day
0, 3 accepted + 2 rejected day 3 (still open). Gamma: onboarded, never ordered from.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import create_product
from transactional_api.events.models import OutboxEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# supplier name -> purchase_orders, units_ordered, received, rejected, fill_rate,
#   orders fully received, mean lead days, on-time share (worked out by hand above)
EXPECTED = {
    "Alpha": (2, 15, 15, 1, 1.0, 2, (4 + 7) / 2, 0.5),
    "Beta": (1, 8, 3, 2, 3 / 8, 0, None, None),
    "Gamma": (0, 0, 0, 0, None, 0, None, None),
}


def _at(day: float) -> dict[str, str]:
    return {"X-Flywheel-Clock": (T0 + timedelta(days=day)).isoformat()}


def play(api) -> list[dict]:
    """Run the story; every outbox record the API wrote."""
    with api.client(api.admin_token()) as admin:
        def call(method: str, path: str, day: float, body=None) -> dict:
            r = admin.request(method, path, json=body, headers=_at(day))
            assert r.status_code in (200, 201), (path, r.text)
            return r.json()

        product = create_product(admin, code="PERF", skus=3, stock=0)
        x, y, z = (s["id"] for s in product["skus"])
        ids = {name: call("POST", "/v1/admin/suppliers", -1, {"name": name})["id"]
               for name in ("Alpha", "Beta", "Gamma")}
        for supplier, sku, lead in (("Alpha", x, 5), ("Alpha", y, 5), ("Beta", z, 3)):
            call("PUT", f"/v1/admin/suppliers/{ids[supplier]}/contracts", -1, {
                "sku_id": sku, "purchase_price_cents": 400, "currency": "USD",
                "lead_time_days": lead})

        def sent(supplier: str, sku: str, qty: int, day: float) -> str:
            po = call("POST", "/v1/admin/purchase-orders", day, {
                "supplier_id": ids[supplier], "location_id": "default",
                "lines": [{"sku_id": sku, "quantity": qty}]})
            for to in ("approved", "sent"):
                call("POST", f"/v1/admin/purchase-orders/{po['id']}/transitions", day,
                     {"to": to})
            return po["id"]

        def receive(po_id: str, sku: str, accepted: int, rejected: int, day: float) -> None:
            call("POST", f"/v1/admin/purchase-orders/{po_id}/receipts", day, {
                "lines": [{"sku_id": sku, "accepted": accepted, "rejected": rejected}]})

        po1, po2, po4 = sent("Alpha", x, 10, 0), sent("Alpha", y, 5, 0), sent("Beta", z, 8, 0)
        po3 = sent("Alpha", x, 7, 1)
        call("POST", f"/v1/admin/purchase-orders/{po3}/transitions", 1.5, {"to": "cancelled"})
        receive(po1, x, 6, 1, 2)
        receive(po4, z, 3, 2, 3)
        receive(po1, x, 4, 0, 4)
        receive(po2, y, 5, 0, 7)
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(select(OutboxEvent.record)
                                                 .order_by(OutboxEvent.id))]
