"""Members in the simulated shop: how shoppers sign in (a password, or a one-time code by
email or by phone, read back from the sandbox sender as a shopper reads their inbox),
sharing products, welcome points from the operator, and paying with points at checkout.

Every choice comes from seeded ids (a shopper's anonymous id, a step's key) or this
module's own generator, so adding it changes none of the plan's draws. Points are spent
only from what the simulator knows the shopper holds for sure (welcome points and share
rewards, answered synchronously), never from earnings the members consumer credits a
moment later: so one seed places the same orders at the same totals on every run.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import Shopper, rng_uuid

log = logging.getLogger(__name__)
SHARE_CHANCE = 0.1
SHARE_CHANNELS = ("link", "email", "whatsapp", "wechat")
WELCOME_POINTS = 500
CODE = re.compile(r"\b(\d{6})\b")


def _pick(text: str) -> int:
    """0-99 from a seeded uuid-like id."""
    return int(text.replace("-", "")[:8], 16) % 100


def sign_in_method(shopper: Shopper) -> str:
    """Half the shoppers use a password, a third an email code, the rest a phone code."""
    pick = _pick(shopper.anonymous_id)
    return "password" if pick < 50 else "email_code" if pick < 83 else "phone_code"


def phone_of(shopper: Shopper) -> str:
    digits = int(shopper.anonymous_id.replace("-", "")[8:20], 16) % 10**7
    return f"+1555{digits:07d}"


@dataclass
class MemberCounters:
    code_sign_ins: dict[str, int] = field(default_factory=dict)
    shares: int = 0
    welcome_gifts: int = 0
    points_orders: int = 0
    points_spent: int = 0


class SimMembers:
    def __init__(self, client: ApiClient, admin_token: str | None, seed: int) -> None:
        self.client = client
        self.admin_token = admin_token
        self.rng = random.Random(f"members:{seed}")
        self.known_points: dict[int, int] = {}  # points the shopper surely holds
        self.counters = MemberCounters()

    # --- signing in ----------------------------------------------------------------
    def method(self, shopper: Shopper) -> str:
        return sign_in_method(shopper) if self.admin_token else "password"

    def sign_in_by_code(self, shopper: Shopper, at: datetime) -> dict[str, Any] | None:
        """Ask for a code, read it from the sandbox outbox, verify it (201 signs up).
        None when throttled: the caller falls back on what the shopper already holds."""
        channel = "email" if self.method(shopper) == "email_code" else "phone"
        to = shopper.email if channel == "email" else phone_of(shopper)
        try:
            self.client.post("/v1/auth/codes", json={"channel": channel, "destination": to},
                             clock=at, retries=1)
            sent = self.client.get("/v1/admin/sandbox/messages", params={"to": to},
                                   token=self.admin_token)["items"]
            code = CODE.search(sent[0]["body"]).group(1)
            body = self.client.post("/v1/auth/codes/verify", clock=at, retries=1, json={
                "channel": channel, "destination": to, "code": code})
        except ApiError as exc:
            if exc.status != 429:
                raise
            log.warning("code sign-in throttled for shopper %s", shopper.index)
            return None
        method = f"{channel}_code"
        self.counters.code_sign_ins[method] = self.counters.code_sign_ins.get(method, 0) + 1
        return body

    def welcome(self, shopper: Shopper, user_id: str) -> None:
        """Half the new members get welcome points from the operator."""
        if not self.admin_token or _pick(shopper.anonymous_id[::-1]) % 2:
            return
        try:
            self.client.post(f"/v1/admin/members/{user_id}/points/adjustments",
                             token=self.admin_token,
                             headers={"Idempotency-Key": f"welcome-{shopper.anonymous_id}"},
                             json={"points": WELCOME_POINTS, "reason": "welcome"}, ok=(201,))
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return  # a replay against the same shop: the points may be gone, count none
        self.counters.welcome_gifts += 1
        self.known_points[shopper.index] = self.known_points.get(shopper.index, 0) \
            + WELCOME_POINTS

    # --- sharing -------------------------------------------------------------------
    def maybe_share(self, shopper: Shopper, product_id: str, token: str | None,
                    at: datetime) -> None:
        """A signed-in shopper sometimes shares the product they look at."""
        if token is None or self.rng.random() >= SHARE_CHANCE:
            return
        key, channel = rng_uuid(self.rng), self.rng.choice(SHARE_CHANNELS)
        try:
            body = self.client.post(f"/v1/products/{product_id}/share", token=token,
                                    clock=at, json={"channel": channel},
                                    headers={"Idempotency-Key": key})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return
        self.counters.shares += 1
        self.known_points[shopper.index] = self.known_points.get(shopper.index, 0) \
            + int(body.get("points", 0))

    # --- paying with points --------------------------------------------------------
    def points_for(self, shopper: Shopper, key: str, quote: dict[str, Any]) -> int:
        """Points this checkout spends: 0, or for about half the orders of a shopper who
        surely holds some, as many of those as the order's cap allows."""
        known = self.known_points.get(shopper.index, 0)
        if known <= 0 or _pick(key[::-1]) >= 50:
            return 0
        most = int((quote.get("points") or {}).get("max_points", 0))
        return min(known, most)

    def spent(self, shopper: Shopper, points: int) -> None:
        self.known_points[shopper.index] = self.known_points.get(shopper.index, 0) - points
        self.counters.points_orders += 1
        self.counters.points_spent += points

    def given_back(self, shopper: Shopper, points: int) -> None:
        """A cancelled order's points come back in the cancel's own transaction."""
        self.known_points[shopper.index] = self.known_points.get(shopper.index, 0) + points
