"""fct_cross_border_orders built from the events the API itself wrote for real orders,
checked against the OLTP's orders; and on the hand story, every figure by hand."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import duckdb
from sqlalchemy import select

from tests.conftest import register
from tests.dbt import mart_builds
from tests.duties import cross_border_story as story
from tests.duties.helpers import DE, GB, US, address, items, rate, shop
from transactional_api.events.models import OutboxEvent
from transactional_api.orders.models import Order

QUERY = ("select cast(order_date as varchar), destination_country, currency, orders, "
         "goods_cents, duties_cents, import_tax_cents from marts.fct_cross_border_orders "
         "order by 1, 2, 3")


def _build(landings: list[list[dict]]) -> list[tuple]:
    work = Path(tempfile.mkdtemp(prefix="cross-border-"))
    try:
        mart_builds.load(work, story.build_oltp, landings)
        result = mart_builds.dbt(work, "build",
                                 *mart_builds.selected("+fct_cross_border_orders"))
        assert result.returncode == 0, result.stdout[-6000:]
        with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
            return conn.execute(QUERY).fetchall()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_mart_matches_the_orders_the_api_placed(api, admin):
    s = shop(admin)
    rate(admin, "GB", 400, 2000)
    rate(admin, "GB", 1000, 2000, category_id=s["electronics"])
    rate(admin, "DE", 500, 1900, de_minimis=15_000)
    c = api.client(register(api, "mart@example.com"))
    gb, de, us = address(c, GB), address(c, DE), address(c, US)
    for where, cart in ((gb, {s["phone"]: 1, s["book"]: 2}), (gb, {s["book"]: 3}),
                        (de, {s["book"]: 1}), (us, {s["phone"]: 1})):
        r = c.post("/v1/orders", json={"items": items(**cart), "address_id": where})
        assert r.status_code == 201, r.text
    with api.sessions() as db:
        records = [json.loads(r) for r in db.scalars(select(OutboxEvent.record))]
        expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for o in db.scalars(select(Order)):
            country = o.ship_to["country"]
            if country == "US":
                continue
            row = expected[(o.created_at.date().isoformat(), country, o.currency)]
            goods = sum(i.line_total_cents for i in o.items)
            for k, v in enumerate((1, goods, o.duties_cents, o.import_tax_cents)):
                row[k] += v
    assert sum(v[2] for v in expected.values()) > 0  # duties were charged
    assert _build([records]) == [(*k, *v) for k, v in sorted(expected.items())]


def test_the_hand_story_by_hand():
    assert _build(story.landings()) == story.EXPECTED
