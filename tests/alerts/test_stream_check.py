"""The payment-failure spike check on a real redis-server's stream: a quiet baseline raises
nothing, a planted spike raises exactly one alert, once, whether read in one shot or
followed by the watcher.

Rule throughout: 5-minute window, alert when failures / attempts > 0.5 with >= 5 failures.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.alerts.conftest import outbox_records, payment_record
from transactional_api.alerts import service
from transactional_api.alerts.stream_check import (
    FailureWindow,
    SpikeRule,
    check_and_raise,
    check_recent,
    watch,
)
from transactional_api.events.contract import any_event_adapter

RULE = SpikeRule(window_seconds=300, max_failure_rate=0.5, min_failures=5)
T0 = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def baseline() -> list[dict]:
    """Quiet traffic: an attempt every 15 s from T0 (20 of them, to T0+285s); attempts 0,
    3, 6, 9, 12 and 15 fail 5 s later. The 5th failure (attempt 12, T0+185s) comes after 13
    attempts: 5/13 = 0.38; the 6th (T0+230s) after 16: 6/16 = 0.375. Never above 0.5 with 5
    failures; the early ones are 1/1, 2/4 ... but fewer than 5 failures."""
    events = []
    for i in range(20):
        events.append(payment_record("started", T0 + 15 * i * S, f"b{i}"))
        if i % 3 == 0 and i <= 15:
            events.append(payment_record("failed", T0 + (15 * i + 5) * S, f"b{i}"))
    return sorted(events, key=lambda r: r["occurred_at"])


def spike() -> list[dict]:
    """From T0+600s (the baseline is out of the window by then): an attempt every 10 s
    (10 of them); attempts 0, 1, 3, 4, 6, 7 and 9 fail 5 s later, at +5, +15, +35, +45,
    +65, +75, +95 s. The 5th failure (+65 s) comes after attempts 0..6, i.e. 7 attempts:
    5/7 = 0.714 > 0.5 -> the spike, window [T0+365s, T0+665s]. The 1st failure is
    delivered twice (at-least-once): counted twice, the 5th failure would already be the
    one at +45 s, 5 of 5 attempts."""
    start = T0 + 600 * S
    events = []
    for i in range(10):
        events.append(payment_record("started", start + 10 * i * S, f"s{i}"))
        if i in (0, 1, 3, 4, 6, 7, 9):
            events.append(payment_record("failed", start + (10 * i + 5) * S, f"s{i}"))
    events.sort(key=lambda r: r["occurred_at"])
    first_failure = next(r for r in events if r["event_type"] == "payment_failed")
    second_failure_at = [r for r in events if r["event_type"] == "payment_failed"][1]
    events.insert(events.index(second_failure_at) + 1, dict(first_failure))
    return events


@pytest.fixture
def stream(redis_server) -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    name = f"flywheel:test-alerts:{uuid.uuid4().hex}"
    yield client, name
    client.delete(name)
    client.close()


def publish(client: redis.Redis, name: str, records: list[dict]) -> None:
    for record in records:  # what the relay writes: one field holding the JSON record
        client.xadd(name, {"record": json.dumps(record)})


def test_a_quiet_baseline_raises_nothing(stream):
    client, name = stream
    publish(client, name, baseline())
    assert check_recent(client=client, stream=name, rule=RULE) == []


def test_a_planted_spike_is_found_once(stream):
    client, name = stream
    publish(client, name, baseline() + spike())
    (found,) = check_recent(client=client, stream=name, rule=RULE)
    assert (found.failures, found.attempts) == (5, 7)
    assert found.rate == pytest.approx(5 / 7)
    assert (found.window_start, found.window_end) == (T0 + 365 * S, T0 + 665 * S)
    # failures 6 and 7 (+75 s, +95 s) are the same episode: the window stays quiet 5 min


def test_a_rate_at_the_threshold_is_no_spike():
    # 5 failures of 10 attempts in one minute: 0.5 is not above 0.5
    window = FailureWindow(RULE)
    for i in range(10):
        assert window.add(payment_record("started", T0 + i * S, f"p{i}")) is None
    spikes = [window.add(payment_record("failed", T0 + (20 + i) * S, f"p{i}")) for i in range(5)]
    assert spikes == [None] * 5
    # one failure more: 6/10 = 0.6
    sixth = window.add(payment_record("failed", T0 + 30 * S, "p5"))
    assert sixth is not None and (sixth.failures, sixth.attempts) == (6, 10)


def test_events_older_than_the_window_do_not_count():
    window = FailureWindow(RULE)
    for i in range(4):  # four failures long ago ...
        window.add(payment_record("failed", T0 + i * S, f"old{i}"))
    # ... then the fifth six minutes later: only 1 failure is inside the 5-minute window
    assert window.add(payment_record("failed", T0 + 360 * S, "new")) is None
    # a late event from before the window is ignored, not counted
    assert window.add(payment_record("failed", T0 + 10 * S, "late")) is None


def test_check_and_raise_raises_one_alert_however_often_it_runs(stream, sessions):
    client, name = stream
    publish(client, name, baseline() + spike())
    first = check_and_raise(sessions=sessions, client=client, stream=name, rule=RULE)
    again = check_and_raise(sessions=sessions, client=client, stream=name, rule=RULE)
    assert (len(first), again) == (1, [])
    (alert,) = first
    assert (alert.kind, alert.source, alert.metric) == (
        "payment_failure_spike", "stream", "payment_failure_rate")
    assert (alert.failures, alert.attempts, alert.upper_bound) == (5, 7, 0.5)
    assert alert.value == pytest.approx(5 / 7)
    assert "5 of 7 payment attempts failed within 5 min" in alert.message
    (event,) = outbox_records(sessions, "alert_raised")
    any_event_adapter.validate_python(event)  # a valid contract event
    assert event["payload"]["alert_id"] == alert.id
    assert event["payload"]["window_end"] == "2025-05-05T12:11:05Z"  # T0 + 665 s


def test_the_watcher_raises_the_spike_as_it_arrives(stream, sessions):
    client, name = stream
    raised, stop = [], threading.Event()

    def on_alert(alert):
        raised.append(alert)
        stop.set()

    follower = threading.Thread(target=watch, kwargs=dict(
        sessions=sessions, client=client, stream=name, rule=RULE, stop=stop, block_ms=100,
        on_alert=on_alert), daemon=True)
    follower.start()
    publish(client, name, baseline())
    publish(client, name, spike())
    stop.wait(timeout=15)
    stop.set()
    follower.join(timeout=5)
    assert not follower.is_alive()
    assert [(a.failures, a.attempts) for a in raised] == [(5, 7)]
    with sessions() as session:
        assert len(service.list_alerts(session=session)) == 1
