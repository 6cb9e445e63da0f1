"""A points-mall day produced by the real API: redemptions of a points-only and a
points-plus-cash item, one cancelled and given back, one refused; then the outbox becomes
the warehouse's landing and the API's SQLite file its OLTP snapshot."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import select

from tests.points_mall.mall_helpers import goods_item, redeem, shopper, sku, start_api
from transactional_api.events.models import OutboxEvent


def produce(tmp_path: Path, redis_url: str) -> tuple[Path, list[dict], dict[str, str]]:
    """(a copy of the OLTP file, the outbox's records, item ids by name)."""
    for api in start_api(tmp_path, redis_url):
        with api.client(api.admin_token()) as admin:
            free = goods_item(admin, sku(admin), points_price=500, stock=3, per_user_limit=2)
            mixed = goods_item(admin, sku(admin, price_cents=4000), points_price=250,
                               cash_cents=800, stock=5, per_user_limit=5)
            a, _ = shopper(api, points=2000)
            b, _ = shopper(api, points=600)
            assert redeem(a, free["id"], quantity=2).status_code == 201
            assert redeem(b, free["id"], quantity=1).status_code == 201
            assert redeem(b, free["id"]).status_code == 409  # out of mall stock
            kept = redeem(a, mixed["id"], quantity=2).json()
            undone = redeem(a, mixed["id"]).json()
            assert kept["order_id"] and undone["order_id"]
            assert a.post(f"/v1/orders/{undone['order_id']}/cancel").status_code == 200
            assert admin.post("/v1/admin/points-mall/give-backs/run").json()["given_back"] == 1
        with api.sessions() as s:
            records = [json.loads(r) for r in s.scalars(
                select(OutboxEvent.record).order_by(OutboxEvent.id))]
        source = Path(api.app.state.sessions.kw["bind"].url.database)
        copy = tmp_path / "oltp-copy.sqlite3"
        # the backup API: a plain file copy would miss what is still in the WAL
        with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
    return copy, records, {"free": free["id"], "mixed": mixed["id"]}
