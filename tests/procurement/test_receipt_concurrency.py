"""Receipts racing for a purchase order's last open units: exactly enough land, the rest
are 422 over_receipt, and stock, lines, receipts and payables agree (SQLite and
PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings, run_api
from tests.procurement.helpers import on_hand, sent_po
from transactional_api.procurement.models import Payable, PurchaseOrderLine, Receipt


def _race(api, admin, code: str) -> None:
    _, order, (sku,) = sent_po(admin, code, quantities=(10,), unit_costs=(300,))
    token = api.admin_token()

    def one(_):
        with api.client(token) as c:
            r = c.post(f"/v1/admin/purchase-orders/{order['id']}/receipts",
                       json={"lines": [{"sku_id": sku, "accepted": 3}]})
            return r.status_code, r.json().get("error", {}).get("code")

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, range(8)))
    # 10 open units, 3 per receipt: three land; the fourth would be 12 > 10
    assert sorted(o[0] for o in outcomes) == [201] * 3 + [422] * 5, outcomes
    assert {o[1] for o in outcomes if o[0] == 422} == {"over_receipt"}
    assert on_hand(admin, sku) == 9
    with api.sessions() as s:
        assert s.scalar(select(PurchaseOrderLine.qty_received).where(
            PurchaseOrderLine.po_id == order["id"])) == 9
        assert s.scalar(select(func.count()).select_from(Receipt).where(
            Receipt.po_id == order["id"])) == 3
        assert s.scalar(select(func.sum(Payable.amount_cents)).where(
            Payable.po_id == order["id"])) == 9 * 300
    last = admin.post(f"/v1/admin/purchase-orders/{order['id']}/receipts",
                      json={"lines": [{"sku_id": sku, "accepted": 1}]})
    assert last.status_code == 201 and last.json()["po_status"] == "received"


def test_concurrent_receipts_cannot_over_receive_on_sqlite(api, admin):
    _race(api, admin, "RACE-SQLITE")


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db,
                                     procurement_interval_seconds=0))


def test_concurrent_receipts_cannot_over_receive_on_postgresql(pg_api):
    with pg_api.client(pg_api.admin_token()) as admin:
        _race(pg_api, admin, "RACE-PG")
