"""A hand-written story of cross-border orders for the Spark parity test: three orders to
GB over two days (one in EUR), one to DE; the OLTP holds no rows (the mart reads events)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.dbt import shop_story
from transactional_api.events.contract import to_record
from transactional_api.events.duty_events import OrderDutiesAssessed


def _order(oid: str, country: str, currency: str, goods: int, duty: int, tax: int,
           when: datetime) -> dict:
    return to_record(OrderDutiesAssessed(occurred_at=when, user_id="u-" + oid, payload={
        "order_id": oid, "origin_country": "US", "destination_country": country,
        "currency": currency, "goods_cents": goods, "duties_cents": duty,
        "import_tax_cents": tax, "lines": [{
            "sku_id": "s1", "category_id": None, "goods_cents": goods, "duty_cents": duty,
            "import_tax_cents": tax, "rate_id": "r1", "duty_bps": 400,
            "import_tax_bps": 2000, "de_minimis": False}]}))


def landings() -> list[list[dict]]:
    d1, d2 = datetime(2025, 6, 2, 10, tzinfo=UTC), datetime(2025, 6, 3, 23, 59, tzinfo=UTC)
    first = [_order("o1", "GB", "USD", 10000, 400, 2080, d1),
             _order("o2", "GB", "USD", 5000, 200, 1040, d1),
             _order("o3", "GB", "EUR", 3000, 120, 624, d1),
             _order("o4", "DE", "USD", 2000, 0, 380, d2)]
    return [first, [first[0]]]  # at-least-once delivery: o1 lands twice


# (order_date, destination, currency, orders, goods, duties, import tax), by hand
EXPECTED = [("2025-06-02", "GB", "EUR", 1, 3000, 120, 624),
            ("2025-06-02", "GB", "USD", 2, 15000, 600, 3120),
            ("2025-06-03", "DE", "USD", 1, 2000, 0, 380)]


def build_oltp(url: str) -> None:
    shop_story.build_oltp(url, with_rows=False)
