"""dbt build over the shop story (tests/dbt/shop_story.py): metric definitions hold."""

from datetime import date, datetime, timedelta

import duckdb
import pytest

from tests.dbt.order_flow_spec import ORDER_FLOW_MARTS
from tests.dbt.shop_story import (
    ADMIN,
    PAID_ORDERS,
    REFUNDS_DUE,
    STOCK_ALERTS,
    T0,
    story_events,
)
from transactional_api.events.contract import ALL_EVENTS

# The mart columns other packages rely on, as the shared spec fixes them.
SPEC_MARTS = {
    "fct_orders": ["order_id", "user_id", "status", "currency", "subtotal_cents",
                   "discount_cents", "total_cents", "item_count", "created_at", "paid_at",
                   "cancelled_at", "shipped_at", "completed_at", "order_date", "is_paid",
                   "utm_source", "utm_medium", "utm_campaign", "points_spent",
                   "points_discount_cents", "gmv_cents"],
    "fct_order_items": ["order_item_id", "order_id", "user_id", "sku_id", "product_id",
                        "product_name", "quantity", "unit_price_cents", "line_total_cents",
                        "created_at", "is_paid"],
    "dim_users": ["user_id", "role", "created_at", "first_order_at", "last_order_at",
                  "paid_orders", "lifetime_value_cents"],
    "dim_products": ["product_id", "product_name", "category_id", "category_name",
                     "min_price_cents", "max_price_cents", "sku_count", "created_at",
                     "category_path", "merchant_id", "merchant_name", "brand_id",
                     "brand_name", "product_status", "product_kind", "labels", "sold_count",
                     "listed_at", "updated_at"],
    "dim_skus": ["sku_id", "product_id", "product_name", "sku_code", "sku_name", "sku_kind",
                 "price_cents", "currency", "weight_grams", "length_cm", "width_cm",
                 "height_cm", "ship_from_date", "presale_quota", "presale_taken",
                 "bundle_components", "created_at"],
    "dim_warehouses": ["warehouse_id", "warehouse_code", "warehouse_name", "warehouse_kind",
                       "regions", "priority", "is_active", "created_at"],
    "fct_daily_stock_positions": ["position_date", "sku_id", "warehouse_id", "product_id",
                                  "on_hand", "reserved", "sellable", "units_in", "units_out",
                                  "units_deducted", "units_reserved", "units_released",
                                  "units_expired", "movements"],
    "fct_stock_alerts": ["alert_id", "alerted_at", "alert_date", "sku_id", "sku_code",
                         "sku_name", "product_id", "product_name", "warehouse_id",
                         "warehouse_name", "sellable_units", "safety_stock", "is_latest",
                         "current_on_hand", "current_reserved", "current_sellable",
                         "current_safety_stock", "is_still_low"],
    "fct_daily_searches": ["search_date", "search_query", "search_source", "searches",
                           "zero_result_searches", "avg_results_count"],
    "fct_daily_kpis": ["kpi_date", "gmv_cents", "paid_orders", "aov_cents", "buyers",
                       "sessions", "converted_sessions", "conversion_rate", "refunds_due",
                       "refunds_due_cents", "refunded_cents", "cancelled_after_payment_cents",
                       "net_revenue_cents", "points_paid_cents", "paid_revenue_cents"],
    "fct_sessions": ["session_key", "visitor_key", "user_id", "session_start_at",
                     "session_end_at", "session_date", "utm_source", "utm_medium",
                     "utm_campaign", "device", "events", "reached_product_view",
                     "reached_add_to_cart", "reached_checkout_started",
                     "reached_order_created", "reached_order_paid",
                     "stitched_user_id", "person_key", "person_session_number", "visitor_type",
                     "is_engaged", "duration_seconds", "page_views", "has_conversion",
                     "landing_page", "referrer_host", "traffic_source", "traffic_medium",
                     "traffic_campaign", "channel", "last_touch_source", "last_touch_medium",
                     "last_touch_campaign", "last_touch_channel", "product_view_at",
                     "add_to_cart_at", "checkout_started_at", "order_created_at",
                     "order_paid_at"],
    "fct_funnel_daily": ["session_date", "step_order", "step", "sessions"],
    "fct_product_interactions": ["interaction_id", "visitor_key", "user_id", "session_key",
                                 "product_id", "interaction_type", "weight", "occurred_at",
                                 "session_date"],
    "dim_user_tags": ["user_id", "recency_days", "frequency", "monetary_cents", "r_score",
                      "f_score", "m_score", "rfm_segment"],
    **ORDER_FLOW_MARTS,
}


def _columns(conn, schema: str, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()]


@pytest.mark.parametrize("mart", sorted(SPEC_MARTS))
def test_marts_have_exactly_the_spec_columns(story_warehouse, mart):
    assert _columns(story_warehouse, "marts", mart) == SPEC_MARTS[mart]


def test_schemas_are_exactly_staging_intermediate_marts(story_warehouse):
    schemas = {r[0] for r in story_warehouse.execute(
        "SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
    assert {"raw", "oltp", "staging", "intermediate", "marts"} <= schemas
    assert not {s for s in schemas if s.startswith("main_")}


def test_sessions_split_after_more_than_30_minutes(story_warehouse):
    per_visitor = dict(story_warehouse.execute(
        "SELECT visitor_key, count(*) FROM marts.fct_sessions GROUP BY 1").fetchall())
    assert per_visitor["a2"] == 2  # two page views 31 minutes apart
    assert per_visitor["a3"] == 1  # two page views 29 minutes apart
    assert per_visitor["a1"] == 1  # the whole purchase within 13 minutes


def test_cumulative_funnel_flags(story_warehouse):
    flags = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT visitor_key, reached_product_view, reached_add_to_cart, "
        "reached_checkout_started, reached_order_created, reached_order_paid "
        "FROM marts.fct_sessions").fetchall()}
    assert flags["a1"] == (True, True, True, True, True)
    assert flags["a4"] == (True, True, False, False, False)
    # a5 added to cart without viewing: no step counts after a missing one
    assert flags["a5"] == (False, False, False, False, False)


def test_funnel_never_increases_and_matches_sessions(story_warehouse):
    rows = story_warehouse.execute(
        "SELECT session_date, step_order, sessions FROM marts.fct_funnel_daily "
        "ORDER BY session_date, step_order").fetchall()
    by_day: dict = {}
    for day, step, sessions in rows:
        by_day.setdefault(day, []).append((step, sessions))
    assert by_day
    for steps in by_day.values():
        assert [s for s, _ in steps] == [1, 2, 3, 4, 5]
        counts = [n for _, n in steps]
        assert counts == sorted(counts, reverse=True)
    assert by_day[T0.date()][4][1] == 1  # only a1 paid, on day one


def test_kpis_add_up_to_paid_orders(story_warehouse):
    kpi_gmv, kpi_orders = story_warehouse.execute(
        "SELECT sum(gmv_cents), sum(paid_orders) FROM marts.fct_daily_kpis").fetchone()
    paid_gmv, paid_count = story_warehouse.execute(
        "SELECT sum(total_cents), count(*) FROM marts.fct_orders WHERE is_paid").fetchone()
    assert (kpi_gmv, kpi_orders) == (paid_gmv, paid_count)
    assert paid_gmv == sum(total for _, total, _ in PAID_ORDERS.values())
    per_day = dict(story_warehouse.execute(
        "SELECT kpi_date, gmv_cents FROM marts.fct_daily_kpis").fetchall())
    expected: dict = {}
    for _, total, paid_at in PAID_ORDERS.values():  # GMV is dated by paid_at
        expected[paid_at.date()] = expected.get(paid_at.date(), 0) + total
    assert {d: g for d, g in per_day.items() if g} == expected


def test_conversion_rate_is_converted_over_sessions(story_warehouse):
    rows = story_warehouse.execute(
        "SELECT k.kpi_date, k.sessions, k.converted_sessions, k.conversion_rate, f.sessions "
        "FROM marts.fct_daily_kpis k LEFT JOIN marts.fct_funnel_daily f "
        "ON f.session_date = k.kpi_date AND f.step = 'order_paid'").fetchall()
    for _, sessions, converted, rate, paid_step in rows:
        assert converted == (paid_step or 0)
        assert rate == pytest.approx(converted / sessions if sessions else 0.0)


def test_staging_drops_duplicate_event_ids(story_warehouse):
    first, second = story_events()
    repeated = [e for e in second if e in first]
    assert len(repeated) == 3  # the story's redeliveries
    raw = story_warehouse.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    staged, distinct = story_warehouse.execute(
        "SELECT count(*), count(DISTINCT event_id) FROM staging.stg_flywheel__events"
    ).fetchone()
    assert raw == len(first) + len(second)
    assert staged == distinct == len({e["event_id"] for e in first + second})
    assert staged == raw - len(repeated)


def test_refunds_due_are_one_per_payment_dated_by_the_first_event(story_warehouse):
    rows = {r[1]: r for r in story_warehouse.execute(
        "SELECT order_id, payment_id, amount_cents, currency, reason, due_at, due_date "
        "FROM intermediate.int_refunds_due").fetchall()}
    # pay4 arrives three times (twice as one event_id, once re-emitted later): one row
    assert rows == {
        payment: (order, payment, amount, "USD", reason, due_at.replace(tzinfo=None),
                  due_at.date())
        for payment, (order, _, amount, reason, due_at) in REFUNDS_DUE.items()
    }
    types = dict(story_warehouse.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'intermediate' AND table_name = 'int_refunds_due'").fetchall())
    assert (types["amount_cents"], types["due_at"], types["due_date"]) == (
        "BIGINT", "TIMESTAMP", "DATE")


def test_kpis_count_refunds_due_on_the_day_they_fell_due(story_warehouse):
    expected: dict = {}  # day -> (refunds, cents), from the story's own inputs
    for _, _, amount, _, due_at in REFUNDS_DUE.values():
        count, cents = expected.get(due_at.date(), (0, 0))
        expected[due_at.date()] = (count + 1, cents + amount)
    rows = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT kpi_date, refunds_due, refunds_due_cents, gmv_cents, sessions "
        "FROM marts.fct_daily_kpis").fetchall()}
    assert {day: r[:2] for day, r in rows.items() if r[:2] != (0, 0)} == expected
    assert all(r[:2] == (0, 0) for day, r in rows.items() if day not in expected)
    # pay3's day has no payment and no session: only the refund brings that row
    pay3_day = REFUNDS_DUE["pay3"][4].date()
    assert rows[pay3_day] == (1, REFUNDS_DUE["pay3"][2], 0, 0)


def test_oltp_text_timestamps_become_timestamps(story_warehouse):
    paid_at, order_date = story_warehouse.execute(
        "SELECT paid_at, order_date FROM marts.fct_orders WHERE order_id = 'o1'").fetchone()
    assert paid_at == (T0 + timedelta(minutes=13)).replace(tzinfo=None)
    assert order_date == T0.date()


def test_interactions_weigh_views_carts_purchases(story_warehouse):
    rows = set(story_warehouse.execute(
        "SELECT visitor_key, product_id, interaction_type, weight "
        "FROM marts.fct_product_interactions").fetchall())
    assert ("a1", "p1", "view", 1) in rows
    assert ("a1", "p1", "cart", 3) in rows
    assert ("a1", "p1", "purchase", 5) in rows  # o1 was created and paid
    assert not any(r[2] == "purchase" and r[0] != "a1" for r in rows)


def test_rfm_tags_cover_paying_users_only(story_warehouse):
    tags = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT user_id, frequency, monetary_cents, r_score, f_score, m_score, rfm_segment "
        "FROM marts.dim_user_tags").fetchall()}
    paying = {user for user, _, _ in PAID_ORDERS.values()}
    assert set(tags) == paying
    for user in paying:
        totals = [t for u, t, _ in PAID_ORDERS.values() if u == user]
        assert tags[user][:2] == (len(totals), sum(totals))
        assert all(1 <= score <= 5 for score in tags[user][2:5])
    # u2 paid more often, more, and more recently than u1: the better score on each axis
    assert tags["u2"][2:5] > tags["u1"][2:5]
    assert all(a >= b for a, b in zip(tags["u2"][2:5], tags["u1"][2:5], strict=True))


def test_dbt_build_passes_on_an_empty_shop(empty_shop_build):
    result, warehouse = empty_shop_build
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for mart in SPEC_MARTS:
            assert conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] == 0


# --- catalog, stock and search (issue 7) ----------------------------------------------
DAY1, DAY2, DAY3 = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)
POSITION_COLUMNS = ("on_hand", "reserved", "sellable", "units_in", "units_out",
                    "units_deducted", "units_reserved", "units_released", "units_expired",
                    "movements")


def test_daily_stock_positions_follow_the_ledger(story_warehouse):
    rows = story_warehouse.execute(
        f"SELECT position_date, sku_id, warehouse_id, {', '.join(POSITION_COLUMNS)} "
        "FROM marts.fct_daily_stock_positions").fetchall()
    positions = {r[:3]: dict(zip(POSITION_COLUMNS, r[3:], strict=True)) for r in rows}
    # Worked out by hand from the story's ledger (shop_story.STOCK_MOVES).
    expected = {
        # receive 10, reserve 1 + 2, deduct 2 (paid), expire 1: 10 - 2 on hand, 3 - 2 - 1 held
        (DAY1, "s1", "default"): dict(on_hand=8, reserved=0, sellable=8, units_in=10,
                                      units_out=2, units_deducted=2, units_reserved=3,
                                      units_released=0, units_expired=1, movements=5),
        # nothing moves: yesterday's levels carry over, every flow is 0
        (DAY2, "s1", "default"): dict(on_hand=8, reserved=0, sellable=8, units_in=0,
                                      units_out=0, units_deducted=0, units_reserved=0,
                                      units_released=0, units_expired=0, movements=0),
        # reserve 4, receive 10
        (DAY3, "s1", "default"): dict(on_hand=18, reserved=4, sellable=14, units_in=10,
                                      units_out=0, units_deducted=0, units_reserved=4,
                                      units_released=0, units_expired=0, movements=2),
        # first movement of s2 at the north store: receive 5, write off 1, reserve 2
        (DAY2, "s2", "north"): dict(on_hand=4, reserved=2, sellable=2, units_in=5,
                                    units_out=1, units_deducted=0, units_reserved=2,
                                    units_released=0, units_expired=0, movements=3),
        # release 2, reserve 3
        (DAY3, "s2", "north"): dict(on_hand=4, reserved=3, sellable=1, units_in=0,
                                    units_out=0, units_deducted=0, units_reserved=3,
                                    units_released=2, units_expired=0, movements=2),
    }
    # Exactly these rows: no day before a location's first movement, none after the
    # warehouse's last day (DAY3), and the redelivered and re-emitted movements count once.
    assert positions == expected


def test_stock_positions_end_on_the_latest_event_day(story_warehouse):
    last_event_day = story_warehouse.execute(
        "SELECT max(occurred_at)::DATE FROM staging.stg_flywheel__events").fetchone()[0]
    assert last_event_day == DAY3  # pay3's refund, the story's last event
    latest = story_warehouse.execute(
        "SELECT sku_id, warehouse_id, max(position_date) FROM marts.fct_daily_stock_positions "
        "GROUP BY 1, 2").fetchall()
    assert {r[2] for r in latest} == {DAY3}


def test_stock_alerts_carry_names_and_the_level_now(story_warehouse):
    rows = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT alert_id, alerted_at, product_name, sku_code, warehouse_name, sellable_units, "
        "safety_stock, is_latest, current_sellable, is_still_low FROM marts.fct_stock_alerts"
    ).fetchall()}
    at = {alert: when.replace(tzinfo=None) for alert, (when, *_) in STOCK_ALERTS.items()}
    assert rows == {
        # s2 at the north store fell to 2 (safety 2) on DAY2, then to 1 on DAY3; the snapshot
        # shows 4 on hand, 3 reserved: 1 sellable, still low
        "alert-s2-day2": (at["alert-s2-day2"], "Teapot", "S2", "North store", 2, 2, False, 1,
                          True),
        "alert-s2-day3": (at["alert-s2-day3"], "Teapot", "S2", "North store", 1, 2, True, 1,
                          True),
        # s1 fell to 4 (safety 5), then 10 arrived: 18 on hand, 4 reserved, 14 sellable
        "alert-s1-day3": (at["alert-s1-day3"], "Mug", "S1", "Main warehouse", 4, 5, True, 14,
                          False),
    }


def test_daily_searches_count_one_source_per_day(story_warehouse):
    rows = {r[:2]: r[2:] for r in story_warehouse.execute(
        "SELECT search_date, search_query, search_source, searches, zero_result_searches, "
        "avg_results_count FROM marts.fct_daily_searches").fetchall()}
    assert rows == {
        # DAY1: only the storefront reported searches, so they count
        (DAY1, "mug"): ("client", 1, 0, 3.0),
        (DAY1, "kettle"): ("client", 1, 1, 0.0),
        # DAY2: the API reported searches; the storefront's "mug" that day is the same
        # search seen twice and does not count. " MUG " and "mug" are one query.
        (DAY2, "mug"): ("server", 2, 0, 2.0),  # 3 and 1 results
        (DAY2, "kettle"): ("server", 1, 1, 0.0),
        (DAY2, ""): ("server", 1, 0, 3.0),  # filters only, no query
    }
    staged = dict(story_warehouse.execute(
        "SELECT search_source, count(*) FROM staging.stg_flywheel__searches GROUP BY 1"
    ).fetchall())
    assert staged == {"client": 3, "server": 4}  # staging keeps both, marked


def test_back_office_and_server_events_make_no_sessions(story_warehouse):
    types = {r[0] for r in story_warehouse.execute(
        "SELECT DISTINCT event_type FROM intermediate.int_events_sessionized").fetchall()}
    back_office = {"product_status_changed", "sku_price_changed", "stock_moved", "stock_low",
                   "presale_allocated", "search_performed", "virtual_fulfilment"}
    assert back_office <= set(ALL_EVENTS)
    assert not types & back_office
    visitors = {r[0] for r in story_warehouse.execute(
        "SELECT visitor_key FROM marts.fct_sessions").fetchall()}
    # the operator's catalog and stock work, and a server-side search by an otherwise
    # silent visitor, are no sessions
    assert ADMIN not in visitors
    assert "a9" not in visitors
    # u1's only event on DAY2 is a presale allocation: no session that day either
    u1_days = {r[0] for r in story_warehouse.execute(
        "SELECT session_date FROM marts.fct_sessions WHERE user_id = 'u1'").fetchall()}
    assert DAY2 not in u1_days
    steps = {r[0] for r in story_warehouse.execute(
        "SELECT DISTINCT step FROM marts.fct_funnel_daily").fetchall()}
    assert steps == {"product_view", "add_to_cart", "checkout_started", "order_created",
                     "order_paid"}


def test_dim_products_has_the_catalog_around_each_product(story_warehouse):
    rows = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT product_id, category_path, merchant_name, brand_name, product_status, "
        "product_kind, labels, listed_at, sku_count FROM marts.dim_products").fetchall()}
    assert rows == {
        "p1": ("Home > Kitchen", "Self-operated", "Acme", "listed", "standard",
               ["new", "bestseller"], datetime(2025, 3, 2, 10, 0), 2),
        "p2": ("Home > Kitchen", "Nordic Goods", None, "delisted", "mixed", [], None, 2),
        "p3": ("Home", "Self-operated", None, "draft", "virtual", [], None, 1),
        "p4": ("Home", "Self-operated", None, "pending_review", "presale", [], None, 1),
    }


def test_dim_skus_and_warehouses(story_warehouse):
    skus = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT sku_id, sku_kind, ship_from_date, presale_quota, presale_taken, "
        "bundle_components FROM marts.dim_skus").fetchall()}
    assert skus["s2x"] == ("bundle", None, None, None, 2)
    assert skus["s4"] == ("presale", date(2025, 4, 1), 50, 3, 0)
    assert skus["s3"][0] == "virtual"
    warehouses = {r[0]: r[1:] for r in story_warehouse.execute(
        "SELECT warehouse_id, warehouse_name, regions, is_active FROM marts.dim_warehouses"
    ).fetchall()}
    assert warehouses == {"default": ("Main warehouse", ["*"], True),
                          "north": ("North store", ["RS", "SC"], True)}


def test_catalog_event_staging(story_warehouse):
    changes = story_warehouse.execute(
        "SELECT product_id, from_status, to_status, actor_user_id "
        "FROM staging.stg_flywheel__product_status_changes ORDER BY changed_at").fetchall()
    assert changes == [("p1", "draft", "pending_review", ADMIN),
                       ("p1", "pending_review", "listed", ADMIN)]
    prices = story_warehouse.execute(
        "SELECT sku_id, old_price_cents, new_price_cents "
        "FROM staging.stg_flywheel__sku_price_changes").fetchall()
    assert prices == [("s1", 550, 500)]
    fulfilments = story_warehouse.execute(
        "SELECT order_id, sku_id, quantity, status, amount_cents "
        "FROM staging.stg_flywheel__virtual_fulfilments").fetchall()
    assert fulfilments == [("o5", "s3", 1, "fulfilled", 1000)]
