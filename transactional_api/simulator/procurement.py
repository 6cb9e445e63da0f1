"""The demo's supplier: onboarded with contracts for a few SKUs of the catalog, one
purchase order sent at the start of the play and received in two deliveries (the first
with a few quality rejects, the second still short at the end), one received in full,
and the first delivery's payable paid; so the supplier mart and page show real figures."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import PlannedProduct

log = logging.getLogger(__name__)
WAREHOUSE = "default"


def play_procurement(client: ApiClient, admin_token: str, *,
                     catalog: Sequence[PlannedProduct], start: datetime, end: datetime,
                     seed: int = 0, supplier_name: str = "Northwind Supply") -> dict[str, Any]:
    """Run the supplier's story between start and end (the simulator's clock); returns
    what happened: the supplier id, the POs and their statuses, units accepted and rejected.
    Calling it again on the same database reuses the supplier and adds new POs."""
    rng = random.Random(f"procurement:{seed}")
    # in the catalog's order (by name), not by id: ids differ between shops of one seed
    skus = list(dict.fromkeys(p.sku_ids[0] for p in catalog if p.sku_ids))
    if len(skus) < 2:
        return {"skipped": "the catalog has fewer than two SKUs"}
    picked = rng.sample(skus, min(4, len(skus)))
    span = end - start

    def at(share: float) -> datetime:
        return start + span * share

    def call(method: str, path: str, moment: datetime, body: Any = None) -> Any:
        return client.request(method, path, token=admin_token, clock=moment, json=body)

    supplier = next((s for s in call("GET", "/v1/admin/suppliers", at(0))
                     if s["name"] == supplier_name), None) or call(
        "POST", "/v1/admin/suppliers", at(0),
        {"name": supplier_name, "contact_name": "Dana Reyes",
         "contact_email": "orders@northwind.example"})
    lead_days = max(1, int(span / timedelta(days=1) * 0.3))
    for sku_id in picked:
        call("PUT", f"/v1/admin/suppliers/{supplier['id']}/contracts", at(0), {
            "sku_id": sku_id, "purchase_price_cents": rng.randrange(300, 3000, 50),
            "currency": "USD", "lead_time_days": lead_days, "moq": 10,
            "supply_mode": "stocked", "payment_terms_days": 30})
    half = len(picked) // 2
    plans = [picked[:half] or picked[:1], picked[half:]]
    out: dict[str, Any] = {"supplier_id": supplier["id"], "purchase_orders": [],
                           "accepted": 0, "rejected": 0}
    for index, lines in enumerate(plans):
        qty = {sku: rng.randrange(20, 80, 10) for sku in lines}
        po = call("POST", "/v1/admin/purchase-orders", at(0.05), {
            "supplier_id": supplier["id"], "location_id": WAREHOUSE,
            "lines": [{"sku_id": s, "quantity": q} for s, q in qty.items()]})
        for to in ("approved", "sent"):
            po = call("POST", f"/v1/admin/purchase-orders/{po['id']}/transitions", at(0.1),
                      {"to": to})
        # first delivery: about 60 % accepted and a couple rejected on quality
        first = {s: (q * 6 // 10, min(2, q - q * 6 // 10)) for s, q in qty.items()}
        receipt = _receive(call, po["id"], first, at(0.4))
        out["accepted"] += receipt["accepted_units"]
        out["rejected"] += receipt["rejected_units"]
        if receipt.get("payable"):
            call("POST", f"/v1/admin/procurement/payables/{receipt['payable']['id']}/pay",
                 at(0.6))
        # second delivery: the rest for the first PO; the second stays partly open
        rest = {s: (q - first[s][0] if index == 0 else (q - first[s][0]) // 2, 0)
                for s, q in qty.items()}
        rest = {s: v for s, v in rest.items() if v[0] > 0}
        if rest:
            receipt = _receive(call, po["id"], rest, at(0.8 if index == 0 else 0.9))
            out["accepted"] += receipt["accepted_units"]
            po_status = receipt["po_status"]
        else:
            po_status = receipt["po_status"]
        out["purchase_orders"].append({"id": po["id"], "status": po_status})
    log.info("procurement play", extra=out)
    return out


def _receive(call, po_id: str, lines: dict[str, tuple[int, int]], moment: datetime) -> dict:
    try:
        return call("POST", f"/v1/admin/purchase-orders/{po_id}/receipts", moment, {
            "lines": [{"sku_id": s, "accepted": a, "rejected": r}
                      for s, (a, r) in lines.items()]})
    except ApiError as exc:  # a replay over a database that already has these receipts
        log.warning("receipt refused", extra={"po_id": po_id, "code": exc.code})
        return {"accepted_units": 0, "rejected_units": 0, "po_status": "unknown"}
