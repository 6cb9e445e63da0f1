"""The outbox relay against a real SQLite outbox and a real redis-server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from unittest import mock

import pytest
import redis
from sqlalchemy import create_engine

from tests.conftest import free_port
from tests.events.conftest import (
    STREAM,
    add_events,
    landed_ids,
    outbox_stamps,
    quick_client,
    run_relay,
    streamed_ids,
)
from transactional_api.core.redis_server import start_redis
from transactional_api.events import lake, relay

# A relay in its own process, started with the default lease, that the test kills -9.
_DOOMED_RELAY = """
import sys
from pathlib import Path
import redis
from sqlalchemy.orm import sessionmaker
from transactional_api.core.db import make_engine
from transactional_api.events import relay
relay.relay_once(sessions=sessionmaker(make_engine(sys.argv[1])), lake_dir=Path(sys.argv[2]),
                 redis_client=redis.Redis.from_url(sys.argv[3]), stream=sys.argv[4],
                 stream_maxlen=10_000)
"""


def test_relay_resumes_within_a_lease_after_its_holder_is_killed(
        db_url, sessions, lake_dir, own_redis):
    ids = add_events(sessions, 3)
    client = redis.Redis.from_url(own_redis.url)
    # Our write lock on the outbox parks the doomed relay inside its round, lease held.
    blocker = create_engine(db_url, connect_args={"timeout": 30}).connect()
    blocker.exec_driver_sql("BEGIN IMMEDIATE")
    doomed = subprocess.Popen([sys.executable, "-c", _DOOMED_RELAY, db_url, str(lake_dir),
                               own_redis.url, STREAM], env={**os.environ, "PYTHONPATH": "."})
    try:
        deadline = time.monotonic() + 30
        while not client.exists(relay.LOCK_KEY):
            assert time.monotonic() < deadline and doomed.poll() is None, "relay never locked"
            time.sleep(0.02)
        doomed.kill()
        doomed.wait()
    finally:
        blocker.rollback()
        blocker.close()
        if doomed.poll() is None:
            doomed.kill()
    started = time.monotonic()
    while (n := run_relay(sessions, lake_dir, client)) == 0:
        assert time.monotonic() - started < 8, "the dead relay's lock outlived a short lease"
        time.sleep(0.1)
    assert n == 3
    assert sorted(landed_ids(lake_dir)) == sorted(ids)
    assert set(streamed_ids(client)) == set(ids)


def test_a_working_relay_renews_its_lease_and_others_skip_without_waiting(
        sessions, lake_dir, own_redis):
    ids = add_events(sessions, 4)
    lease = 1.0
    real_stamp = relay._stamp

    def slow_stamp(*args):
        time.sleep(0.7 * lease)  # each step fits in the lease; the whole round does not
        real_stamp(*args)

    others: list[tuple[int, float]] = []
    done = threading.Event()

    def another_relay():
        other = redis.Redis.from_url(own_redis.url)
        while not other.exists(relay.LOCK_KEY) and not done.is_set():
            time.sleep(0.01)  # let the holder take the lease first
        while not done.is_set():
            t0 = time.monotonic()
            others.append((run_relay(sessions, lake_dir, other, lease_seconds=lease),
                           time.monotonic() - t0))
            time.sleep(0.05)

    holder = redis.Redis.from_url(own_redis.url)
    with mock.patch.object(relay, "_stamp", slow_stamp):
        prober = threading.Thread(target=another_relay)
        started = time.monotonic()
        prober.start()
        try:
            n = run_relay(sessions, lake_dir, holder, lease_seconds=lease)
        finally:
            done.set()
            prober.join(10)
    assert time.monotonic() - started > 1.3 * lease
    assert n == 4
    assert others and all(count == 0 for count, _ in others), "a second relay got the lease"
    assert max(took for _, took in others) < 0.5, "a relay waited for the lease"
    assert Counter(landed_ids(lake_dir)) == Counter(ids)
    assert not holder.exists(relay.LOCK_KEY)  # released at the end of the round


def test_stream_catches_up_after_redis_was_down_for_a_run(tmp_path, sessions, lake_dir):
    port, data = free_port(), tmp_path / "redis"
    server = start_redis(data, port, persist=True)
    client = redis.Redis.from_url(server.url)
    first = add_events(sessions, 3)
    assert run_relay(sessions, lake_dir, client) == 3
    server.stop()
    during = add_events(sessions, 4)
    assert run_relay(sessions, lake_dir, client) == 4  # the lake does not wait for Redis
    server = start_redis(data, port, persist=True)
    try:
        after = add_events(sessions, 2)
        relay.drain(sessions=sessions, lake_dir=lake_dir, redis_client=client, stream=STREAM,
                    stream_maxlen=10_000)
        everything = first + during + after
        assert set(streamed_ids(client)) == set(everything)
        assert Counter(landed_ids(lake_dir)) == Counter(everything)
        assert all(published and streamed for _, published, streamed in outbox_stamps(sessions))
    finally:
        server.stop()


def test_lake_pass_goes_on_while_the_stream_backlog_exceeds_a_batch(
        tmp_path, sessions, lake_dir):
    port, data = free_port(), tmp_path / "redis"
    client = quick_client(port)  # Redis is down
    backlog = add_events(sessions, 5)
    for _ in range(3):
        run_relay(sessions, lake_dir, client, batch_size=2)
    assert sorted(landed_ids(lake_dir)) == sorted(backlog)
    server = start_redis(data, port, persist=True)
    try:
        fresh = add_events(sessions, 2)
        # one round with Redis back: the stream takes 2 of its 5-row backlog, and the lake
        # lands the fresh rows at once instead of queueing behind the stream
        assert run_relay(sessions, lake_dir, client, batch_size=2) == 2
        assert sorted(landed_ids(lake_dir)) == sorted(backlog + fresh)
        assert streamed_ids(client) == backlog[:2]
        while run_relay(sessions, lake_dir, client, batch_size=2):
            pass
        assert streamed_ids(client) == backlog + fresh
    finally:
        server.stop()


def test_redis_errors_are_logged(sessions, lake_dir, relay_log):
    dead = quick_client(free_port())
    add_events(sessions, 1)
    assert run_relay(sessions, lake_dir, dead) == 1
    warnings = [r for r in relay_log.records if r.levelname == "WARNING"]
    assert warnings and "Connection" in warnings[0].error


def test_a_stream_refusing_writes_is_logged_and_does_not_hold_up_the_lake(
        sessions, lake_dir, own_redis, relay_log):
    client = redis.Redis.from_url(own_redis.url)
    client.set(STREAM, "not a stream")  # every XADD now fails with WRONGTYPE
    ids = add_events(sessions, 2)
    assert run_relay(sessions, lake_dir, client) == 2
    assert run_relay(sessions, lake_dir, client) == 0
    assert Counter(landed_ids(lake_dir)) == Counter(ids)  # landed once, not every round
    assert any("WRONGTYPE" in getattr(r, "error", "") for r in relay_log.records)
    assert all(streamed is None for _, _, streamed in outbox_stamps(sessions))
    client.delete(STREAM)
    assert run_relay(sessions, lake_dir, client) == 2
    assert streamed_ids(client) == ids


def test_stale_tmp_files_are_removed_and_fresh_ones_kept(sessions, lake_dir, relay_log):
    folder = lake.partition_dir(lake_dir, "page_view", "2026-01-01T00:00:00Z")
    folder.mkdir(parents=True)
    stale, fresh = folder / ".part-old.jsonl.tmp", folder / ".part-new.jsonl.tmp"
    for tmp in (stale, fresh):
        tmp.write_text('{"half": ')
    old = time.time() - 120
    os.utime(stale, (old, old))
    run_relay(sessions, lake_dir, None)
    assert not stale.exists()
    assert fresh.exists()  # may be another worker's write in flight
    assert any(r.getMessage().startswith("removed tmp files") for r in relay_log.records)


def test_a_failed_landing_leaves_no_tmp_file(lake_dir):
    good = {"event_id": "e1", "event_type": "page_view", "occurred_at": "2026-01-01T00:00:00Z"}
    bad = {**good, "event_id": "e2", "payload": object()}  # fails halfway through the file
    with pytest.raises(TypeError):
        lake.land(lake_dir, [good, bad])
    assert not list(lake_dir.rglob("*.tmp"))
    assert lake.landed_files(lake_dir) == []
