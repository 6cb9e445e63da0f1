"""Suppliers, contracts and purchase orders over the API: the state machine, partial
receipts with quality rejects into the stock ledger, payables on terms, and every refusal
a clear 4xx that changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, run_api
from tests.procurement.helpers import (
    WAREHOUSE,
    contract,
    on_hand,
    po,
    receive,
    sent_po,
    skus,
    supplier,
)
from transactional_api.procurement.service import units_on_order


@pytest.fixture
def quiet_api(tmp_path, redis_server):
    """No background consumers: the outbox holds only what the test's calls wrote."""
    yield from run_api(make_settings(
        tmp_path / "var", redis_server.url, procurement_interval_seconds=0,
        members_consumer_interval_seconds=0, reach_interval_seconds=0))


@pytest.fixture
def qadmin(quiet_api):
    with quiet_api.client(quiet_api.admin_token()) as c:
        yield c


def test_onboarding_contracts_and_the_cheapest_live_contract(quiet_api, qadmin):
    a = supplier(qadmin, "Alpha")
    b = supplier(qadmin, "Beta")
    assert qadmin.post("/v1/admin/suppliers", json={"name": "Alpha"}).status_code == 409
    (sku,) = skus(qadmin, "ONB", n=1)
    contract(qadmin, a["id"], sku, purchase_price_cents=900, lead_time_days=3, moq=10)
    contract(qadmin, b["id"], sku, purchase_price_cents=800, lead_time_days=9,
             supply_mode="consignment")
    # a contract is replaced, not duplicated
    contract(qadmin, a["id"], sku, purchase_price_cents=750, lead_time_days=3, moq=10)
    assert [c["purchase_price_cents"] for c in
            qadmin.get(f"/v1/admin/suppliers/{a['id']}/contracts").json()] == [750]

    from transactional_api.procurement.service import contract_for
    with quiet_api.sessions() as s:
        assert contract_for(session=s, sku_id=sku).supplier_id == a["id"]
    r = qadmin.patch(f"/v1/admin/suppliers/{a['id']}", json={"status": "suspended"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    with quiet_api.sessions() as s:
        # a suspended supplier's contract is no longer bought under
        assert contract_for(session=s, sku_id=sku).supplier_id == b["id"]
        assert contract_for(session=s, sku_id="no-such-sku") is None
    r = qadmin.post("/v1/admin/purchase-orders", json={
        "supplier_id": a["id"], "location_id": "default",
        "lines": [{"sku_id": sku, "quantity": 20}]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "supplier_suspended"

    actions = [(e["payload"]["name"], e["payload"]["action"])
               for e in outbox_events(quiet_api, "supplier_changed")]
    assert sorted(actions) == [("Alpha", "created"), ("Alpha", "suspended"),
                               ("Beta", "created")]
    changed = outbox_events(quiet_api, "supplier_contract_changed")
    assert len(changed) == 3 and {e["payload"]["supply_mode"] for e in changed} == {
        "stocked", "consignment"}


def test_a_draft_po_needs_contracts_and_the_moq(qadmin):
    s = supplier(qadmin, "Gamma")
    sku, other = skus(qadmin, "MOQ")
    contract(qadmin, s["id"], sku, moq=12)
    base = {"supplier_id": s["id"], "location_id": "default"}
    cases = {
        "below_moq": [{"sku_id": sku, "quantity": 11}],
        "no_contract": [{"sku_id": other, "quantity": 50}],
    }
    for code, lines in cases.items():
        r = qadmin.post("/v1/admin/purchase-orders", json={**base, "lines": lines})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    r = qadmin.post("/v1/admin/purchase-orders",
                    json={**base, "location_id": "nowhere",
                          "lines": [{"sku_id": sku, "quantity": 12}]})
    assert r.status_code == 404
    assert qadmin.get("/v1/admin/purchase-orders").json() == []
    order = po(qadmin, s["id"], {sku: 12})
    assert order["status"] == "draft" and order["amount_cents"] == 12 * 700
    assert order["payment_terms_days"] == 30 and order["lead_time_days"] == 5


def test_illegal_transitions_are_409_and_change_nothing(quiet_api, qadmin):
    s = supplier(qadmin, "Delta")
    (sku,) = skus(qadmin, "FSM", n=1)
    contract(qadmin, s["id"], sku)
    order = po(qadmin, s["id"], {sku: 5})
    url = f"/v1/admin/purchase-orders/{order['id']}"
    for to in ("sent", "closed"):  # a draft is neither sent nor closed
        r = qadmin.post(f"{url}/transitions", json={"to": to})
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_po_transition"
    r = receive(qadmin, order["id"], {sku: (1, 0)})  # a draft cannot be received
    assert r.status_code == 409 and r.json()["error"]["code"] == "po_not_receivable"
    assert qadmin.get(url).json() == order
    assert qadmin.post(f"{url}/transitions", json={"to": "received"}).status_code == 422
    assert qadmin.post(f"{url}/transitions", json={"to": "approved"}).json()["status"] == \
        "approved"
    cancelled = qadmin.post(f"{url}/transitions", json={"to": "cancelled"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    for to in ("approved", "sent", "cancelled", "closed"):
        assert qadmin.post(f"{url}/transitions", json={"to": to}).status_code == 409
    assert on_hand(qadmin, sku) == 0
    moves = [(e["payload"]["from_status"], e["payload"]["to_status"])
             for e in outbox_events(quiet_api, "purchase_order_changed")]
    assert moves == [(None, "draft"), ("draft", "approved"), ("approved", "cancelled")]


def test_partial_receipts_quality_rejects_stock_and_payables(quiet_api, qadmin):
    s, order, (a, b) = sent_po(qadmin, "RCV", quantities=(10, 4), unit_costs=(700, 250),
                               terms_days=45)
    assert order["status"] == "sent" and order["expected_at"]
    r = receive(qadmin, order["id"], {a: (6, 2), b: (0, 1)})
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["accepted_units"], first["rejected_units"]) == (6, 3)
    assert first["po_status"] == "partially_received"
    assert first["payable"]["amount_cents"] == 6 * 700
    due = datetime.fromisoformat(first["payable"]["due_at"])
    assert due - datetime.fromisoformat(first["received_at"]) == timedelta(days=45)
    assert (on_hand(qadmin, a), on_hand(qadmin, b)) == (6, 0)

    # over-receipt: a's open quantity is 4 (rejected units do not count as received)
    r = receive(qadmin, order["id"], {a: (5, 0), b: (4, 0)})
    assert r.status_code == 422 and r.json()["error"]["code"] == "over_receipt"
    assert r.json()["error"]["details"]["open"] == {a: 4}
    assert (on_hand(qadmin, a), on_hand(qadmin, b)) == (6, 0)
    assert receive(qadmin, order["id"], {"not-on-po": (1, 0)}).status_code == 422

    second = receive(qadmin, order["id"], {a: (4, 0), b: (4, 0)}).json()
    assert second["po_status"] == "received"
    assert second["payable"]["amount_cents"] == 4 * 700 + 4 * 250
    assert (on_hand(qadmin, a), on_hand(qadmin, b)) == (10, 4)
    lines = {x["sku_id"]: x for x in qadmin.get(
        f"/v1/admin/purchase-orders/{order['id']}").json()["lines"]}
    assert (lines[a]["qty_received"], lines[a]["qty_rejected"]) == (10, 2)
    assert (lines[b]["qty_received"], lines[b]["qty_rejected"]) == (4, 1)
    r = receive(qadmin, order["id"], {a: (1, 0)})
    assert r.status_code == 409  # a received order takes no more
    closed = qadmin.post(f"/v1/admin/purchase-orders/{order['id']}/transitions",
                         json={"to": "closed"}).json()
    assert closed["status"] == "closed"

    moved = [e["payload"] for e in outbox_events(quiet_api, "stock_moved")
             if e["payload"]["reason"] == "po_receipt"]
    assert sorted((m["sku_id"] == a, m["on_hand_delta"]) for m in moved) == [
        (False, 4), (True, 4), (True, 6)]
    receipts = [e["payload"] for e in outbox_events(quiet_api, "po_receipt_recorded")]
    assert sorted((x["accepted"], x["rejected"]) for x in receipts) == [(6, 3), (8, 0)]
    steps = [(e["payload"]["from_status"], e["payload"]["to_status"])
             for e in outbox_events(quiet_api, "purchase_order_changed")]
    assert steps[-3:] == [("sent", "partially_received"), ("partially_received", "received"),
                          ("received", "closed")]

    payables = qadmin.get("/v1/admin/procurement/payables",
                          params={"supplier_id": s["id"]}).json()
    assert sorted(p["amount_cents"] for p in payables) == [3800, 4200]
    pid = first["payable"]["id"]
    paid = qadmin.post(f"/v1/admin/procurement/payables/{pid}/pay")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    again = qadmin.post(f"/v1/admin/procurement/payables/{pid}/pay")
    assert again.status_code == 409 and again.json()["error"]["code"] == "payable_already_paid"
    assert qadmin.post("/v1/admin/procurement/payables/nope/pay").status_code == 404
    statuses = [e["payload"]["status"] for e in outbox_events(quiet_api,
                                                               "supplier_payable_changed")
                if e["payload"]["payable_id"] == pid]
    assert statuses == ["open", "paid"]


def test_a_receipt_of_only_rejects_moves_no_stock_and_owes_nothing(qadmin):
    _, order, (a,) = sent_po(qadmin, "REJ", quantities=(3,), unit_costs=(500,))
    r = receive(qadmin, order["id"], {a: (0, 3)})
    assert r.status_code == 201 and r.json()["payable"] is None
    assert r.json()["po_status"] == "sent" and on_hand(qadmin, a) == 0
    assert receive(qadmin, order["id"], {a: (0, 0)}).status_code == 422
    assert qadmin.get("/v1/admin/procurement/payables").json() == []


def test_short_delivered_order_may_be_closed(qadmin):
    _, order, (a,) = sent_po(qadmin, "SHORT", quantities=(8,), unit_costs=(100,))
    assert receive(qadmin, order["id"], {a: (5, 0)}).status_code == 201
    r = qadmin.post(f"/v1/admin/purchase-orders/{order['id']}/transitions",
                    json={"to": "cancelled"})
    assert r.status_code == 409  # goods arrived: close it instead
    r = qadmin.post(f"/v1/admin/purchase-orders/{order['id']}/transitions",
                    json={"to": "closed"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert receive(qadmin, order["id"], {a: (3, 0)}).status_code == 409


def test_units_on_order_follow_the_open_purchase_orders(quiet_api, qadmin):
    def on_order(sku_id: str) -> int:
        with quiet_api.sessions() as s:
            return units_on_order(session=s, sku_id=sku_id, location_id=WAREHOUSE)

    s, order, (a, b) = sent_po(qadmin, "ONO", quantities=(10, 4))
    draft = po(qadmin, s["id"], {a: 3})  # a draft counts: it is about to be bought
    assert (on_order(a), on_order(b)) == (13, 4)
    assert receive(qadmin, order["id"], {a: (6, 1)}).status_code == 201
    assert on_order(a) == 7  # 10 - 6 accepted (the reject is still owed) + the draft's 3
    cancel = qadmin.post(f"/v1/admin/purchase-orders/{draft['id']}/transitions",
                         json={"to": "cancelled"})
    assert cancel.status_code == 200, cancel.text
    closed = qadmin.post(f"/v1/admin/purchase-orders/{order['id']}/transitions",
                         json={"to": "closed"})
    assert closed.status_code == 200, closed.text
    assert (on_order(a), on_order(b)) == (0, 0)
    with quiet_api.sessions() as s:  # another location has nothing on order
        assert units_on_order(session=s, sku_id=a, location_id="elsewhere") == 0
