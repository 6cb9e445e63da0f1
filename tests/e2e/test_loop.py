"""The whole loop: shoppers through the real API -> outbox -> lake -> Dagster (dbt, model,
publish) -> Redis -> the API serves recommendations and tags back."""

from __future__ import annotations

import json

import duckdb
import pytest
import redis
from sqlalchemy import create_engine, text

from pipelines.run import main as run_pipelines
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, register, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.events import relay
from transactional_api.recommendations import keys
from transactional_api.simulator.run import simulate

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def loop(tmp_path_factory, redis_server):
    var = tmp_path_factory.mktemp("loop") / "var"
    settings = make_settings(var, redis_server.url, simulated_clock=True)
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    mp = pytest.MonkeyPatch()
    for name, value in {"FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_URL": redis_server.url,
                        "FLYWHEEL_DATABASE_URL": settings.resolved_database_url}.items():
        mp.setenv(name, value)
    for api in run_api(settings):
        summary = simulate(api.url, shoppers=25, days=3, seed=seed_with_paid_order(25, 3),
                           admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD,
                           progress=False)
        landed = relay.drain(sessions=api.sessions, lake_dir=settings.resolved_lake_dir,
                             redis_client=client, stream=settings.redis_stream,
                             stream_maxlen=10_000)
        assert run_pipelines([]) == 0
        yield api, settings, summary, landed, client
    mp.undo()


def _warehouse(settings):
    return duckdb.connect(str(settings.published_warehouse_path), read_only=True)


def test_marts_agree_with_the_oltp(loop):
    api, settings, summary, landed, _ = loop
    assert summary.orders > 0 and landed >= summary.events_accepted
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        oltp_paid, oltp_gmv = conn.execute(text(
            # GMV: the orders' value before points, which are a means of payment
            "SELECT count(*), coalesce(sum(total_cents + points_discount_cents), 0) "
            "FROM orders WHERE paid_at IS NOT NULL")).one()
        oltp_orders = conn.execute(text("SELECT count(*) FROM orders")).scalar()
    engine.dispose()
    assert oltp_paid > 0
    with _warehouse(settings) as wh:
        mart_paid, mart_gmv = wh.execute(
            "SELECT count(*), coalesce(sum(gmv_cents), 0) FROM marts.fct_orders "
            "WHERE is_paid").fetchone()
        kpi_paid, kpi_gmv = wh.execute(
            "SELECT sum(paid_orders), sum(gmv_cents) FROM marts.fct_daily_kpis").fetchone()
        mart_orders = wh.execute("SELECT count(*) FROM marts.fct_orders").fetchone()[0]
    assert (mart_paid, mart_gmv) == (oltp_paid, oltp_gmv)
    assert (kpi_paid, kpi_gmv) == (oltp_paid, oltp_gmv)
    assert mart_orders == oltp_orders


def test_every_landed_event_reaches_the_warehouse_once(loop):
    _, settings, _, _, _ = loop
    with _warehouse(settings) as wh:
        raw, distinct = wh.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM raw.events").fetchone()
        paid_events = wh.execute(
            "SELECT count(DISTINCT event_id) FROM raw.events WHERE event_type = 'order_paid'"
        ).fetchone()[0]
        paid_orders = wh.execute("SELECT count(*) FROM marts.fct_orders WHERE is_paid"
                                 ).fetchone()[0]
    assert raw == distinct > 0
    assert paid_events == paid_orders


def test_funnel_steps_never_increase(loop):
    _, settings, _, _, _ = loop
    with _warehouse(settings) as wh:
        rows = wh.execute("SELECT session_date, step_order, sessions FROM marts.fct_funnel_daily "
                          "ORDER BY session_date, step_order").fetchall()
        totals = wh.execute("SELECT step_order, sum(sessions) FROM marts.fct_funnel_daily "
                            "GROUP BY 1 ORDER BY 1").fetchall()
    assert rows
    by_day: dict = {}
    for day, _, sessions in rows:
        by_day.setdefault(day, []).append(sessions)
    for counts in by_day.values():
        assert counts == sorted(counts, reverse=True)
    assert [s for _, s in totals][-1] > 0  # somebody paid, inside a tracked session


def test_api_serves_what_the_pipelines_published(loop):
    api, settings, _, _, client = loop
    popular = json.loads(client.get(keys.POPULAR))
    assert popular
    with _warehouse(settings) as wh:
        viewed = wh.execute("SELECT product_id FROM marts.fct_product_interactions "
                            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    with api.client() as c:
        by_item = c.get("/v1/recommendations", params={"product_id": viewed, "limit": 5}).json()
        assert by_item["source"] == "item"
        published = [p for p, _ in json.loads(client.get(keys.item_recos(viewed)))]
        assert [i["product_id"] for i in by_item["items"]] == published[:5]
    with api.client(register(api, "never-seen@example.com")) as c:
        cold = c.get("/v1/recommendations").json()
        assert cold["source"] == "popular"
        assert [[i["product_id"], i["score"]] for i in cold["items"]] == popular[:10]
    with _warehouse(settings) as wh:
        buyer, segment = wh.execute(
            "SELECT user_id, rfm_segment FROM marts.dim_user_tags LIMIT 1").fetchone()
    assert client.hget(keys.user_tags(buyer), "rfm_segment").decode() == segment


def test_guest_carts_merge_at_checkout(loop):
    _, settings, _, _, _ = loop
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        merged = conn.execute(text(
            "SELECT count(*) FROM carts WHERE user_id IS NULL AND status = 'merged'")).scalar()
        leftover = conn.execute(text(
            "SELECT count(*) FROM cart_items JOIN carts ON carts.id = cart_items.cart_id "
            "WHERE carts.status = 'merged'")).scalar()
    engine.dispose()
    assert merged > 0  # shoppers carted as guests, then signed in to check out
    assert leftover == 0  # a merged guest cart keeps nothing behind
