"""A translation story played through the live API (simulated clock allowed), for the
coverage mart's tests (DuckDB against the OLTP, and Spark parity).

Live entities: products P1 P2 P3 (P4 delisted), categories General and Kitchen, brands Acme
and Bolt, landing page L1 (L2 archived), campaign C1 (C2, a draft, deleted).
pt-BR: P1 name + description, P2 name (40 days ago), P4 name; General name; L1 title and
  its block's body, L2 title; C2 subject.
es: P1 name created then reworded (and once more unchanged: no event), P3 name created
  then deleted; Acme name; C1 template.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import select

from tests.conftest import create_product
from tests.translations.helpers import CAT, CONTENT, tr
from transactional_api.events import relay
from transactional_api.events.models import OutboxEvent

CLOCK = "X-Flywheel-Clock"
# (entity_type, lang) -> entities, translated_entities, translated_fields,
#   recent_changes, recent_created, recent_updated, recent_deleted (worked out above)
EXPECTED = {
    ("product", "pt-BR"): (3, 2, 3, 3, 3, 0, 0),  # P4 delisted; P2's text is 40 days old
    ("category", "pt-BR"): (2, 1, 1, 1, 1, 0, 0),
    ("brand", "pt-BR"): (2, 0, 0, 0, 0, 0, 0),
    ("landing_page", "pt-BR"): (1, 1, 2, 3, 3, 0, 0),  # L2 archived: its text counts nowhere
    ("message_template", "pt-BR"): (1, 0, 0, 1, 1, 0, 0),  # C2 deleted
    ("product", "es"): (3, 1, 1, 4, 2, 1, 1),
    ("category", "es"): (2, 0, 0, 0, 0, 0, 0),
    ("brand", "es"): (2, 1, 1, 1, 1, 0, 0),
    ("landing_page", "es"): (1, 0, 0, 0, 0, 0, 0),
    ("message_template", "es"): (1, 1, 1, 1, 1, 0, 0),
}


@dataclass
class Story:
    ids: dict[str, str] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)


def _ok(r, *codes: int) -> dict:
    assert r.status_code in (codes or (200, 201)), r.text
    return r.json() if r.content else {}


def _entities(admin, story: Story) -> None:
    ids = story.ids
    for n in (1, 2, 3, 4):
        ids[f"P{n}"] = create_product(admin, code=f"COV-{n}")["id"]
    ids["General"] = admin.get(f"/v1/products/{ids['P1']}").json()["category_id"]
    ids["Kitchen"] = _ok(admin.post("/v1/admin/categories",
                                    json={"name": "Kitchen", "slug": "kitchen"}))["id"]
    for name in ("Acme", "Bolt"):
        ids[name] = _ok(admin.post("/v1/admin/brands",
                                   json={"name": name, "slug": name.lower()}))["id"]
    for name in ("L1", "L2"):
        ids[name] = _ok(admin.post("/v1/admin/pages", json={
            "slug": f"cov-{name.lower()}", "title": f"Page {name}",
            "blocks": [{"kind": "text", "body": "Hello"}]}))["id"]
    for name in ("C1", "C2"):
        ids[name] = _ok(admin.post("/v1/admin/reach/campaigns", json={
            "name": name, "channel": "inbox", "subject": "Hello",
            "template": "Welcome to {level}",
            "trigger": {"kind": "event", "event_type": "member_level_changed"}}))["id"]


def play(api) -> Story:
    """Run the story; every outbox record the API wrote, relayed to the lake."""
    story = Story()
    ids = story.ids
    with api.client(api.admin_token()) as admin:
        _entities(admin, story)
        _ok(admin.put(CAT, json=tr("product", ids["P2"], "name", "pt-BR", "Produto dois"),
                      headers={CLOCK: (datetime.now(UTC) - timedelta(days=40)).isoformat()}))
        _ok(admin.put(f"{CAT}/bulk", json={"items": [
            tr("product", ids["P1"], "name", "pt-BR", "Produto um"),
            tr("product", ids["P1"], "description", "pt-BR", "Descrição"),
            tr("product", ids["P4"], "name", "pt-BR", "Produto quatro"),
            tr("category", ids["General"], "name", "pt-BR", "Geral"),
            tr("product", ids["P1"], "name", "es", "Producto uno"),
            tr("product", ids["P3"], "name", "es", "Producto tres"),
            tr("brand", ids["Acme"], "name", "es", "Acme ES")]}))
        _ok(admin.put(CAT, json=tr("product", ids["P1"], "name", "es", "Producto 1")))
        _ok(admin.put(CAT, json=tr("product", ids["P1"], "name", "es", "Producto 1")))
        assert _ok(admin.post(f"{CAT}/delete", json={"items": [
            {"entity_type": "product", "entity_id": ids["P3"], "field": "name",
             "lang": "es"}]})) == {"deleted": 1}
        _ok(admin.put(f"{CONTENT}/bulk", json={"items": [
            tr("landing_page", ids["L1"], "title", "pt-BR", "Página um"),
            tr("landing_page", ids["L1"], "blocks.0.body", "pt-BR", "Olá"),
            tr("landing_page", ids["L2"], "title", "pt-BR", "Página dois"),
            tr("message_template", ids["C2"], "subject", "pt-BR", "Olá"),
            tr("message_template", ids["C1"], "template", "es", "Bienvenido a {level}")]}))
        # then P4, L2 and C2 retire: their texts stay in the OLTP but cover nothing
        _ok(admin.post(f"/v1/admin/products/{ids['P4']}/transitions",
                       json={"action": "delist", "reason": "discontinued"}))
        _ok(admin.post(f"/v1/admin/pages/{ids['L2']}/transitions", json={"action": "archive"}))
        _ok(admin.delete(f"/v1/admin/reach/campaigns/{ids['C2']}"), 204)
    relay.drain(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                redis_client=redis.Redis.from_url(api.settings.redis_url),
                stream=api.settings.redis_stream, stream_maxlen=10_000)
    with api.sessions() as s:
        story.records = [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).order_by(OutboxEvent.id))]
    return story
