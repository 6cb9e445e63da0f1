"""The duty table's admin routes: finance only, and bad input is a 4xx that writes nothing."""

from __future__ import annotations

from tests.conftest import register
from tests.duties.helpers import rate, shop


def test_bad_rates_are_refused_and_change_nothing(api, admin):
    s = shop(admin)
    good = {"country": "GB", "category_id": None, "duty_bps": 400, "import_tax_bps": 2000,
            "de_minimis_cents": 0, "de_minimis_currency": "GBP"}
    cases = [({"country": "XX"}, "unknown_country"), ({"country": "gb"}, None),
             ({"category_id": "no-such-category"}, "unknown_category"),
             ({"duty_bps": -1}, None), ({"import_tax_bps": 10_001}, None),
             ({"duty_bps": "400"}, None), ({"de_minimis_cents": -5}, None),
             ({"de_minimis_currency": "pounds"}, None), ({"effective_from": "2026-01-01"},
                                                        None)]
    for bad, code in cases:
        r = admin.post("/v1/admin/duty-rates", json={**good, **bad})
        assert r.status_code == 422, (bad, r.text)
        if code:
            assert r.json()["error"]["code"] == code
    assert admin.get("/v1/admin/duty-rates").json() == []

    made = rate(admin, "GB", 400, 2000, category_id=s["books"],
                effective_from="2024-01-01T00:00:00Z")
    again = admin.post("/v1/admin/duty-rates", json={
        **good, "category_id": s["books"], "effective_from": "2024-01-01T00:00:00Z"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "rate_exists"
    r = admin.delete(f"/v1/admin/duty-rates/{made['id']}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "rate_in_force"
    assert admin.delete("/v1/admin/duty-rates/nope").status_code == 404
    assert [x["id"] for x in admin.get("/v1/admin/duty-rates").json()] == [made["id"]]


def test_only_finance_keeps_the_table(api, admin):
    shopper = api.client(register(api, "nosy@example.com"))
    body = {"country": "GB", "duty_bps": 1, "import_tax_bps": 1, "de_minimis_currency": "GBP"}
    assert api.client().post("/v1/admin/duty-rates", json=body).status_code == 401
    assert shopper.post("/v1/admin/duty-rates", json=body).status_code == 403
    assert shopper.get("/v1/admin/duty-rates").status_code == 403
