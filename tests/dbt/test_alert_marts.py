"""fct_alerts from alert events landed like any other (at-least-once, so one twice)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.events import alert_events as ae
from transactional_api.events.contract import to_record

RAISED = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def _events() -> list[dict]:
    day = datetime(2025, 6, 1, tzinfo=UTC)
    gmv = ae.AlertRaised(occurred_at=RAISED, payload={
        "alert_id": "a-gmv", "kind": "metric_anomaly", "source": "warehouse",
        "metric": "gmv_cents", "direction": "below", "metric_date": date(2025, 6, 1),
        "window_start": day, "window_end": day + timedelta(days=1), "value": 1_000.0,
        "expected": 10_000.0, "lower_bound": 7_000.0, "upper_bound": 13_000.0,
        "z_score": -9.0, "message": "gmv_cents low"})
    spike = ae.AlertRaised(occurred_at=RAISED + timedelta(hours=1), payload={
        "alert_id": "a-spike", "kind": "payment_failure_spike", "source": "stream",
        "metric": "payment_failure_rate", "direction": "above",
        "window_start": RAISED + timedelta(minutes=55), "window_end": RAISED + timedelta(hours=1),
        "value": 0.75, "upper_bound": 0.5, "failures": 6, "attempts": 8,
        "message": "6 of 8 payment attempts failed"})
    ack = ae.AlertAcknowledged(occurred_at=RAISED + timedelta(hours=2), user_id="admin1",
                               payload={"alert_id": "a-gmv", "kind": "metric_anomaly",
                                        "metric": "gmv_cents"})
    return [to_record(e) for e in (gmv, spike, ack)]


@pytest.fixture(scope="module")
def alerts_warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("alerts")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    events = _events()
    # the acknowledgement delivered twice: one landing, then the same event again
    story.load_warehouse(warehouse, work / "lake", oltp_url, [events, [events[2]]])
    result = _dbt(work, warehouse, "build", "--select", "+fct_alerts")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        yield conn


def test_one_row_per_alert_with_its_acknowledgement(alerts_warehouse):
    rows = alerts_warehouse.execute(
        "select alert_id, alert_kind, metric_name, metric_date, metric_value, failures, "
        "raised_at, is_acknowledged, acknowledged_by, acknowledged_at "
        "from marts.fct_alerts order by raised_at").fetchall()
    assert rows == [
        ("a-gmv", "metric_anomaly", "gmv_cents", date(2025, 6, 1), 1_000.0, None,
         datetime(2025, 6, 2, 8), True, "admin1", datetime(2025, 6, 2, 10)),
        ("a-spike", "payment_failure_spike", "payment_failure_rate", None, 0.75, 6,
         datetime(2025, 6, 2, 9), False, None, None),
    ]
