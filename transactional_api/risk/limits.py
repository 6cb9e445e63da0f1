"""The thresholds risk rules compare against (settings.risk_limits).

Each limit is a pair [challenge_at, block_at]: a count reaching challenge_at asks for a
second factor or an operator's review, one reaching block_at refuses; 0 switches that
step off. The defaults sit far above what a shopper does in an hour or a day, so normal
shopping (and the demo's simulated crowd) never meets them; client-address limits are off
because behind a NAT or a load balancer one address is many people.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Count = Annotated[int, Field(ge=0, le=10**9)]


class Limit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    challenge_at: Count = 0
    block_at: Count = 0

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, value):
        if isinstance(value, list | tuple):  # [challenge_at, block_at] in env JSON
            return {"challenge_at": value[0], "block_at": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self):
        if self.challenge_at and self.block_at and self.block_at < self.challenge_at:
            raise ValueError("block_at must be at least challenge_at")
        return self

    def outcome(self, count: int) -> str:
        if self.block_at and count >= self.block_at:
            return "block"
        if self.challenge_at and count >= self.challenge_at:
            return "challenge"
        return "allow"


def _l(challenge: int, block: int):
    return Field(default_factory=lambda: Limit(challenge_at=challenge, block_at=block))


class RiskLimits(BaseModel):
    """Velocity counts are per fixed UTC hour (orders, payments, sign-ins, coupon claims)
    or per UTC day (registrations); distinct-user counts cover the last 30 days."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # actions per hour by one user / device / shipping address / payment instrument / client
    per_user_hour: Limit = _l(60, 300)
    per_device_hour: Limit = _l(40, 200)
    per_address_hour: Limit = _l(40, 200)
    per_instrument_hour: Limit = _l(20, 100)
    per_client_hour: Limit = _l(0, 0)
    # accounts registered per device / client address in one UTC day
    accounts_per_device_day: Limit = _l(5, 20)
    accounts_per_client_day: Limit = _l(0, 0)
    # distinct users behind one shipping address / device / payment instrument (30 days)
    users_per_address: Limit = _l(6, 20)
    users_per_device: Limit = _l(6, 20)
    users_per_instrument: Limit = _l(4, 10)
    # reviews submitted per hour by one user / device (a big order reviewed in one sitting
    # stays well below), and distinct reviewers of one merchant behind one device (30 days;
    # a household sharing a tablet is two or three): review brushing
    reviews_per_user_hour: Limit = _l(20, 60)
    reviews_per_device_hour: Limit = _l(30, 90)
    users_per_merchant_device: Limit = _l(4, 10)
    # an account younger than new_account_days placing an order over large_order_cents
    new_account_days: Annotated[int, Field(ge=0, le=3650)] = 1
    new_account_large_order_cents: Annotated[int, Field(ge=0)] = 500_000
    # the warehouse's score (0-100, fct_user_risk_scores published to Redis)
    score: Limit = _l(80, 95)
