"""fct_landing_page_performance and fct_slot_performance built by dbt from the events the
real API relayed (landing_story.py), checked against the OLTP's orders."""

from __future__ import annotations

import duckdb
import pytest
from sqlalchemy import bindparam, create_engine, text

from tests.landing import landing_story
from tests.warehouse import engines

SELECT = ("+fct_landing_page_performance", "+fct_slot_performance")


@pytest.fixture
def built(api, admin):
    story = landing_story.play(api, admin)
    engines.ingest(api.settings)
    path = engines.build(api.settings, "--select", *SELECT, *engines.CAUTIOUS)
    return story, path


def _totals(api, order_ids: list[str]) -> int:
    engine = create_engine(api.settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT sum(total_cents + points_discount_cents) FROM orders "
                "WHERE paid_at IS NOT NULL AND id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": order_ids}).scalar()
    finally:
        engine.dispose()


def test_pages_and_slots_are_credited_with_the_paid_orders_of_their_sessions(api, built):
    story, path = built
    # A and D paid after viewing the page in their session; B never paid; C never viewed
    page_revenue = _totals(api, [story.orders["A"], story.orders["D"]])
    slot_revenue = _totals(api, [story.orders["A"]])
    assert page_revenue > slot_revenue > 0
    with duckdb.connect(str(path), read_only=True) as conn:
        pages = conn.execute(
            "select page_id, page_slug, views, unique_viewers, sessions, attributed_orders, "
            "attributed_revenue_cents, currency from marts.fct_landing_page_performance"
        ).fetchall()
        slots = conn.execute(
            "select slot, creative_id, impressions, clicks, ctr, attributed_orders, "
            "attributed_revenue_cents from marts.fct_slot_performance").fetchall()
    assert pages == [(story.page_id, story.slug, 4, 3, 3, 2, page_revenue, "USD")]
    assert slots == [("home_banner", story.creative_id, 2, 1, 0.5, 1, slot_revenue)]
