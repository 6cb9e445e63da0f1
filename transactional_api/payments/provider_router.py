"""The sandbox card provider's hosted page, served beside our API for the demo and tests.

This stands for the provider's servers, not our payment API: the shopper's browser posts
the card here, the provider keeps a token and the last four digits, and tells our API the
outcome by signed callback. Nothing here logs a request body, and validation errors name
the field, never its value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from transactional_api.core.deps import Db
from transactional_api.core.errors import NotFound
from transactional_api.payments import card
from transactional_api.payments.provider_models import SandboxCardSession

router = APIRouter(prefix="/sandbox-provider", tags=["sandbox-provider"])
PageId = Annotated[str, Path(min_length=1, max_length=36)]


class CardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=12, max_length=23, pattern=r"^[0-9 -]+$")
    exp_month: int = Field(strict=True, ge=1, le=12)
    exp_year: int = Field(strict=True, ge=2000, le=2100)
    cvc: str = Field(pattern=r"^[0-9]{3,4}$")


class ChallengeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[0-9]{6}$")


class CardPageOut(BaseModel):
    session_id: str
    status: str
    amount_cents: int
    currency: str
    card_last4: str | None
    failure_reason: str | None
    next_step: Literal["card", "challenge"] | None
    next_url: str | None
    expires_at: datetime


def _out(page: SandboxCardSession) -> CardPageOut:
    step = {card.AWAITING_CARD: "card", card.AWAITING_CHALLENGE: "challenge"}.get(page.status)
    return CardPageOut(session_id=page.id, status=page.status, amount_cents=page.amount_cents,
                       currency=page.currency, card_last4=page.card_last4,
                       failure_reason=page.failure_reason, next_step=step,
                       next_url=f"{card.PAGE_PREFIX}/{page.id}/{step}" if step else None,
                       expires_at=page.expires_at)


def _enabled(request: Request) -> None:
    if "card" not in request.app.state.payment_channels:
        raise NotFound("the sandbox card provider is not enabled", code="channel_unavailable")


@router.get("/card/{session_id}", response_model=CardPageOut)
def card_page(session_id: PageId, db: Db, request: Request) -> CardPageOut:
    """The hosted page: amount, and which step is next (card, then challenge)."""
    _enabled(request)
    with db.begin():
        return _out(card.open_page(db, page_id=session_id))


@router.post("/card/{session_id}/card", response_model=CardPageOut)
def submit_card(session_id: PageId, body: CardIn, db: Db, request: Request) -> CardPageOut:
    """Card number, expiry and CVC: checked and tokenized here, never stored or sent on."""
    _enabled(request)
    with db.begin():
        return _out(card.submit_card(db, page_id=session_id, number=body.number,
                                     exp_month=body.exp_month, exp_year=body.exp_year,
                                     cvc=body.cvc))


@router.post("/card/{session_id}/challenge", response_model=CardPageOut)
def answer_challenge(session_id: PageId, body: ChallengeIn, db: Db,
                     request: Request) -> CardPageOut:
    """The 3-D Secure-like code: 000000 fails, any other six digits pass."""
    _enabled(request)
    with db.begin():
        return _out(card.answer_challenge(db, page_id=session_id, code=body.code))
