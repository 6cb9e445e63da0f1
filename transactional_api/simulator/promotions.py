"""Promotions and coupons in the simulated shop: the operator's set, made before the
simulated days, and shoppers who claim, redeem codes and ask which coupon is best.

The set covers every lane of the price engine: a store-wide tiered full reduction tied to
the paid-social campaign (so its ROI shows a discount cost), a category percent-off with a
cap, buy 2 get 1 on one product, free shipping over a threshold, quantity tiers and member
prices on a couple of SKUs, a price floor the category promotion runs into (a floor block),
and an instant reduction for card payments; coupon templates: a claimable percent-off, a
new-user coupon, a shipping coupon and a batch of single-use codes.

Shoppers' draws come from the seed and seeded ids (the shopper's anonymous id, the visit's
session id, the order's key), never from the plan's generator, so the plan stays as the
seed made it. Checkout leaves coupon_ids out: the engine picks the best wallet coupons.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import CHANNELS, Shopper

log = logging.getLogger(__name__)

CAMPAIGN = CHANNELS["paid_social"].utm_campaign  # the full reduction's campaign
REDUCED_CHANNEL = "card"  # the payment channel with an instant reduction
LENGTH = timedelta(days=90)  # how long the demo's offers run
CLAIM_CHANCE = 0.25  # a signed-in visit that claims the claimable coupon
NEW_USER_CHANCE = 0.6  # a new member who claims the new-user coupon
CODE_CHANCE = 0.05  # a signed-in visit that redeems a code (while codes last)
BEST_CHANCE = 0.3  # a checkout that asks for the best coupon first
CODES = 20


@dataclass
class DemoOffers:
    promotions: dict[str, str] = field(default_factory=dict)  # name -> id
    templates: dict[str, str] = field(default_factory=dict)  # role -> id
    codes: list[str] = field(default_factory=list)  # the single-use codes, unredeemed
    code_batch: str | None = None
    floor_sku: str | None = None  # one of the SKUs with a floor


def _promotion(client: ApiClient, token: str, at: datetime, currency: str, **body: Any) -> str:
    body = {"starts_at": at.isoformat(), "ends_at": (at + LENGTH).isoformat(),
            "currency": currency, **body}
    made = client.post("/v1/admin/promotions", token=token, clock=at, json=body)
    client.post(f"/v1/admin/promotions/{made['id']}/transitions", token=token, clock=at,
                json={"action": "activate"})
    return made["id"]


def _template(client: ApiClient, token: str, at: datetime, currency: str,
              **body: Any) -> str:
    body = {"claim_starts_at": at.isoformat(), "claim_ends_at": (at + LENGTH).isoformat(),
            "currency": currency, **body}
    made = client.post("/v1/admin/coupon-templates", token=token, clock=at, json=body)
    client.post(f"/v1/admin/coupon-templates/{made['id']}/transitions", token=token,
                clock=at, json={"action": "activate"})
    return made["id"]


def _pick_products(products: list[dict[str, Any]]) -> tuple[dict, dict, list[dict]]:
    """(a product for buy 2 get 1, a product of the percent-off category, two products
    of other categories for tier and member prices), by name: one catalog, one pick."""
    physical = sorted((p for p in products if p.get("skus")
                       and p["skus"][0].get("kind") != "virtual"),
                      key=lambda p: (p["name"], p["id"]))
    if len(physical) < 4:
        raise ValueError("the demo's promotions need at least four physical products")
    b2g1, in_category = physical[0], physical[len(physical) // 2]
    others = [p for p in physical if p["category_id"] != in_category["category_id"]
              and p is not b2g1][:2] or physical[1:3]
    return b2g1, in_category, others


def create_demo_promotions(client: ApiClient, admin_token: str, starts_at: datetime,
                           products: list[dict[str, Any]]) -> DemoOffers:
    """The demo's promotions and coupon templates, active from starts_at; products is the
    shop's listing (ApiClient.all_products)."""
    at, token = starts_at, admin_token
    currency = products[0]["skus"][0]["currency"]
    b2g1, in_category, priced = _pick_products(products)
    offers = DemoOffers()
    for product in priced:  # quantity tiers and member prices (silver and up)
        sku = product["skus"][0]
        price = sku["price_cents"]
        client.request("PUT", f"/v1/admin/skus/{sku['id']}/prices/tiers", token=token,
                       clock=at, json={"tiers": [
                           {"min_quantity": 2, "unit_price_cents": price * 92 // 100},
                           {"min_quantity": 3, "unit_price_cents": price * 88 // 100}]})
        client.request("PUT", f"/v1/admin/skus/{sku['id']}/prices/member", token=token,
                       clock=at, json={"prices": [
                           {"level": level, "unit_price_cents": price * pct // 100}
                           for level, pct in (("silver", 96), ("gold", 93), ("diamond", 90))]})
    # floors at 95% of the list price on the sale category's SKUs: its 15% off runs into
    # them, so shoppers of the category see floor blocks
    for product in products:
        if product["category_id"] == in_category["category_id"] and product.get("skus"):
            for sku in product["skus"]:
                client.request("PUT", f"/v1/admin/price-floors/{sku['id']}", token=token,
                               clock=at, json={"floor_cents": sku["price_cents"] * 95 // 100,
                                               "basis": "margin"})
    offers.floor_sku = in_category["skus"][0]["id"]
    p = offers.promotions
    p["Spend more, save more"] = _promotion(
        client, token, at, currency, name="Spend more, save more", kind="full_reduction",
        params={"tiers": [[10_000, 1_000], [20_000, 2_500]]}, campaign=CAMPAIGN)
    p["Category week"] = _promotion(
        client, token, at, currency, name="Category week", kind="percent_off",
        params={"percent_bp": 1_500, "cap_cents": 3_000},
        scope={"kind": "category", "ids": [in_category["category_id"]]})
    p["Buy 2 get 1"] = _promotion(
        client, token, at, currency, name="Buy 2 get 1", kind="buy_x_get_y",
        params={"buy": 2, "get": 1}, scope={"kind": "product", "ids": [b2g1["id"]]})
    p["Free shipping over 75.00"] = _promotion(
        client, token, at, currency, name="Free shipping over 75.00", kind="free_shipping",
        params={"min_spend_cents": 7_500})
    p["Card instant 5.00 off"] = _promotion(
        client, token, at, currency, name="Card instant 5.00 off", kind="payment_instant",
        params={"channel": REDUCED_CHANNEL, "amount_cents": 500, "min_spend_cents": 5_000})
    t = offers.templates
    t["claimable"] = _template(
        client, token, at, currency, name="10% off, claim it", kind="percent_off",
        params={"percent_bp": 1_000, "cap_cents": 2_000}, min_spend_cents=3_000,
        valid_days=14, total_limit=1_000, per_user_limit=2)
    t["new_user"] = _template(
        client, token, at, currency, name="Welcome 5.00 off", kind="new_user",
        params={"amount_cents": 500}, min_spend_cents=2_000, valid_days=30)
    t["shipping"] = _template(
        client, token, at, currency, name="Shipping on us", kind="shipping", params={},
        valid_days=7, per_user_limit=3)
    t["code"] = _template(
        client, token, at, currency, name="Partner code 8.00 off", kind="full_reduction",
        params={"tiers": [[4_000, 800]]}, claimable=False, valid_days=30)
    batch = client.post(f"/v1/admin/coupon-templates/{t['code']}/codes", token=token,
                        clock=at, json={"count": CODES})
    offers.codes, offers.code_batch = batch["codes"], batch["batch_id"]
    return offers


@dataclass
class PromoCounters:
    claims: int = 0
    new_user_claims: int = 0
    codes_redeemed: int = 0
    best_asked: int = 0
    refused: int = 0  # claims the shop refused (limits, risk)


class SimPromotions:
    """Shoppers' side of the demo's offers (hooks the visit runner calls)."""

    def __init__(self, client: ApiClient, seed: int, offers: DemoOffers | None) -> None:
        self.client = client
        self.seed = seed
        self.offers = offers
        self.counters = PromoCounters()
        self._codes = list(offers.codes) if offers else []

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(["promo", str(self.seed), *map(str, parts)]))

    def _issue(self, path: str, token: str, at: datetime, **kw: Any) -> bool:
        try:
            self.client.post(path, token=token, clock=at, **kw)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            self.counters.refused += 1  # limit reached, window closed, risk said no
            return False
        return True

    def after_login(self, shopper: Shopper, session_id: str, token: str, at: datetime, *,
                    new: bool) -> None:
        """A brand-new member may take the new-user coupon at once; any signed-in visit
        may claim the claimable (or the shipping) coupon and, rarely, redeem a code."""
        if not self.offers:
            return
        if new and self._rng("new", shopper.anonymous_id).random() < NEW_USER_CHANCE \
                and self._issue(f"/v1/coupons/templates/{self.offers.templates['new_user']}"
                                "/claim", token, at):
            self.counters.new_user_claims += 1
        rng = self._rng("visit", shopper.anonymous_id, session_id)
        if rng.random() < CLAIM_CHANCE:
            role = "claimable" if rng.random() < 0.7 else "shipping"
            if self._issue(f"/v1/coupons/templates/{self.offers.templates[role]}/claim",
                           token, at):
                self.counters.claims += 1
        if self._codes and rng.random() < CODE_CHANCE:
            code = self._codes.pop(0)
            if self._issue("/v1/me/coupons/redeem-code", token, at, json={"code": code}):
                self.counters.codes_redeemed += 1

    def before_checkout(self, key: str, token: str, at: datetime) -> None:
        """Some shoppers ask which wallet coupon saves most; checkout then lets the engine
        pick the best anyway (coupon_ids left out)."""
        if not self.offers or self._rng("best", key).random() >= BEST_CHANCE:
            return
        try:
            self.client.get("/v1/me/coupons/best", token=token, clock=at)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return
        self.counters.best_asked += 1
