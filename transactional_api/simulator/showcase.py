"""The catalog, inventory and checkout features the demo shop shows off, set up through the
admin API on top of the generated catalog: regional warehouses, shipping and tax rates,
brands and labels, a bundle, a virtual top-up, a pre-sale item, safety stock, and products
in every lifecycle state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient

WAREHOUSES = (("north", "North hub", ["N"], 10), ("south", "South hub", ["S"], 10))
# shipping by weight, free from 75.00 of one merchant's goods; the far region costs more
SHIPPING = (("*", {"base_cents": 499, "base_grams": 1000, "step_cents": 150, "step_grams": 500,
                   "free_over_cents": 7500}),
            ("C", {"base_cents": 899, "base_grams": 1000, "step_cents": 250, "step_grams": 500,
                   "free_over_cents": 15000}))
TAX_BP = {"N": 825, "S": 600, "C": 0}
REGIONS = ("N", "S", "C")  # shoppers ship to these; C is served by the main warehouse only
TOPUP_CODE, BUNDLE_CODE, PRESALE_CODE = "TOPUP-20", "STARTER-KIT", "PRE-ORDER-DRONE"


def load_showcase(client: ApiClient, *, admin_token: str, clock: datetime) -> dict[str, Any]:
    def call(method: str, path: str, json: Any = None, **kw: Any) -> Any:
        return client.request(method, path, token=admin_token, clock=clock, json=json, **kw)

    products = call("GET", "/v1/admin/products", params={"limit": 100})["items"]
    if any(s["code"] == TOPUP_CODE for p in products for s in p["skus"]):
        return {}
    # by name: ids are random, and the demo must pick the same products for the same seed
    plain = sorted((p for p in products if p["skus"] and p["skus"][0]["kind"] == "standard"),
                   key=lambda p: (p["name"], p["skus"][0]["code"]))
    for region, rate in SHIPPING:
        call("PUT", f"/v1/admin/shipping-rates/{region}/USD", json=rate)
    for region, bp in TAX_BP.items():
        call("PUT", f"/v1/admin/tax-rates/{region}", json={"rate_bp": bp})
    warehouses = {code: call("POST", "/v1/admin/warehouses", json={
        "code": code, "name": name, "regions": regions, "priority": prio})["id"]
        for code, name, regions, prio in WAREHOUSES}
    # the first products are stocked in the regional hubs too, so orders split by region
    for i, p in enumerate(plain[:12]):
        call("POST", "/v1/admin/stock/receipts", json={
            "sku_id": p["skus"][0]["id"], "warehouse_id": warehouses[("north", "south")[i % 2]],
            "quantity": 40})
        # close to what is left, so a few sales raise low-stock alerts in the demo
        call("PUT", f"/v1/admin/stock/{p['skus'][0]['id']}/default/safety-stock",
             json={"safety_stock": max(p["skus"][0]["available"] - 2, 1)})
    for p, labels in zip(plain[:8], (["new"], ["hot"], ["eco"], ["clearance"], ["new", "eco"],
                                      ["hot"], ["new"], ["clearance"]), strict=False):
        call("PUT", f"/v1/admin/products/{p['id']}/labels", json={"labels": labels})
    category = plain[0]["category_id"]
    kit = call("POST", "/v1/admin/products", json={
        "category_id": category, "name": "Starter Kit", "status": "listed", "labels": ["hot"],
        "description": f"{plain[0]['name']} with two {plain[1]['name']}.",
        "skus": [{"code": BUNDLE_CODE, "price_cents": 9900, "kind": "bundle", "components": [
            {"sku_id": plain[0]["skus"][0]["id"], "quantity": 1},
            {"sku_id": plain[1]["skus"][0]["id"], "quantity": 2}]}]})
    topup = call("POST", "/v1/admin/products", json={
        "category_id": category, "name": "Mobile Top-Up 20", "status": "listed",
        "description": "Credit for any prepaid phone, delivered at once.",
        "skus": [{"code": TOPUP_CODE, "price_cents": 2000, "kind": "virtual"}]})
    presale = call("POST", "/v1/admin/products", json={
        "category_id": category, "name": "Skyline Mini Drone", "status": "listed",
        "labels": ["new"], "description": "Ships from the launch date; order now.",
        "skus": [{"code": PRESALE_CODE, "price_cents": 24900, "kind": "presale",
                  "presale": {"quota": 25,
                              "ship_from_date": (clock + timedelta(days=3)).date().isoformat()}}]})
    draft = call("POST", "/v1/admin/products", json={
        "category_id": category, "name": "Trail Lantern (in review)", "spec": {
            "colour": ["Amber", "Moss"], "size": ["S", "L"]},
        "sku_template": {"code_prefix": "LANTERN", "price_cents": 3900, "stock": 50}})
    call("POST", f"/v1/admin/products/{draft['id']}/transitions", json={"action": "submit"})
    call("POST", f"/v1/admin/products/{plain[-1]['id']}/transitions",
         json={"action": "delist", "reason": "supplier recall"})
    return {"warehouses": len(warehouses), "bundle": kit["skus"][0]["id"],
            "virtual": topup["skus"][0]["id"], "presale": presale["skus"][0]["id"]}
