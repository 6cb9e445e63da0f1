"""The metric_anomaly_alerts asset raises each flagged day and metric once, and the
payment_failure_spikes sensor turns a spike on the stream into an alert."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb
import redis

from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from pipelines.serve.anomaly_alerts import (
    metric_anomaly_alerts,
    oltp_sessions,
    payment_failure_spikes_sensor,
)
from tests.alerts.conftest import payment_record
from transactional_api.alerts import service
from transactional_api.migrations import upgrade

# (day, metric, value, mean, stddev, z, lower, upper, direction, is_anomaly); band = mean
# -/+ 3 stddev. 2025-04-07 is a Monday.
ROWS = [
    (date(2025, 4, 7), "gmv_cents", 20_000.0, 10_000.0, 1_000.0, 10.0, 7_000.0, 13_000.0,
     "above", True),
    (date(2025, 4, 7), "paid_orders", 11.0, 10.0, 1.0, 1.0, 7.0, 13.0, None, False),
    (date(2025, 4, 8), "conversion_rate", 0.01, 0.03, 0.005, -4.0, 0.015, 0.045, "below",
     True),
]


def _plant_anomalies(settings) -> None:
    upgrade(settings.resolved_database_url)  # the API migrates its OLTP; pipelines never do
    with duckdb.connect(str(settings.resolved_warehouse_path)) as conn:
        conn.execute("create schema marts")
        conn.execute("""
            create table marts.fct_metric_anomalies (
                metric_date date, metric_name varchar, metric_value double,
                history_points bigint, history_mean double, history_stddev double,
                z_score double, lower_bound double, upper_bound double, direction varchar,
                is_complete_day boolean, is_anomaly boolean)""")
        for d, m, v, mean, sd, z, lo, hi, direction, flagged in ROWS:
            conn.execute("insert into marts.fct_metric_anomalies values "
                         "(?, ?, ?, 4, ?, ?, ?, ?, ?, ?, true, ?)",
                         [d, m, v, mean, sd, z, lo, hi, direction, flagged])


def _materialize() -> dict:
    result = dg.materialize([metric_anomaly_alerts], resources={"warehouse": WarehouseResource()})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_each_flagged_day_and_metric_becomes_one_alert(flywheel_env):
    _plant_anomalies(flywheel_env)
    assert _materialize() == {"anomalies": 2, "alerts_raised": 2}
    assert _materialize() == {"anomalies": 2, "alerts_raised": 0}  # a re-run adds nothing
    with oltp_sessions() as sessions, sessions() as session:
        alerts = service.list_alerts(session=session)
    by_metric = {a.metric: a for a in alerts}
    assert set(by_metric) == {"gmv_cents", "conversion_rate"}  # paid_orders is in its band
    gmv = by_metric["gmv_cents"]
    assert (gmv.kind, gmv.source, gmv.direction, gmv.metric_date) == (
        "metric_anomaly", "warehouse", "above", date(2025, 4, 7))
    assert (gmv.value, gmv.expected, gmv.lower_bound, gmv.upper_bound, gmv.z_score) == (
        20_000, 10_000, 7_000, 13_000, 10)
    assert (gmv.window_start, gmv.window_end) == (
        datetime(2025, 4, 7, tzinfo=UTC), datetime(2025, 4, 8, tzinfo=UTC))
    assert gmv.message == ("gmv_cents on 2025-04-07 was 20,000, above the band 7,000 to 13,000 "
                           "of the last 4 Mondays (mean 10,000, z +10.0)")
    assert by_metric["conversion_rate"].message == (
        "conversion_rate on 2025-04-08 was 1.00%, below the band 1.50% to 4.50% of the last "
        "4 Tuesdays (mean 3.00%, z -4.0)")


def test_the_asset_runs_after_the_anomaly_mart():
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("metric_anomaly_alerts")).parent_keys == {
        dg.AssetKey(["marts", "fct_metric_anomalies"])}
    assert graph.get(dg.AssetKey("metric_anomaly_alerts")).group_name == "serve"


def test_the_sensor_raises_a_spike_from_the_stream(flywheel_env, redis_url):
    upgrade(flywheel_env.resolved_database_url)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    t0 = datetime.now(UTC) - timedelta(minutes=3)
    # 6 attempts, 6 failures within a minute: 6/6 > 0.5 and >= 5 failures (default rule)
    for i in range(6):
        for kind, offset in (("started", 0), ("failed", 5)):
            record = payment_record(kind, t0 + timedelta(seconds=10 * i + offset), f"p{i}")
            client.xadd(flywheel_env.redis_stream, {"record": json.dumps(record)})
    client.close()
    context = dg.build_sensor_context()
    first = payment_failure_spikes_sensor(context)
    again = payment_failure_spikes_sensor(context)
    assert isinstance(first, dg.SkipReason)
    assert "5 of 5 payment attempts failed within 5 min" in first.skip_message
    assert again.skip_message == "no new payment-failure spike"  # the same episode: no 2nd alert
    with oltp_sessions() as sessions, sessions() as session:
        (alert,) = service.list_alerts(session=session, kind="payment_failure_spike")
    assert (alert.failures, alert.attempts) == (5, 5)


def test_the_sensor_skips_without_redis(flywheel_env):
    result = payment_failure_spikes_sensor(dg.build_sensor_context())
    assert "no FLYWHEEL_REDIS_URL" in result.skip_message
