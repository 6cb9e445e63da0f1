"""The shopper's inbox over HTTP: a level-up message arrives through the outbox consumer
(POST /v1/admin/reach/run), opens and clicks are recorded once, others' messages are 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import register
from tests.tags.conftest import emitted
from transactional_api.core.db import transaction
from transactional_api.events import member_events as me
from transactional_api.events.outbox import emit


def _me(api, token) -> str:
    with api.client(token) as c:
        return c.get("/v1/me").json()["id"]


def test_inbox_open_click_and_ownership(api, admin):
    c = admin.post("/v1/admin/reach/campaigns", json={
        "name": "level up", "channel": "inbox", "subject": "Congratulations",
        "template": "Welcome to {level}. Code {offer_code}",
        "offer": {"code": "LEVELUP", "valid_hours": 72},
        "trigger": {"kind": "event", "event_type": "member_level_changed"}}).json()
    assert admin.post(f"/v1/admin/reach/campaigns/{c['id']}/transitions",
                      json={"action": "activate"}).status_code == 200
    owner, other = register(api, "inbox-owner@example.com"), register(api, "nosy@example.com")
    owner_id = _me(api, owner)
    with transaction(api.sessions) as s:
        emit(session=s, event=me.MemberLevelChanged(
            occurred_at=datetime.now(UTC) + timedelta(seconds=1), user_id=owner_id,
            payload={"from_level": "regular", "to_level": "gold", "direction": "upgrade",
                     "window_growth": 2500}))
    r = admin.post("/v1/admin/reach/run")
    assert r.status_code == 200 and r.json()["events_applied"] == 1
    assert admin.post("/v1/admin/reach/run").json()["events_applied"] == 0
    with api.client(owner) as shopper:
        box = shopper.get("/v1/me/messages").json()
        assert box["unread"] == 1
        [m] = box["items"]
        assert (m["subject"], m["body"]) == ("Congratulations", "Welcome to gold. Code LEVELUP")
        assert m["opened_at"] is None
        with api.client(other) as nosy:
            assert nosy.get("/v1/me/messages").json() == {"items": [], "unread": 0}
            for action in ("open", "click"):
                r = nosy.post(f"/v1/me/messages/{m['id']}/{action}")
                assert (r.status_code, r.json()["error"]["code"]) == (404, "message_not_found")
        first = shopper.post(f"/v1/me/messages/{m['id']}/open").json()
        again = shopper.post(f"/v1/me/messages/{m['id']}/open").json()
        assert first["opened_at"] is not None and again["opened_at"] == first["opened_at"]
        for _ in range(2):
            clicked = shopper.post(f"/v1/me/messages/{m['id']}/click")
            assert clicked.status_code == 200
        assert shopper.get("/v1/me/messages").json()["unread"] == 0
        assert shopper.post("/v1/me/messages/unknown/open").status_code == 404
    assert len(emitted(api, "reach_message_opened")) == 1
    [click] = emitted(api, "reach_message_clicked")
    assert click["user_id"] == owner_id
    assert click["payload"]["campaign_id"] == c["id"]
    assert click["payload"]["trigger_kind"] == "event"
    stats = admin.get(f"/v1/admin/reach/campaigns/{c['id']}/stats").json()
    assert (stats["sent"], stats["opened"], stats["clicked"]) == (1, 1, 1)
