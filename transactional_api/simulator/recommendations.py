"""Shoppers who see recommendations and react to them: on the home page, a product page and
the cart they ask the serving endpoints for a list, log a recommendation_shown per item
seen, and sometimes click one (more often when it is in a category they care about, and
the higher it sits), then view it and now and then put it in the cart. An endpoint that is
missing (404) or refuses (4xx, 503) is skipped: the visit goes on without a list."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import PlannedProduct, Shopper, Step, Visit

if TYPE_CHECKING:  # visits.py imports this module
    from transactional_api.simulator.visits import ShopperState, VisitRunner

log = logging.getLogger(__name__)

SHOWN = 6  # items a widget shows at once (the rest of the list is never seen)
BASE_CLICK = 0.035  # chance to click an item at position 1 that does not match an interest
INTEREST_LIFT = 4.0  # ... times this when it is in a category the shopper cares about
ADD_AFTER_CLICK = {"home": 0.15, "product": 0.25, "cart": 0.45}
PATHS = {"home": "/v1/recommendations/home", "product": "/v1/recommendations/products/{}",
         "cart": "/v1/recommendations/cart"}


def click_probability(position: int, interesting: bool) -> float:
    """Falls with position like an eye-tracking curve (1 / sqrt(position)); capped at 0.5."""
    p = BASE_CLICK * (INTEREST_LIFT if interesting else 1.0) / position ** 0.5
    return min(0.5, p)


@dataclass
class RecoCounters:
    lists: int = 0
    shown: int = 0
    clicked: int = 0
    added: int = 0
    unavailable: int = 0


@dataclass
class SimRecommendations:
    client: ApiClient
    seed: int | str
    catalog: list[PlannedProduct]
    counters: RecoCounters = field(default_factory=RecoCounters)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"recommendations:{self.seed}")
        self.products = {p.product_id: p for p in self.catalog}

    # --- the serving call --------------------------------------------------------------
    def fetch(self, placement: str, *, visit: Visit, step: Step, token: str | None,
              product_id: str | None = None, recent: list[str] | None = None) -> dict | None:
        params: dict[str, Any] = {"limit": 10, "session_key": visit.session_id}
        if recent:
            params["recent"] = ",".join(list(dict.fromkeys(reversed(recent)))[:20])
        try:
            body = self.client.get(PATHS[placement].format(product_id), params=params,
                                   token=token, clock=step.at, retries=2)
        except ApiError as exc:
            if exc.status >= 500 and exc.status != 503:
                raise
            self.counters.unavailable += 1
            log.debug("no %s recommendations: %s", placement, exc)
            return None
        return body if isinstance(body, dict) and body.get("items") else None

    # --- what the shopper does with a list ----------------------------------------------
    def react(self, served: dict, shopper: Shopper, context_category: str | None
              ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """The items seen (payloads of recommendation_shown) and the one clicked, if any."""
        interests = set(shopper.favourite_categories) | (
            {context_category} if context_category else set())
        seen, clicked = [], None
        for item in served["items"][:SHOWN]:
            payload = {"list_id": served["list_id"], "placement": served["placement"],
                       "model": served["model"], "version": served.get("version"),
                       "variant": served["variant"], "product_id": item["product_id"],
                       "position": int(item["position"])}
            seen.append(payload)
            product = self.products.get(item["product_id"])
            interesting = product is not None and product.category in interests
            if clicked is None and self.rng.random() < click_probability(
                    payload["position"], interesting):
                clicked = payload
        return seen, clicked

    def show(self, runner: VisitRunner, placement: str, *, visit: Visit, shopper: Shopper,
             step: Step, state: ShopperState, buffer: list[dict[str, Any]],
             product_id: str | None = None, recent: list[str] | None = None,
             offset_seconds: int = 1) -> None:
        """Ask for a list at `step`, log what was seen, and act on a click: events are dated
        offset_seconds.. after the step (before it, with a negative offset), inside the
        gap of at least 4 s the planner leaves between steps."""
        served = self.fetch(placement, visit=visit, step=step, token=state.token,
                            product_id=product_id, recent=recent)
        if served is None:
            return
        context = self.products[product_id].category if product_id in self.products else None
        seen, clicked = self.react(served, shopper, context)
        self.counters.lists += 1
        self.counters.shown += len(seen)
        at = replace(step, at=step.at + timedelta(seconds=offset_seconds))
        buffer.extend(runner._event(visit, shopper, at, "recommendation_shown", p)
                      for p in seen)
        if clicked is None:
            return
        self.counters.clicked += 1
        at = replace(at, at=at.at + timedelta(seconds=1))
        buffer.append(runner._event(visit, shopper, at, "recommendation_clicked", clicked))
        pid = clicked["product_id"]
        if placement != "cart":  # a click opens the product page; in the cart it adds
            buffer.append(runner._event(visit, shopper, at, "product_view", {"product_id": pid}))
            if recent is not None:
                recent.append(pid)
        product = self.products.get(pid)
        if product is None or not product.sku_ids or (
                self.rng.random() >= ADD_AFTER_CLICK[placement]):
            return
        add = Step("add_to_cart", at.at + timedelta(seconds=1), (
            ("product_id", pid), ("quantity", 1), ("sku_id", self.rng.choice(product.sku_ids))))
        if runner._cart_add(add, state):
            self.counters.added += 1
            buffer.append(runner._event(visit, shopper, add, "add_to_cart", {
                "product_id": pid, "sku_id": add.arg("sku_id"), "quantity": 1}))
