"""Alerts back to the shop: the warehouse's metric anomalies after each dbt build, and the
real-time payment-failure check on the Redis stream as a sensor.

Both raise alerts through transactional_api.alerts (the API's own rules and outbox), so
operators list and acknowledge them at GET /v1/admin/alerts and the alert_raised events
flow back into the lake like every other event. Raising is idempotent: a metric's anomaly
on a day is one alert however often the pipeline runs; a spike is one alert per episode.
"""


from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import dagster as dg
import redis
from sqlalchemy.orm import Session, sessionmaker

from pipelines.resources import WarehouseResource
from transactional_api.alerts import service
from transactional_api.alerts.stream_check import SpikeRule, check_and_raise
from transactional_api.config import Settings
from transactional_api.core.db import make_engine, transaction

ANOMALIES = dg.AssetKey(["marts", "fct_metric_anomalies"])
SENSOR_INTERVAL_SECONDS = 60


def read_anomalies(warehouse: WarehouseResource) -> list[dict]:
    """Every flagged day and metric of marts.fct_metric_anomalies, oldest first."""
    with warehouse.connect(read_only=True) as conn:
        cursor = conn.execute(
            """
            select metric_date, metric_name, metric_value, history_mean, history_stddev,
                   z_score, lower_bound, upper_bound, direction, history_points
            from marts.fct_metric_anomalies
            where is_anomaly
            order by metric_date, metric_name
            """
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _shown(metric: str, value: float) -> str:
    return f"{value:.2%}" if metric == "conversion_rate" else f"{value:,.0f}"


def anomaly_finding(row: dict) -> service.Finding:
    day: date = row["metric_date"]
    metric, value, mean = row["metric_name"], float(row["metric_value"]), row["history_mean"]
    start = datetime.combine(day, time.min, UTC)
    weekday = f"{day:%A}s"
    return service.Finding(
        kind="metric_anomaly", source="warehouse", metric=metric, direction=row["direction"],
        dedupe_key=service.anomaly_key(metric, day), metric_date=day, window_start=start,
        window_end=start + timedelta(days=1), value=value, expected=float(mean),
        lower_bound=float(row["lower_bound"]), upper_bound=float(row["upper_bound"]),
        z_score=float(row["z_score"]),
        message=(f"{metric} on {day:%Y-%m-%d} was {_shown(metric, value)}, {row['direction']} "
                 f"the band {_shown(metric, row['lower_bound'])} to "
                 f"{_shown(metric, row['upper_bound'])} of the last {row['history_points']} "
                 f"{weekday} (mean {_shown(metric, mean)}, z {row['z_score']:+.1f})"))


@contextmanager
def oltp_sessions(url: str | None = None) -> Iterator[sessionmaker[Session]]:
    # The API owns the OLTP schema and migrates it at start; a pipeline never does.
    engine = make_engine(url or Settings().resolved_database_url)
    try:
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()


def raise_anomalies(sessions: sessionmaker[Session], rows: list[dict]) -> int:
    """Raise an alert for each flagged row not raised before; returns how many were new."""
    created = 0
    for row in rows:
        with transaction(sessions) as session:
            _, new = service.raise_alert(session=session, finding=anomaly_finding(row))
        created += new
    return created


@dg.asset(
    group_name="serve",
    kinds={"duckdb", "python"},
    deps=[ANOMALIES],
    description="Metric anomalies of marts.fct_metric_anomalies raised as alerts in the shop "
    "(GET /v1/admin/alerts), each day and metric once.",
)
def metric_anomaly_alerts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    rows = read_anomalies(warehouse)
    with oltp_sessions() as sessions:
        created = raise_anomalies(sessions, rows)
    context.log.info(f"metric_anomaly_alerts: {len(rows)} anomalies, {created} new alerts")
    return dg.MaterializeResult(metadata={"anomalies": len(rows), "alerts_raised": created})


@dg.sensor(
    name="payment_failure_spikes",
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Every minute, reads the last minutes of the event stream and raises an alert "
    "when payments fail in a spike (transactional_api.alerts.stream_check).",
)
def payment_failure_spikes_sensor(context: dg.SensorEvaluationContext):
    settings = Settings()
    if not settings.redis_url:
        return dg.SkipReason("no FLYWHEEL_REDIS_URL: there is no stream to watch")
    rule = SpikeRule()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        with oltp_sessions(settings.resolved_database_url) as sessions:
            created = check_and_raise(
                sessions=sessions, client=client, stream=settings.redis_stream, rule=rule,
                # a tick may come late: read one window more than the gap between ticks
                lookback_seconds=rule.window_seconds + 2 * SENSOR_INTERVAL_SECONDS)
    finally:
        client.close()
    if not created:
        return dg.SkipReason("no new payment-failure spike")
    return dg.SkipReason("; ".join(alert.message for alert in created))
