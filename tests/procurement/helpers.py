"""Steps the procurement tests share: a supplier with contracts, a sent purchase order."""

from __future__ import annotations

import httpx

from tests.conftest import create_product

WAREHOUSE = "default"


def supplier(admin: httpx.Client, name: str = "Acme Supply") -> dict:
    r = admin.post("/v1/admin/suppliers", json={"name": name, "contact_name": "Ann",
                                                "contact_email": "ann@acme.test"})
    assert r.status_code == 201, r.text
    return r.json()


def contract(admin: httpx.Client, supplier_id: str, sku_id: str, **terms) -> dict:
    body = {"sku_id": sku_id, "purchase_price_cents": 700, "currency": "USD",
            "lead_time_days": 5, "moq": 1, "supply_mode": "stocked",
            "payment_terms_days": 30, **terms}
    r = admin.put(f"/v1/admin/suppliers/{supplier_id}/contracts", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def skus(admin: httpx.Client, code: str, n: int = 2, stock: int = 0) -> list[str]:
    product = create_product(admin, code=code, skus=n, stock=stock)
    return [s["id"] for s in product["skus"]]


def on_hand(admin: httpx.Client, sku_id: str, warehouse_id: str = WAREHOUSE) -> int:
    rows = admin.get("/v1/admin/stock", params={"sku_id": sku_id}).json()
    return sum(r["on_hand"] for r in rows if r["warehouse_id"] == warehouse_id)


def po(admin: httpx.Client, supplier_id: str, lines: dict[str, int], *, to: tuple = ()
       ) -> dict:
    r = admin.post("/v1/admin/purchase-orders", json={
        "supplier_id": supplier_id, "location_id": WAREHOUSE,
        "lines": [{"sku_id": s, "quantity": q} for s, q in lines.items()]})
    assert r.status_code == 201, r.text
    out = r.json()
    for step in to:
        r = admin.post(f"/v1/admin/purchase-orders/{out['id']}/transitions", json={"to": step})
        assert r.status_code == 200, r.text
        out = r.json()
    return out


def receive(admin: httpx.Client, po_id: str, lines: dict[str, tuple[int, int]]
            ) -> httpx.Response:
    return admin.post(f"/v1/admin/purchase-orders/{po_id}/receipts", json={"lines": [
        {"sku_id": s, "accepted": a, "rejected": r} for s, (a, r) in lines.items()]})


def sent_po(admin: httpx.Client, code: str, quantities: tuple[int, ...] = (10, 4),
            unit_costs: tuple[int, ...] = (700, 250), terms_days: int = 30
            ) -> tuple[dict, dict, list[str]]:
    """(supplier, a sent PO, its SKU ids) over fresh SKUs with contracts."""
    s = supplier(admin, f"Supplier {code}")
    ids = skus(admin, code, n=len(quantities))
    for sku_id, cost in zip(ids, unit_costs, strict=True):
        contract(admin, s["id"], sku_id, purchase_price_cents=cost,
                 payment_terms_days=terms_days)
    order = po(admin, s["id"], dict(zip(ids, quantities, strict=True)),
               to=("approved", "sent"))
    return s, order, ids
