"""Once per (campaign, user, trigger key): threads racing the same trigger, and any
sequence of repeated triggers, send exactly one message per distinct key."""

from __future__ import annotations

import threading
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tests.reach.conftest import T0, add_user, campaign, emitted, messages
from transactional_api.accounts.identity_models import SandboxMessage
from transactional_api.core.db import transaction
from transactional_api.reach import delivery
from transactional_api.reach.models import Campaign


def _deliver(sessions, campaign_id: str, user_id: str, key: str, at) -> bool:
    with transaction(sessions) as s:
        c = s.get(Campaign, campaign_id)
        return delivery.deliver(s, campaign=c, user_id=user_id, trigger_key=key,
                                triggered_at=at, now=at,
                                values={"level": "gold", "from_level": "silver"}) is not None


def test_threads_racing_one_trigger_send_once(sessions):
    c = campaign(sessions, channel="email", template="{level}!")
    user = add_user(sessions, email="racer@example.com")
    barrier, wins, errors = threading.Barrier(8), [], []

    def worker():
        try:
            barrier.wait()
            wins.append(_deliver(sessions, c.id, user, "event:e-1", T0))
        except Exception as exc:  # a failure in a thread must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(wins) == [False] * 7 + [True]
    assert len(messages(sessions)) == 1
    assert len(emitted(sessions, "reach_message_sent")) == 1
    with sessions() as s:
        sent = list(s.scalars(select(SandboxMessage.destination)))
    assert sent == ["racer@example.com"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=20))
def test_any_sequence_of_triggers_sends_once_per_key(sessions, triggers):
    with transaction(sessions) as s:  # fresh state per example, same database
        for table in ("sandbox_messages", "outbox", "reach_messages"):
            s.execute(text(f"DELETE FROM {table}"))
    c = campaign(sessions, name="p")
    users = [add_user(sessions) for _ in range(3)]
    for i, (u, k) in enumerate(triggers):
        _deliver(sessions, c.id, users[u], f"event:{k}", T0 + timedelta(minutes=i))
    distinct = {(u, k) for u, k in triggers}
    got = {(m.user_id, m.trigger_key) for m in messages(sessions, campaign_id=c.id)}
    assert got == {(users[u], f"event:{k}") for u, k in distinct}
    assert len(messages(sessions, campaign_id=c.id)) == len(distinct)
    sent = [e for e in emitted(sessions, "reach_message_sent")
            if e["payload"]["campaign_id"] == c.id]
    assert len(sent) == len(distinct)
