"""Settlement routes: finance-only commission rates and reconciliation; merchant routes
refuse callers who are not a merchant's finance staff."""

from __future__ import annotations

from tests.conftest import register


def test_commission_rates_and_reconciliation(api, admin):
    body = {"merchant_id": "m-1", "category_id": None, "rate_bps": 800, "fee_fixed_cents": 30}
    put = admin.put("/v1/admin/commission-rates", json=body)
    assert put.status_code == 200, put.text
    again = admin.put("/v1/admin/commission-rates", json={**body, "rate_bps": 900})
    assert again.json()["id"] == put.json()["id"] and again.json()["rate_bps"] == 900
    assert admin.put("/v1/admin/commission-rates",
                     json={**body, "rate_bps": 10_001}).status_code == 422
    rates = admin.get("/v1/admin/commission-rates").json()
    assert [(r["merchant_id"], r["rate_bps"]) for r in rates] == [("m-1", 900)]
    rec = admin.get("/v1/admin/settlement/reconciliation")
    assert rec.status_code == 200 and rec.json()["ok"] is True


def test_the_routes_refuse_the_wrong_callers(api):
    token = register(api, "settle-shopper@example.test")
    with api.client(token) as shopper:
        for path in ("/v1/admin/commission-rates", "/v1/admin/settlement/reconciliation",
                     "/v1/merchant/statements", "/v1/merchant/balance",
                     "/v1/merchant/statements/x"):
            assert shopper.get(path).status_code == 403, path
