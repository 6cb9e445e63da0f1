"""Steps the landing tests share: shoppers, a tagged audience, pages and creatives."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from tests.conftest import register
from transactional_api.events.models import OutboxEvent


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat()


HOUR = timedelta(hours=1)


def shopper(api) -> tuple[str, str]:
    """(token, user id) of a new shopper."""
    token = register(api, f"s-{uuid.uuid4().hex[:10]}@example.com")
    with api.client(token) as c:
        return token, c.get("/v1/me").json()["id"]


def tagged_audience(admin: httpx.Client, user_ids: list[str]) -> str:
    """An audience of a fresh manual tag, carried by user_ids."""
    tag = f"lp_{uuid.uuid4().hex[:8]}"
    admin.post("/v1/admin/tags", json={"name": tag})
    admin.post(f"/v1/admin/tags/{tag}/transitions", json={"action": "activate"})
    for uid in user_ids:
        assert admin.put(f"/v1/admin/users/{uid}/tags/{tag}", json={}).status_code == 201
    r = admin.post("/v1/admin/audiences", json={"name": f"a-{tag}", "rule": {"tag": tag}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def page(admin: httpx.Client, *, publish: bool = True, **over) -> dict:
    body = {"slug": f"p-{uuid.uuid4().hex[:8]}", "title": "Summer picks",
            "blocks": [{"kind": "text", "body": "Hello"}], **over}
    r = admin.post("/v1/admin/pages", json=body)
    assert r.status_code == 201, r.text
    if publish:
        r = admin.post(f"/v1/admin/pages/{r.json()['id']}/transitions",
                       json={"action": "publish"})
        assert r.status_code == 200, r.text
    return r.json()


def creative(admin: httpx.Client, *, publish: bool = True, **over) -> dict:
    body = {"slot": "home_banner", "title": "Banner", "image_url": "https://img.example/b.png",
            "target_url": "https://shop.example/sale", **over}
    r = admin.post("/v1/admin/slots", json=body)
    assert r.status_code == 201, r.text
    if publish:
        r = admin.post(f"/v1/admin/slots/{r.json()['id']}/transitions",
                       json={"action": "publish"})
        assert r.status_code == 200, r.text
    return r.json()


def outbox(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id))]
