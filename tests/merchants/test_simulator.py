"""The simulator's merchants arrive through the API: active, owned, selling."""

from __future__ import annotations

from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.merchants import onboard_merchants


def test_onboarded_merchants_are_active_and_sell(api, admin):
    with ApiClient(api.url) as client:
        made = onboard_merchants(client, admin_token=api.admin_token(), count=2,
                                 products_each=2, seed=7)
    assert len({m["merchant_id"] for m in made}) == 2
    for m in made:
        state = admin.get(f"/v1/admin/merchants/{m['merchant_id']}/lifecycle").json()
        assert state["status"] == "active" and state["deposit_paid_cents"] > 0
        products = admin.get("/v1/admin/products",
                             params={"merchant_id": m["merchant_id"]}).json()
        assert len(m["product_ids"]) == 2
        assert products["total"] >= 2 or len(products.get("items", [])) >= 2
