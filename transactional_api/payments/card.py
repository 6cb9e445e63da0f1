"""The sandbox card channel: a hosted payment page with a challenge step (like 3-D Secure).

Our API never sees a card number. ``start`` opens a session at the provider and hands the
shopper its page (``next_action``); the shopper posts the card, then the challenge code,
to the provider's own routes (provider_router.py). The provider keeps only a token and the
last four digits and reports by signed callbacks: authorized, then captured (or failed).

Test cards (any future expiry, any 3-4 digit CVC):
  4242 4242 4242 4242, 5555 5555 5555 4444   succeed once the challenge is passed
  4000 0000 0000 0002                        declined: card_declined
  4000 0000 0000 9995                        declined: insufficient_funds
  4000 0000 0000 0069                        declined: expired_card
Any other number passing the Luhn check succeeds; one failing it is refused (422) and can
be corrected. Challenge: any six digits pass except 000000 (authentication_failed).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.channels import (
    FAILED,
    REQUIRES_ACTION,
    LookupPending,
    ProviderEvent,
    StartResult,
    StatementEntry,
)
from transactional_api.payments.provider_models import SandboxCardSession
from transactional_api.payments.registry import ChannelBase, register

DECLINED_CARDS = {"4000000000000002": "card_declined",
                  "4000000000009995": "insufficient_funds",
                  "4000000000000069": "expired_card"}
FAILING_CHALLENGE = "000000"
AWAITING_CARD, AWAITING_CHALLENGE = "awaiting_card", "awaiting_challenge"
CAPTURED, VOID = "captured", "void"
PAGE_PREFIX = "/sandbox-provider/card"


@register
class CardChannel(ChannelBase):
    name = "card"
    label = "Card (sandbox, with a 3-D Secure challenge)"
    position = 20
    flow = "redirect"
    min_amount_cents = 50
    max_amount_cents = 5_000_000
    supersedable = frozenset({REQUIRES_ACTION})

    def __init__(self, *, ttl_seconds: float):
        self._ttl = ttl_seconds

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> CardChannel:
        return cls(ttl_seconds=settings.card_session_ttl_seconds)

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult:
        now = clock.real_now()
        page = SandboxCardSession(payment_id=payment_id, amount_cents=amount_cents,
                                  currency=currency, status=AWAITING_CARD, created_at=now,
                                  updated_at=now, expires_at=now + timedelta(seconds=self._ttl))
        session.add(page)
        session.flush()
        return StartResult(status=REQUIRES_ACTION, provider_reference=_reference(page),
                           next_action={"type": "redirect_to_url",
                                        "url": f"{PAGE_PREFIX}/{page.id}"})

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        page = session.scalar(select(SandboxCardSession).where(
            SandboxCardSession.payment_id == payment_id))
        if page is None:
            return None
        final = [e for e in books.owed_events(session, payment_id=payment_id)
                 if e.status != "authorized"]
        if final:
            return final[-1]
        if page.status in (AWAITING_CARD, AWAITING_CHALLENGE) and \
                page.expires_at > clock.real_now():
            raise LookupPending(payment_id)
        if page.status == CAPTURED:
            raise LookupPending(payment_id)  # its capture callback is queued
        if page.status == VOID:
            return _event(page, FAILED, suffix="void", reason="voided", at=page.updated_at)
        return _event(page, FAILED, suffix="expired", reason="authentication_expired",
                      at=clock.real_now())

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        return books.book_refund(session, channel=self.name, payment_id=payment_id,
                                 amount_cents=amount_cents, currency=currency,
                                 occurred_at=occurred_at)

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        return books.statement(session, channel=self.name, day=day)

    def void(self, *, session: Session, payment_id: str) -> None:
        page = session.scalar(select(SandboxCardSession).where(
            SandboxCardSession.payment_id == payment_id).with_for_update())
        if page is not None and page.status in (AWAITING_CARD, AWAITING_CHALLENGE):
            page.status = VOID
            page.updated_at = clock.real_now()


# --- the provider's side: what its hosted page does -----------------------------------
def open_page(session: Session, *, page_id: str, lock: bool = False) -> SandboxCardSession:
    stmt = select(SandboxCardSession).where(SandboxCardSession.id == page_id)
    page = session.scalar(stmt.with_for_update() if lock else stmt)
    if page is None:
        raise NotFound("no such card session")
    return page


def submit_card(session: Session, *, page_id: str, number: str, exp_month: int,
                exp_year: int, cvc: str) -> SandboxCardSession:
    """Check and tokenize a card. The number lives in this function's locals only: it is
    never stored, logged or put in an error message."""
    page = _awaiting(session, page_id, AWAITING_CARD)
    if page.status != AWAITING_CARD:
        return page  # it expired just now
    digits = number.replace(" ", "").replace("-", "")
    if not (12 <= len(digits) <= 19 and digits.isdigit() and luhn_ok(digits)):
        raise Unprocessable("the card number is not valid", code="invalid_card_number")
    today = clock.now()
    if not 1 <= exp_month <= 12 or (exp_year, exp_month) < (today.year, today.month):
        raise Unprocessable("the card has expired or the expiry is not valid",
                            code="invalid_expiry")
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        raise Unprocessable("the security code is not valid", code="invalid_cvc")
    page.card_last4 = digits[-4:]
    decline = DECLINED_CARDS.get(digits)
    if decline:
        _fail(session, page, decline)
        return page
    page.card_token = f"tok_{secrets.token_urlsafe(18)}"
    page.status = AWAITING_CHALLENGE
    page.updated_at = clock.real_now()
    return page


def answer_challenge(session: Session, *, page_id: str, code: str) -> SandboxCardSession:
    page = _awaiting(session, page_id, AWAITING_CHALLENGE)
    if page.status != AWAITING_CHALLENGE:
        return page
    if code == FAILING_CHALLENGE:
        _fail(session, page, "authentication_failed")
        return page
    at = clock.now()
    page.status = CAPTURED
    page.updated_at = clock.real_now()
    # Authorized and captured at once (auto-capture); each is its own callback.
    books.book(session, channel=CardChannel.name, kind="captured", payment_id=page.payment_id,
               amount_cents=page.amount_cents, currency=page.currency,
               provider_reference=_reference(page), occurred_at=at)
    for status, suffix in (("authorized", "auth"), ("succeeded", "capture")):
        books.queue_callback(session, channel=CardChannel.name, due_at=clock.real_now(),
                             event=_event(page, status, suffix=suffix, at=at))
    return page


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _awaiting(session: Session, page_id: str, status: str) -> SandboxCardSession:
    """The locked session in ``status``; a session that timed out is failed instead."""
    page = open_page(session, page_id=page_id, lock=True)
    if page.status in (AWAITING_CARD, AWAITING_CHALLENGE) and \
            page.expires_at <= clock.real_now():
        _fail(session, page, "authentication_expired")
        return page
    if page.status != status:
        raise Conflict(f"this card session is {page.status}", code="card_session_state",
                       details={"status": page.status})
    return page


def _fail(session: Session, page: SandboxCardSession, reason: str) -> None:
    page.status = FAILED
    page.failure_reason = reason
    page.updated_at = clock.real_now()
    books.queue_callback(session, channel=CardChannel.name, due_at=clock.real_now(),
                         event=_event(page, FAILED, suffix="fail", reason=reason,
                                      at=clock.now()))


def _reference(page: SandboxCardSession) -> str:
    return f"card_{page.id}"


def _event(page: SandboxCardSession, status: str, *, suffix: str, at: datetime,
           reason: str | None = None) -> ProviderEvent:
    return ProviderEvent(
        provider_event_id=f"{_reference(page)}_{suffix}", payment_id=page.payment_id,
        status=status, amount_cents=page.amount_cents, currency=page.currency,
        occurred_at=at, reason=reason, provider_reference=_reference(page),
        card_token=page.card_token, card_last4=page.card_last4)
