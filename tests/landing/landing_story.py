"""A landing story played through the real API: one page, one home banner, four visitors,
every event relayed to the lake. What each visitor does:

  A  views the page, sees and clicks the banner, orders and pays       -> page and banner
  B  views the page, orders but never pays                              -> nothing
  C  never sees page or banner, orders and pays                         -> nothing
  D  views the page twice, sees the banner (no click), orders and pays  -> page only

The figures the mart tests expect come from the OLTP (the orders' totals), never from the
marts themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import redis

from tests.api.catalog_helpers import pay
from tests.conftest import create_product
from tests.landing.helpers import creative, page, shopper
from transactional_api.events import relay


@dataclass
class Story:
    page_id: str
    slug: str
    creative_id: str
    orders: dict[str, str] = field(default_factory=dict)  # visitor -> order id


def _events(c, anon: str, session: str, events: list[dict]) -> None:
    utm = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "lp"}
    r = c.post("/v1/events", json={"events": [
        {"anonymous_id": anon, "session_id": session, "context": utm, **e} for e in events]})
    assert r.status_code == 200 and r.json()["accepted"] == len(events), r.text


def play(api, admin) -> Story:
    product = create_product(admin, code=f"LP-{uuid.uuid4().hex[:6]}", price_cents=2500,
                             stock=50)
    sku = product["skus"][0]["id"]
    p = page(admin, blocks=[{"kind": "products", "product_ids": [product["id"]]}])
    banner = creative(admin, target_page_slug=p["slug"], target_url=None)
    story = Story(page_id=p["id"], slug=p["slug"], creative_id=banner["id"])
    view = {"event_type": "landing_page_view",
            "payload": {"page_id": p["id"], "slug": p["slug"]}}
    seen = {"event_type": "slot_impression",
            "payload": {"slot": "home_banner", "creative_id": banner["id"]}}
    click = {**seen, "event_type": "slot_click"}
    plan = {"A": ([seen, click, view], True), "B": ([view], False), "C": ([], True),
            "D": ([view, seen, view], True)}
    for name, (events, pays) in plan.items():
        token, _ = shopper(api)
        anon, session = f"anon-{name}-{uuid.uuid4().hex[:6]}", f"s-{uuid.uuid4().hex[:8]}"
        with api.client(token) as c:
            if events:
                _events(c, anon, session, events)
            r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1 + len(
                events)}], "anonymous_id": anon, "session_id": session})
            assert r.status_code == 201, r.text
            story.orders[name] = r.json()["id"]
            if pays:
                assert pay(c, story.orders[name])["status"] == "paid"
    client = redis.Redis.from_url(api.settings.redis_url)
    relay.drain(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                redis_client=client, stream=api.settings.redis_stream, stream_maxlen=10_000)
    return story
