"""GET /v1/admin/alerts and POST /v1/admin/alerts/{id}/ack against a live API, and the
service's idempotence underneath (tests/conftest.py's api fixture: SQLite + real Redis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.alerts.conftest import outbox_records
from tests.conftest import register
from transactional_api.alerts import service
from transactional_api.core.db import transaction
from transactional_api.events.contract import any_event_adapter

RAISED = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


def anomaly(metric: str, day: date, value: float) -> service.Finding:
    start = datetime.combine(day, datetime.min.time(), UTC)
    return service.Finding(
        kind="metric_anomaly", source="warehouse", metric=metric, direction="below",
        dedupe_key=service.anomaly_key(metric, day), window_start=start,
        window_end=start + 24 * H, value=value, expected=100.0, lower_bound=80.0,
        upper_bound=120.0, z_score=-4.2, metric_date=day, message=f"{metric} low")


def spike(end: datetime) -> service.Finding:
    return service.Finding(
        kind="payment_failure_spike", source="stream", metric="payment_failure_rate",
        direction="above", dedupe_key=f"payment_failure_spike:{end.isoformat()}",
        window_start=end - timedelta(minutes=5), window_end=end, value=0.8,
        upper_bound=0.5, failures=8, attempts=10, message="8 of 10 failed")


@pytest.fixture
def planted(api) -> dict[str, str]:
    """Three alerts raised an hour apart: GMV at 08:00, paid orders at 09:00, a spike at
    10:00 (all on 2025-06-02)."""
    with transaction(api.sessions) as session:
        gmv, _ = service.raise_alert(session=session, now=RAISED,
                                     finding=anomaly("gmv_cents", date(2025, 6, 1), 40.0))
        paid, _ = service.raise_alert(session=session, now=RAISED + H,
                                      finding=anomaly("paid_orders", date(2025, 6, 1), 2.0))
        burst, _ = service.raise_alert(session=session, now=RAISED + 2 * H,
                                       finding=spike(RAISED + 2 * H))
    return {"gmv": gmv.id, "paid": paid.id, "spike": burst.id}


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["items"]]


def test_alerts_are_for_admins_only(api, planted):
    shopper = register(api, "alerts-shopper@example.com")
    with api.client() as anonymous, api.client(shopper) as client:
        for c, status in ((anonymous, 401), (client, 403)):
            assert c.get("/v1/admin/alerts").status_code == status
            r = c.post(f"/v1/admin/alerts/{planted['gmv']}/ack")
            assert r.status_code == status
            assert r.json()["error"]["code"] in ("unauthorized", "permission_denied")
    with api.sessions() as session:  # nobody acknowledged anything
        assert all(a.acknowledged_at is None for a in service.list_alerts(session=session))


def test_listing_is_newest_first_and_filters_by_kind_and_since(admin, planted):
    assert _ids(admin.get("/v1/admin/alerts")) == [planted["spike"], planted["paid"],
                                                   planted["gmv"]]
    anomalies = admin.get("/v1/admin/alerts", params={"kind": "metric_anomaly"})
    assert _ids(anomalies) == [planted["paid"], planted["gmv"]]
    # since is inclusive: raised at 09:00 UTC or later (10:00 +01:00 is 09:00 UTC)
    since = admin.get("/v1/admin/alerts", params={"since": "2025-06-02T10:00:00+01:00"})
    assert _ids(since) == [planted["spike"], planted["paid"]]
    both = admin.get("/v1/admin/alerts", params={"kind": "metric_anomaly",
                                                 "since": "2025-06-02T09:00:00Z"})
    assert _ids(both) == [planted["paid"]]
    assert _ids(admin.get("/v1/admin/alerts", params={"limit": 1})) == [planted["spike"]]
    item = anomalies.json()["items"][1]
    assert item | {"id": None, "raised_at": None} == {
        "id": None, "kind": "metric_anomaly", "source": "warehouse", "metric": "gmv_cents",
        "direction": "below", "metric_date": "2025-06-01",
        "window_start": "2025-06-01T00:00:00Z", "window_end": "2025-06-02T00:00:00Z",
        "value": 40.0, "expected": 100.0, "lower_bound": 80.0, "upper_bound": 120.0,
        "z_score": -4.2, "failures": None, "attempts": None, "message": "gmv_cents low",
        "raised_at": None, "acknowledged_at": None, "acknowledged_by": None}


@pytest.mark.parametrize("params", [
    {"kind": "disk_full"},  # not a kind of alert
    {"since": "yesterday"},
    {"since": "2025-06-02T09:00:00"},  # no offset: which 09:00?
    {"since": "0001-01-01T00:00:00+14:00"},  # before year 1 once in UTC
    {"limit": 0},
    {"limit": 501},
])
def test_bad_filters_get_422(admin, params):
    r = admin.get("/v1/admin/alerts", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"]


def test_acknowledging_keeps_the_first_operator_and_emits_once(api, admin, planted):
    me = admin.get("/v1/me").json()["id"]
    first = admin.post(f"/v1/admin/alerts/{planted['paid']}/ack")
    assert first.status_code == 200, first.text
    assert first.json()["acknowledged_by"] == me and first.json()["acknowledged_at"]
    again = admin.post(f"/v1/admin/alerts/{planted['paid']}/ack")
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    listed = {a["id"]: a for a in admin.get("/v1/admin/alerts").json()["items"]}
    assert listed[planted["paid"]]["acknowledged_by"] == me
    assert listed[planted["gmv"]]["acknowledged_at"] is None
    (event,) = outbox_records(api.sessions, "alert_acknowledged")
    any_event_adapter.validate_python(event)
    assert (event["user_id"], event["payload"]) == (me, {
        "alert_id": planted["paid"], "kind": "metric_anomaly", "metric": "paid_orders"})


def test_acknowledging_an_unknown_alert_is_404(admin):
    r = admin.post("/v1/admin/alerts/no-such-alert/ack")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert admin.post(f"/v1/admin/alerts/{'x' * 65}/ack").status_code == 422


def test_raising_the_same_finding_twice_changes_nothing(sessions):
    finding = anomaly("gmv_cents", date(2025, 6, 1), 40.0)
    with transaction(sessions) as session:
        first, created = service.raise_alert(session=session, finding=finding, now=RAISED)
    with transaction(sessions) as session:
        second, again = service.raise_alert(session=session, finding=finding, now=RAISED + H)
    assert (created, again, second.id) == (True, False, first.id)
    (event,) = outbox_records(sessions, "alert_raised")
    any_event_adapter.validate_python(event)
    assert event["payload"]["metric_date"] == "2025-06-01"
    assert event["occurred_at"] == "2025-06-02T08:00:00Z"


def test_a_spike_overlapping_a_raised_one_is_the_same_alert(sessions):
    end = datetime(2025, 6, 2, 10, 4, tzinfo=UTC)
    with transaction(sessions) as session:
        first, _ = service.raise_window_alert(session=session, finding=spike(end))
        # the same episode found by a check that read the stream from a later point: its
        # window [10:02, 10:07] overlaps [09:59, 10:04] though its key (bucket) differs
        later, created = service.raise_window_alert(
            session=session, finding=spike(end + timedelta(minutes=3)))
        # a window starting after the first one ended is a new episode
        apart, new = service.raise_window_alert(
            session=session, finding=spike(end + timedelta(minutes=10)))
    assert (later.id, created) == (first.id, False)
    assert new and apart.id != first.id
    assert len(outbox_records(sessions, "alert_raised")) == 2


def test_findings_must_be_finite_and_of_a_known_kind():
    with pytest.raises(ValueError, match="finite"):
        anomaly("gmv_cents", date(2025, 6, 1), float("nan"))
    with pytest.raises(ValueError, match="kind"):
        service.Finding(kind="disk_full", source="stream", metric="m", direction="above",
                        dedupe_key="k", window_start=RAISED, window_end=RAISED, value=1.0,
                        message="m")
