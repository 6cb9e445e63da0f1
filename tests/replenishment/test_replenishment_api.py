"""The replenishment routes: published suggestions (empty, not a 500, when there are none or
Redis is unreachable) and the one call that turns a suggestion into a draft purchase order
through procurement, once however often or concurrently it is made."""

from __future__ import annotations

import json
import threading

import redis
from sqlalchemy import select

from pipelines.serve.reorder import publish_suggestions
from tests.conftest import create_product, free_port, register
from transactional_api.events.models import OutboxEvent
from transactional_api.replenishment import keys, service

SUGGESTIONS = "/v1/admin/replenishment/suggestions"


def _suggestion(sku: str, location: str = "default", quantity: int = 37) -> dict:
    return {"suggestion_id": f"2025-04-06:{sku}:{location}", "as_of": "2025-04-06",
            "sku_id": sku, "location_id": location, "supplier_id": None, "on_hand": 3,
            "on_order": 0, "mean_daily_demand": 4.2, "sigma_daily": 1.5,
            "lead_time_days": 5, "review_days": 7, "moq": 1, "service_level": 0.95,
            "safety_stock": 5.5, "reorder_point": 26.5, "quantity": quantity,
            "days_of_cover": 0.7, "forecast_model": "holt_winters"}


def _publish(api, *suggestions: dict) -> None:
    client = redis.Redis.from_url(api.settings.redis_url, decode_responses=True)
    publish_suggestions(client, {"as_of": "2025-04-06", "generated_at": None,
                                 "suggestions": list(suggestions)})
    client.close()


def _clear(api) -> None:
    client = redis.Redis.from_url(api.settings.redis_url)
    client.delete(keys.SUGGESTIONS)
    client.close()


def _supplier_with_contract(admin, sku: str, moq: int) -> str:
    r = admin.post("/v1/admin/suppliers", json={"name": "Acme Supply"})
    assert r.status_code == 201, r.text
    supplier = r.json()["id"]
    r = admin.put(f"/v1/admin/suppliers/{supplier}/contracts", json={
        "sku_id": sku, "purchase_price_cents": 250, "currency": "USD", "lead_time_days": 5,
        "moq": moq})
    assert r.status_code == 200, r.text
    return supplier


def test_nothing_published_is_an_empty_list_and_shoppers_are_refused(api, admin):
    _clear(api)
    r = admin.get(SUGGESTIONS)
    assert r.status_code == 200 and r.json()["items"] == []
    with api.client(register(api, "shopper-repl@example.com")) as shopper:
        assert shopper.get(SUGGESTIONS).status_code == 403
    r = admin.post(f"{SUGGESTIONS}/nope/default/purchase-order")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_suggestion"


def test_unreachable_redis_or_a_bad_value_is_an_empty_list(redis_server):
    dead = redis.Redis(port=free_port(), socket_connect_timeout=0.2)
    assert service.published(redis_client=dead).items == []
    assert service.published(redis_client=None).items == []
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.set(keys.SUGGESTIONS, "not json")
        assert service.published(redis_client=client).items == []
        client.set(keys.SUGGESTIONS, json.dumps({"as_of": "2025-04-06", "suggestions": [
            {"sku_id": "half"}, _suggestion("whole")]}))
        assert [s.sku_id for s in service.published(redis_client=client).items] == ["whole"]
    finally:
        client.delete(keys.SUGGESTIONS)
        client.close()


def test_one_call_makes_one_draft_purchase_order(api, admin):
    sku = create_product(admin, code="REPL-1", stock=3)["skus"][0]["id"]
    supplier = _supplier_with_contract(admin, sku, moq=48)
    _publish(api, _suggestion(sku, quantity=37))
    listed = admin.get(SUGGESTIONS).json()["items"]
    assert [(s["sku_id"], s["quantity"]) for s in listed] == [(sku, 37)]

    first = admin.post(f"{SUGGESTIONS}/{sku}/default/purchase-order")
    assert first.status_code == 201, first.text
    draft = first.json()
    assert (draft["supplier_id"], draft["quantity"]) == (supplier, 48)  # raised to the MOQ
    po = admin.get(f"/v1/admin/purchase-orders/{draft['purchase_order_id']}").json()
    assert (po["status"], po["source"], po["location_id"]) == ("draft", "replenishment",
                                                               "default")
    assert [(line["sku_id"], line["qty_ordered"]) for line in po["lines"]] == [(sku, 48)]

    again = admin.post(f"{SUGGESTIONS}/{sku}/default/purchase-order")
    assert again.status_code == 200 and again.json() == draft
    with api.sessions() as s:
        accepted = s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type == "reorder_suggestion_accepted")).all()
    assert [json.loads(r)["payload"]["purchase_order_id"] for r in accepted] == \
        [draft["purchase_order_id"]]
    _clear(api)


def test_concurrent_calls_make_one_draft(api, admin):
    sku = create_product(admin, code="REPL-2", stock=1)["skus"][0]["id"]
    supplier = _supplier_with_contract(admin, sku, moq=1)
    _publish(api, _suggestion(sku, quantity=12))
    token = api.admin_token()
    answers: list = []

    def call():
        with api.client(token) as c:
            answers.append(c.post(f"{SUGGESTIONS}/{sku}/default/purchase-order"))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 201]
    assert len({r.json()["purchase_order_id"] for r in answers}) == 1
    orders = admin.get("/v1/admin/purchase-orders", params={"supplier_id": supplier}).json()
    assert len([o for o in orders if o["supplier_id"] == supplier]) == 1
    _clear(api)


def test_a_sku_without_a_contract_cannot_be_ordered(api, admin):
    sku = create_product(admin, code="REPL-3")["skus"][0]["id"]
    _publish(api, _suggestion(sku))
    r = admin.post(f"{SUGGESTIONS}/{sku}/default/purchase-order")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_contract"
    with api.sessions() as s:
        assert s.scalar(select(OutboxEvent.id).where(
            OutboxEvent.event_type == "reorder_suggestion_accepted")) is None
    _clear(api)
