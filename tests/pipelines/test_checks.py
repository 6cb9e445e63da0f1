"""Asset checks: the marts against the OLTP to the cent, and dbt's source freshness."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import duckdb
import pytest

from pipelines.checks import (
    CHECKS,
    Freshness,
    daily_gmv_mismatches,
    evaluate_freshness,
    gmv_matches_oltp,
    order_totals,
    orders_match_oltp,
    source_freshness,
)
from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from pipelines.transform.dbt import dbt_project

# Three orders: o1 and o2 paid on 03-01 (o2 worth 2550, of which points paid 500),
# o3 paid on 03-02, o4 never paid.
ORDERS = [("o1", "2025-03-01 10:00", 1_000, 0), ("o2", "2025-03-01 23:59", 2_050, 500),
          ("o3", "2025-03-02 00:00", 700, 0), ("o4", None, 9_999, 0)]


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA oltp; CREATE SCHEMA marts")
        conn.execute("CREATE TABLE oltp.orders (id VARCHAR, paid_at TIMESTAMP, "
                     "total_cents BIGINT, points_discount_cents BIGINT)")
        conn.executemany("INSERT INTO oltp.orders VALUES (?, ?, ?, ?)", ORDERS)
        conn.execute("CREATE TABLE marts.fct_orders AS SELECT id AS order_id, "
                     "paid_at IS NOT NULL AS is_paid, total_cents, "
                     "total_cents + points_discount_cents AS gmv_cents FROM oltp.orders")
        # what the marts should say: 03-01 two paid orders, 1000 + 2550 = 3550 cents;
        # 03-02 one, 700 cents; 03-03 a day with sessions only
        conn.execute("CREATE TABLE marts.fct_daily_kpis (kpi_date DATE, paid_orders BIGINT, "
                     "gmv_cents BIGINT)")
        conn.execute("INSERT INTO marts.fct_daily_kpis VALUES ('2025-03-01', 2, 3550), "
                     "('2025-03-02', 1, 700), ('2025-03-03', 0, 0)")
    return path


def _run(check, path) -> dg.AssetCheckResult:
    return check(warehouse=WarehouseResource(path=str(path)))


def test_marts_equal_to_the_oltp_pass(warehouse):
    with duckdb.connect(str(warehouse)) as conn:
        assert daily_gmv_mismatches(conn) == []
        # 4 orders, 3 paid, GMV 1000 + 2550 + 700 = 4250 cents on both sides
        assert order_totals(conn) == {"orders": (4, 4), "paid_orders": (3, 3),
                                      "gmv_cents": (4250, 4250)}
    assert _run(gmv_matches_oltp, warehouse).passed
    assert _run(orders_match_oltp, warehouse).passed


def test_one_cent_off_on_one_day_fails_and_names_the_day(warehouse):
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("UPDATE marts.fct_daily_kpis SET gmv_cents = 3551 "
                     "WHERE kpi_date = '2025-03-01'")
        assert daily_gmv_mismatches(conn) == [{
            "day": "2025-03-01", "oltp_paid_orders": 2, "mart_paid_orders": 2,
            "oltp_gmv_cents": 3550, "mart_gmv_cents": 3551}]
    result = _run(gmv_matches_oltp, warehouse)
    assert not result.passed
    assert result.metadata["mismatching_days"].value == 1


def test_a_day_missing_from_the_mart_fails(warehouse):
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("DELETE FROM marts.fct_daily_kpis WHERE kpi_date = '2025-03-02'")
        assert [m["day"] for m in daily_gmv_mismatches(conn)] == ["2025-03-02"]


def test_an_order_lost_or_doubled_in_fct_orders_fails(warehouse):
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("INSERT INTO marts.fct_orders VALUES ('o3', true, 700, 700)")
        # o3 twice: 5 orders, 4 paid, 4950 cents in the mart
        assert order_totals(conn)["gmv_cents"] == (4250, 4950)
    assert not _run(orders_match_oltp, warehouse).passed


NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
SPEC = Freshness(relation="raw.events", loaded_at_field="occurred_at",
                 warn_after=timedelta(hours=6), error_after=timedelta(days=3))


@pytest.mark.parametrize(("age", "passed", "severity"), [
    (timedelta(hours=2), True, None),
    (timedelta(hours=7), False, dg.AssetCheckSeverity.WARN),  # past 6 hours
    (timedelta(days=4), False, dg.AssetCheckSeverity.ERROR),  # past 3 days
])
def test_freshness_warns_then_errors_with_age(tmp_path, age, passed, severity):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw")
        conn.execute("CREATE TABLE raw.events AS SELECT ?::TIMESTAMP AS occurred_at",
                     [(NOW - age).replace(tzinfo=None)])
        result = evaluate_freshness(conn, SPEC, NOW)
    assert result.passed is passed
    if severity:
        assert result.severity == severity


def test_freshness_of_an_empty_source_is_an_error(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw; CREATE TABLE raw.events (occurred_at TIMESTAMP)")
        result = evaluate_freshness(conn, SPEC, NOW)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR


def test_freshness_comes_from_the_dbt_sources():
    # models/staging/_staging.yml: raw.events warn after 6 hours, error after 3 days;
    # oltp.orders warn after 1 day, error after 7
    assert source_freshness(dbt_project.manifest_path, "raw", "events") == SPEC
    orders = source_freshness(dbt_project.manifest_path, "oltp", "orders")
    assert (orders.loaded_at_field, orders.warn_after, orders.error_after) == (
        "created_at", timedelta(days=1), timedelta(days=7))


def test_the_checks_are_in_the_definitions():
    keys = {(k.asset_key.to_user_string(), k.name)
            for k in defs.resolve_asset_graph().asset_check_keys}
    assert {("raw_events", "source_freshness"), ("oltp/orders", "source_freshness"),
            ("marts/fct_daily_kpis", "gmv_matches_oltp"),
            ("marts/fct_orders", "orders_match_oltp")} <= keys
    assert len(CHECKS) == 4
