"""Visitors of a landing campaign: the operator publishes a landing page (the catalog's
first products) and two home banners pointing at it; each simulated day some shoppers see
the banners (slot_impression), click one with CLICK_CHANCE (slot_click), open the page
(landing_page_view, with the campaign's UTM parameters) and buy one of its products with
BUY_CHANCE, paying at once in the sandbox. Every draw comes from the seed and the day, so a
rerun does the same. A refused call (4xx) skips that visitor; the demo goes on.

Call ``SimLanding(client, admin_token, seed).setup(clock=...)`` once, then
``day(shoppers, day_start)`` per simulated day."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import Shopper, rng_uuid

log = logging.getLogger(__name__)

SLUG = "spring-picks"
VISIT_SHARE = 0.3  # of the shoppers, each day
CLICK_CHANCE = 0.25
DIRECT_VIEW_CHANCE = 0.2  # a visitor who did not click still opens the page (a shared link)
BUY_CHANCE = 0.3
UTM = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "spring-picks"}
GAP = timedelta(seconds=30)


@dataclass
class SimLanding:
    client: ApiClient
    admin_token: str | None
    seed: int | str
    page: dict | None = None
    products: list[dict] = field(default_factory=list)  # {product_id, sku_id}
    views: int = 0
    impressions: int = 0
    clicks: int = 0
    orders: int = 0
    tokens: dict[str, str] = field(default_factory=dict)  # email -> token

    def setup(self, *, clock: datetime) -> bool:
        """Publish the page and its banners (reusing them on a rerun); False when there
        is nothing to show (no operator, no products)."""
        if not self.admin_token:
            return False
        items = self.client.get("/v1/products", params={"limit": 6}, clock=clock)["items"]
        self.products = [{"product_id": p["id"], "sku_id": p["skus"][0]["id"]}
                         for p in items if p.get("skus")]
        if not self.products:
            return False
        existing = [p for p in self.client.get("/v1/admin/pages", token=self.admin_token,
                                               clock=clock)["items"] if p["slug"] == SLUG]
        if existing:
            self.page = existing[0]
            return True
        page = self.client.post("/v1/admin/pages", token=self.admin_token, clock=clock, json={
            "slug": SLUG, "title": "Spring picks",
            "blocks": [{"kind": "text", "heading": "Spring picks", "body": "Fresh this week."},
                       {"kind": "products", "product_ids": [p["product_id"]
                                                            for p in self.products]}]})
        self.page = self.client.post(f"/v1/admin/pages/{page['id']}/transitions",
                                     token=self.admin_token, clock=clock,
                                     json={"action": "publish"})
        for n, title in enumerate(("Spring picks", "New this week")):
            c = self.client.post("/v1/admin/slots", token=self.admin_token, clock=clock, json={
                "slot": "home_banner", "title": title, "priority": 10 - n,
                "image_url": f"https://img.flywheel.example/banner-{n}.png",
                "target_page_slug": SLUG})
            self.client.post(f"/v1/admin/slots/{c['id']}/transitions", token=self.admin_token,
                             clock=clock, json={"action": "publish"})
        return True

    def _token(self, shopper: Shopper, at: datetime) -> str:
        if shopper.email not in self.tokens:
            self.tokens[shopper.email] = self.client.login(shopper.email, shopper.password,
                                                           clock=at)
        return self.tokens[shopper.email]

    def day(self, shoppers: list[Shopper], day_start: datetime) -> None:
        if self.page is None:
            return
        rng = random.Random(f"landing:{self.seed}:{day_start.date().isoformat()}")
        at = day_start + timedelta(hours=10)
        for shopper in shoppers:
            if rng.random() >= VISIT_SHARE:
                continue
            at += timedelta(minutes=rng.randint(1, 20))
            try:
                self._visit(shopper, rng, at)
            except ApiError as exc:
                if exc.status >= 500:
                    raise
                log.info("landing visit skipped", extra={"status": exc.status})

    def _visit(self, shopper: Shopper, rng: random.Random, at: datetime) -> None:
        token = self._token(shopper, at)
        session = rng_uuid(rng)
        banners = self.client.get("/v1/slots/home_banner", token=token, clock=at)["items"]
        events = [{"event_type": "slot_impression", "occurred_at": at.isoformat(),
                   "payload": {"slot": "home_banner", "creative_id": b["creative_id"]}}
                  for b in banners]
        self.impressions += len(events)
        clicked = banners and rng.random() < CLICK_CHANCE
        if clicked:
            events.append({"event_type": "slot_click", "occurred_at": (at + GAP).isoformat(),
                           "payload": {"slot": "home_banner",
                                       "creative_id": banners[0]["creative_id"]}})
            self.clicks += 1
        viewing = clicked or rng.random() < DIRECT_VIEW_CHANCE
        if viewing:
            page = self.client.get(f"/v1/pages/{SLUG}", token=token, clock=at + 2 * GAP)
            events.append({"event_type": "landing_page_view",
                           "occurred_at": (at + 2 * GAP).isoformat(),
                           "payload": {"page_id": page["id"], "slug": page["slug"]}})
            self.views += 1
        if events:
            self.client.post("/v1/events", token=token, clock=at + 2 * GAP, json={"events": [
                {**e, "anonymous_id": shopper.anonymous_id, "session_id": session,
                 "context": UTM} for e in events]})
        if viewing and rng.random() < BUY_CHANCE:
            self._buy(token, shopper, session, rng, at + 4 * GAP)

    def _buy(self, token: str, shopper: Shopper, session: str, rng: random.Random,
             at: datetime) -> None:
        product = rng.choice(self.products)
        order = self.client.post("/v1/orders", token=token, clock=at, json={
            "items": [{"sku_id": product["sku_id"], "quantity": 1}],
            "anonymous_id": shopper.anonymous_id, "session_id": session, "context": UTM})
        self.client.post(f"/v1/orders/{order['id']}/payments", token=token, clock=at + GAP,
                         json={"channel": "sandbox", "sandbox_outcome": "succeed"})
        self.orders += 1
