"""Risk control: a decision of the rules (every challenge and block, a sample of allows),
and an operator's verdict on an order held for review. The envelope's user_id is the user
the decision is about (None for a registration refused before any account existed), and
for review_decided the operator who decided."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

Action = Literal["sign_in", "register", "place_order", "coupon_claim", "pay", "review"]
Reason = Annotated[str, Field(min_length=1, max_length=40)]


class RiskDecisionMadePayload(Strict):
    decision_id: Id
    action: Action
    outcome: Literal["allow", "challenge", "block"]
    score: Annotated[int, Field(strict=True, ge=0, le=100)]
    reasons: Annotated[list[Reason], Field(max_length=20)]  # rule codes, most severe first
    order_id: Id | None = None


class RiskReviewDecidedPayload(Strict):
    review_id: Id
    order_id: Id
    decision_id: Id
    verdict: Literal["approved", "rejected"]
    order_total_cents: Cents
    currency: Annotated[str, Field(min_length=3, max_length=3)]


class RiskDecisionMade(Envelope):
    event_type: Literal["risk_decision_made"] = "risk_decision_made"
    payload: RiskDecisionMadePayload


class RiskReviewDecided(Envelope):
    event_type: Literal["risk_review_decided"] = "risk_review_decided"
    payload: RiskReviewDecidedPayload


RISK_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (RiskDecisionMade, RiskReviewDecided)
}
