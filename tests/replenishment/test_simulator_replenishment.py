"""The demo's step after its pipeline run: one suggestion with a supplier becomes a draft
purchase order; with nothing published, nothing happens."""

from __future__ import annotations

from tests.conftest import create_product
from tests.replenishment.test_replenishment_api import (
    _clear,
    _publish,
    _suggestion,
    _supplier_with_contract,
)
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.replenishment import accept_one_suggestion


def test_accepts_the_orderable_suggestion_once_published(api, admin):
    token = api.admin_token()
    _clear(api)
    with ApiClient(api.url) as client:
        assert accept_one_suggestion(client, admin_token=token).purchase_order_id is None
        sku = create_product(admin, code="SIM-R")["skus"][0]["id"]
        other = create_product(admin, code="SIM-NOC")["skus"][0]["id"]
        _supplier_with_contract(admin, sku, moq=5)
        with_supplier = {**_suggestion(sku, quantity=9), "supplier_id": "s", "days_of_cover": 3}
        _publish(api, {**_suggestion(other), "days_of_cover": 1}, with_supplier)
        done = accept_one_suggestion(client, admin_token=token)
    assert (done.suggestions, done.sku_id, done.quantity) == (2, sku, 9)
    po = admin.get(f"/v1/admin/purchase-orders/{done.purchase_order_id}").json()
    assert po["status"] == "draft"
    _clear(api)
