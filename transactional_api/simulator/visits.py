"""Turn one planned visit into HTTP requests and behaviour events against the real API."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError, iso
from transactional_api.simulator.members import SimMembers
from transactional_api.simulator.promotions import SimPromotions
from transactional_api.simulator.recommendations import SimRecommendations
from transactional_api.simulator.shoppers import (
    Shopper,
    Step,
    Visit,
    channel_named,
    rng_uuid,
)
from transactional_api.simulator.showcase import REGIONS

log = logging.getLogger(__name__)


@dataclass
class ShopperState:
    token: str | None = None
    remembered: str | None = None  # the token a "remember me" browser would still hold
    registered: bool = False
    guest_cart: str | None = None  # the id a signed-out browser keeps for its cart
    address_id: str | None = None  # saved in the address book at the first checkout


@dataclass
class TrackedOrder:
    order_id: str
    shopper: int
    day: int
    token: str
    expect_paid: bool = False
    last_payment_id: str | None = None
    cancelled: bool = False
    points: int = 0  # points the order was placed with
    channel: str | None = None  # the channel it must be paid with (a payment reduction)


def planned_channel(step: Step) -> str:
    """The channel a pay step prefers, from its seeded idempotency key (never a server id,
    which is random): 30% card, 10% bank transfer, the rest the instant sandbox."""
    pick = int(str(step.arg("idempotency_key")).replace("-", "")[:8], 16) % 100
    return "card" if pick < 30 else "bank_transfer" if pick < 40 else "sandbox"


@dataclass
class Counters:
    visits: int = 0
    events_sent: int = 0
    events_accepted: int = 0
    events_rejected: int = 0
    registrations: int = 0
    logins: int = 0
    cart_adds: int = 0
    orders: int = 0
    previews: int = 0
    price_changed: int = 0
    payment_attempts: int = 0
    cancellations: int = 0
    skipped_steps: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


@dataclass
class VisitRunner:
    client: ApiClient
    event_rng: random.Random
    batch_size: int = 200
    counters: Counters = field(default_factory=Counters)
    orders: list[TrackedOrder] = field(default_factory=list)
    states: dict[int, ShopperState] = field(default_factory=dict)
    members: SimMembers | None = None  # code sign-ins, shares, points (with an operator)
    promotions: SimPromotions | None = None  # coupon claims, codes, best-coupon asks
    recommendations: SimRecommendations | None = None  # lists seen, clicked, carted

    # --- events --------------------------------------------------------------------
    def _flush(self, buffer: list[dict[str, Any]], token: str | None, clock: datetime) -> None:
        while buffer:
            batch, buffer[:] = buffer[: self.batch_size], buffer[self.batch_size:]
            body = self.client.post("/v1/events", json={"events": batch}, token=token,
                                    clock=clock)
            self.counters.events_sent += len(batch)
            self.counters.events_accepted += int(body.get("accepted", 0))
            rejected = body.get("rejected") or []
            self.counters.events_rejected += len(rejected)
            if rejected:
                log.warning("events rejected: %s", rejected[:3])

    def _event(self, visit: Visit, shopper: Shopper, step: Step, event_type: str,
               payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "event_id": rng_uuid(self.event_rng),
            "event_type": event_type,
            "schema_version": 1,
            "occurred_at": iso(step.at),
            "anonymous_id": shopper.anonymous_id,
            "session_id": visit.session_id,
            "context": channel_named(visit.channel).context(visit.device),
            "payload": payload,
        }

    # --- steps -----------------------------------------------------------------------
    def _login(self, shopper: Shopper, state: ShopperState, step: Step) -> None:
        at = step.at
        if state.remembered and not step.arg("fresh"):
            state.token = state.remembered
            return
        method = self.members.method(shopper) if self.members else "password"
        if method != "password":
            body = self.members.sign_in_by_code(shopper, at)
            if body is None:  # throttled: still signed in from last time, if ever
                state.token = state.remembered
                return
            if body.get("created"):
                self.counters.registrations += 1
                self.members.welcome(shopper, body["user"]["id"])
            else:
                self.counters.logins += 1
            state.registered = True
            state.token = state.remembered = body["token"]
            return
        creds = {"email": shopper.email, "password": shopper.password}
        if not state.registered:
            try:
                body = self.client.post("/v1/auth/register", json=creds, clock=at)
                self.counters.registrations += 1
                if self.members:
                    self.members.welcome(shopper, body["user"]["id"])
            except ApiError as exc:
                if exc.status not in (400, 409, 422):
                    raise
                # Re-running a seed against the same database: the account already exists.
                body = self.client.post("/v1/auth/login", json=creds, clock=at)
                self.counters.logins += 1
            state.registered = True
        else:
            body = self.client.post("/v1/auth/login", json=creds, clock=at)
            self.counters.logins += 1
        state.token = state.remembered = body["token"]

    def run(self, visit: Visit, shopper: Shopper) -> None:
        state = self.states.setdefault(shopper.index, ShopperState())
        state.token = None  # every visit starts signed out; the plan says when to sign in
        buffer: list[dict[str, Any]] = []
        order: TrackedOrder | None = None
        buying = True
        viewed: list[str] = []  # this visit's product views, for the session-aware lists
        reco = self.recommendations
        self.counters.visits += 1
        for step in visit.steps:
            kind = step.kind
            if kind == "login":
                # user_id comes from the bearer token: send what was seen signed-out first
                self._flush(buffer, state.token, step.at)
                joined = self.counters.registrations
                self._login(shopper, state, step)
                if self.promotions and state.token:
                    self.promotions.after_login(shopper, visit.session_id, state.token,
                                                step.at, new=self.counters.registrations > joined)
            elif kind == "page_view":
                buffer.append(self._event(visit, shopper, step, "page_view",
                                          {"page": step.arg("page")}))
                if reco and step.arg("page") == "/":
                    reco.show(self, "home", visit=visit, shopper=shopper, step=step,
                              state=state, buffer=buffer)
            elif kind == "search":
                # the shop's own search: the server records the search_performed event
                self.client.get("/v1/search", params={"q": step.arg("query"), "limit": 20},
                                clock=step.at, token=state.token,
                                headers={"X-Session-Id": visit.session_id,
                                         "X-Anonymous-Id": shopper.anonymous_id})
            elif kind == "product_view":
                pid = step.arg("product_id")
                self.client.get(f"/v1/products/{pid}", clock=step.at, token=state.token)
                payload = {"product_id": pid}
                if step.arg("sku_id"):
                    payload["sku_id"] = step.arg("sku_id")
                buffer.append(self._event(visit, shopper, step, "product_view", payload))
                viewed.append(pid)
                if reco:
                    reco.show(self, "product", visit=visit, shopper=shopper, step=step,
                              state=state, buffer=buffer, product_id=pid, recent=viewed)
                if self.members:
                    self.members.maybe_share(shopper, pid, state.token, step.at)
            elif kind == "add_to_cart":
                if self._cart_add(step, state):
                    buffer.append(self._event(visit, shopper, step, "add_to_cart", {
                        "product_id": step.arg("product_id"), "sku_id": step.arg("sku_id"),
                        "quantity": step.arg("quantity")}))
            elif kind == "remove_from_cart":
                try:
                    self._cart_call("DELETE", f"/v1/cart/items/{step.arg('sku_id')}",
                                    state, step)
                    buffer.append(self._event(visit, shopper, step, "remove_from_cart", {
                        "product_id": step.arg("product_id"), "sku_id": step.arg("sku_id"),
                        "quantity": step.arg("quantity")}))
                except ApiError as exc:
                    self._skip(step, exc)
            elif kind == "checkout_started":
                if reco:  # the cart page's list, seen just before checking out
                    reco.show(self, "cart", visit=visit, shopper=shopper, step=step, state=state,
                              buffer=buffer, recent=viewed, offset_seconds=-3)
                cart = self._cart_call("GET", "/v1/cart", state, step)
                items = cart.get("items") or []
                buying = bool(items)
                if buying:
                    buffer.append(self._event(visit, shopper, step, "checkout_started", {
                        "item_count": sum(int(i["quantity"]) for i in items),
                        "subtotal_cents": int(cart.get("subtotal_cents", 0))}))
            elif kind == "place_order" and buying:
                self._flush(buffer, state.token, step.at)
                order = self._place_order(visit, shopper, step, state)
                buying = order is not None
            elif kind == "pay" and order is not None:
                self._pay(order, step)
            elif kind == "cancel_order" and order is not None:
                self.client.post(f"/v1/orders/{order.order_id}/cancel", token=order.token,
                                 clock=step.at)
                order.cancelled = True
                if self.members and order.points:
                    self.members.given_back(shopper, order.points)
                self.counters.cancellations += 1
        if visit.steps:
            self._flush(buffer, state.token, visit.steps[-1].at)

    def _skip(self, step: Step, exc: ApiError) -> None:
        self.counters.skipped_steps += 1
        log.debug("step %s skipped: %s", step.kind, exc)

    def _cart_call(self, method: str, path: str, state: ShopperState, step: Step,
                   **kw: Any) -> Any:
        """A cart request as a browser makes it: with the guest cart id it holds, if any."""
        headers = {"X-Cart-Id": state.guest_cart} if state.guest_cart else None
        cart = self.client.request(method, path, token=state.token, clock=step.at,
                                   headers=headers, **kw)
        if state.token:
            state.guest_cart = None  # signed in: the API merged it into the shopper's cart
        elif cart.get("id"):
            state.guest_cart = cart["id"]
        return cart

    def _cart_add(self, step: Step, state: ShopperState) -> bool:
        try:
            self._cart_call("POST", "/v1/cart/items", state, step,
                            json={"sku_id": step.arg("sku_id"),
                                  "quantity": step.arg("quantity")})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            self._skip(step, exc)  # out of stock or product withdrawn: shoppers move on
            return False
        self.counters.cart_adds += 1
        return True

    def _place_order(self, visit: Visit, shopper: Shopper, step: Step,
                     state: ShopperState) -> TrackedOrder | None:
        key = step.arg("idempotency_key")
        region = REGIONS[shopper.index % len(REGIONS)]
        # the channel the shopper means to pay with, so a payment reduction is priced in
        pay = next((s for s in visit.steps[visit.steps.index(step):] if s.kind == "pay"), None)
        offer = {"payment_channel": planned_channel(pay)} if pay and self.promotions else {}
        try:
            address_id = self._address(shopper, state, region, step)
            if self.promotions:
                self.promotions.before_checkout(key, state.token, step.at)
            # the shopper sees shipping, tax and the total before paying, and places at it
            quote = self.client.post("/v1/checkout/preview", token=state.token, clock=step.at,
                                     json={"address_id": address_id, **offer})
            self.counters.previews += 1
            points = self.members.points_for(shopper, key, quote) if self.members else 0
            if points:  # the shopper ticks "pay with points" and sees the new total
                quote = self.client.post("/v1/checkout/preview", token=state.token,
                                         clock=step.at, json={"address_id": address_id,
                                                              "points_to_spend": points,
                                                              **offer})
                self.counters.previews += 1
        except ApiError as exc:
            if exc.status >= 500:
                raise
            self._skip(step, exc)
            return None
        body = {
            "session_id": visit.session_id,
            "anonymous_id": shopper.anonymous_id,
            "context": channel_named(visit.channel).context(visit.device),
            # shoppers live in regions; the shop ships from a warehouse serving theirs
            "address_id": address_id,
            "expected_total_cents": quote["total_cents"],
            **offer,
        }
        if points:
            body["points_to_spend"] = points
        try:
            created = self.client.post("/v1/orders", json=body, token=state.token,
                                       clock=step.at, headers={"Idempotency-Key": key})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            if exc.code == "price_changed":
                self.counters.price_changed += 1
            self._skip(step, exc)
            return None
        if step.arg("resend"):
            # a double-click / flaky network retry: the same key must give back the same order
            again = self.client.post("/v1/orders", json=body, token=state.token,
                                     clock=step.at, headers={"Idempotency-Key": key})
            if again.get("id") != created["id"]:
                log.error("idempotency broken: %s != %s", again.get("id"), created["id"])
        self.counters.orders += 1
        tracked = TrackedOrder(created["id"], shopper.index, visit.day, state.token or "",
                               points=points, channel=created.get("payment_channel") if any(
                                   a["lane"] == "payment" for a in created.get("adjustments",
                                                                               [])) else None)
        if points:
            self.members.spent(shopper, points)
        self.orders.append(tracked)
        return tracked

    def _address(self, shopper: Shopper, state: ShopperState, region: str, step: Step) -> str:
        if state.address_id is None:
            saved = self.client.post("/v1/me/addresses", token=state.token, clock=step.at, json={
                "name": f"Shopper {shopper.index}", "line1": f"{shopper.index + 1} Market St",
                "city": {"N": "Northport", "S": "Southvale", "C": "Centerville"}[region],
                "region": region, "postal_code": f"{10000 + shopper.index}", "country": "US"})
            state.address_id = saved["id"]
        return state.address_id

    def _channel(self, order: TrackedOrder, step: Step) -> str:
        """What this shopper pays with: among the channels offered for the order (a wallet
        only when its balance covers it), chosen from the planned step so a seed replays."""
        if order.channel:  # priced with this channel's reduction: only it may pay
            return order.channel
        offered = {o["channel"] for o in self.client.get(
            f"/v1/orders/{order.order_id}/payment-options", token=order.token,
            clock=step.at)["options"]}
        if "wallet" in offered:  # a shopper with enough in the wallet spends it
            return "wallet"
        preferred = planned_channel(step)
        return preferred if preferred in offered else "sandbox"

    def _card_page(self, payment: dict, outcome: str, step: Step) -> None:
        """The shopper's browser on the card provider's hosted page: card, then challenge."""
        page = payment["next_action"]["url"]
        number = "4000000000000002" if outcome == "fail" else "4242424242424242"
        self.client.post(f"{page}/card", clock=step.at, json={
            "number": number, "exp_month": 12, "exp_year": step.at.year + 3, "cvc": "123"})
        if outcome != "fail":
            self.client.post(f"{page}/challenge", clock=step.at, json={"code": "123456"})

    def _pay(self, order: TrackedOrder, step: Step) -> None:
        if order.last_payment_id:
            # a retry only makes sense once the failed attempt has been called back
            self.wait_payment(order.last_payment_id, order.token)
        outcome = step.arg("outcome")
        try:
            channel = self._channel(order, step)
            payment = self.client.post(
                f"/v1/orders/{order.order_id}/payments", token=order.token, clock=step.at,
                json={"channel": channel, **({"sandbox_outcome": outcome}
                                             if channel in ("sandbox", "bank_transfer")
                                             else {})},
                headers={"Idempotency-Key": step.arg("idempotency_key")})
            if channel == "card":
                self._card_page(payment, outcome, step)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            self._skip(step, exc)
            return
        self.counters.by_channel[channel] = self.counters.by_channel.get(channel, 0) + 1
        if channel == "bank_transfer":
            # the money arrives hours later (the operator's day end delivers it): the
            # simulation does not wait for it
            self.counters.payment_attempts += 1
            order.last_payment_id = None
            return
        self.counters.payment_attempts += 1
        order.last_payment_id = payment["id"]
        order.expect_paid = order.expect_paid or outcome == "succeed"

    def wait_payment(self, payment_id: str, token: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        status = "pending"
        while time.monotonic() < deadline:
            status = self.client.get(f"/v1/payments/{payment_id}", token=token)["status"]
            if status != "pending":
                break
            time.sleep(0.02)
        return status
