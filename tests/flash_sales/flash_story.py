"""A flash sale run through the live API for the mart tests: three shoppers win the three
units, two pay, one cancels (the unit goes back to the pool and a fourth shopper wins and
pays it), and the sale ends. Returns what the OLTP says happened."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.api.catalog_helpers import pay
from tests.flash_sales.conftest import drain, flash_pass, product, reserve, schedule, shopper, tick
from transactional_api.events import lake, relay
from transactional_api.orders.models import Order, OrderItem


def run(api) -> dict:
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin, stock=10, price=1000)
        sale = schedule(admin, sku, quantity=3, price=700, limit=1)
    buyers = [shopper(api) for _ in range(4)]
    won = {}
    for token in buyers[:3]:
        r = reserve(api, sale["id"], flash_pass(api, token, sale["id"]))
        assert r.status_code == 201, r.text
        won[token] = r.json()["status_url"]
    late = flash_pass(api, buyers[3], sale["id"])
    assert reserve(api, sale["id"], late).status_code == 409  # sold out
    drain(api)
    orders = {}
    for token, url in won.items():
        with api.client(token) as c:
            orders[token] = c.get(url).json()["order_id"]
    first, second, third = buyers[:3]
    for token in (first, second):
        with api.client(token) as c:
            assert pay(c, orders[token])["status"] == "paid"
    with api.client(third) as c:
        assert c.post(f"/v1/orders/{orders[third]}/cancel").status_code == 200
    tick(api)  # the cancelled unit goes back to the pool
    r = reserve(api, sale["id"], late)
    assert r.status_code == 201, r.text
    drain(api)
    with api.client(buyers[3]) as c:
        assert pay(c, c.get(r.json()["status_url"]).json()["order_id"])["status"] == "paid"
    with api.client(api.admin_token()) as admin:
        ended = admin.post(f"/v1/admin/flash-sales/{sale['id']}/end").json()
    with api.sessions() as s:
        paid = s.execute(select(OrderItem.quantity, OrderItem.unit_price_cents).join(
            Order, Order.id == OrderItem.order_id).where(
            Order.idempotency_key.like("flash-%"), Order.status == "paid")).all()
    relay.relay_once(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                     redis_client=None, stream=api.settings.redis_stream, stream_maxlen=1000)
    return {"sale": ended, "paid_units": sum(q for q, _ in paid),
            "discount_cents": sum(q * (1000 - p) for q, p in paid),
            "revenue_cents": sum(q * p for q, p in paid)}


def landed(api) -> list[dict]:
    rows = []
    for path in lake.landed_files(api.settings.resolved_lake_dir):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    return rows
