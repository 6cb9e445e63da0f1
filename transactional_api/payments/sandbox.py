"""The sandbox channel: a stand-in provider that confirms payments by signed HTTP callback.

Its charges live in its own table, written in the same transaction as the payment, and a
delivery loop posts the callbacks that are due. So a confirmation survives a crash of the
API (the restarted process delivers it), and several workers never lose one: each claims a
charge for a short lease before posting, and the callback ledger dedupes a double delivery.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.channels import (
    LookupPending,
    ProviderEvent,
    StartResult,
    StatementEntry,
)
from transactional_api.payments.provider_models import SandboxCharge
from transactional_api.payments.registry import ChannelBase, register
from transactional_api.payments.signing import sign

log = logging.getLogger("flywheel.payments.sandbox")
CLAIM_SECONDS = 5.0
# After this many failed posts the charge waits for the payment sweeper's lookup instead.
MAX_ATTEMPTS = 8


@register
class SandboxChannel(ChannelBase):
    name = "sandbox"
    label = "Sandbox (confirms by callback)"
    position = 10

    def __init__(self, *, secret: str, callback_url: str, delay_seconds: float,
                 auto_confirm: bool):
        self._secret = secret
        self._url = callback_url
        self._delay = delay_seconds
        self._auto_confirm = auto_confirm

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> SandboxChannel:
        return cls(secret=secret, callback_url=settings.resolved_sandbox_callback_url,
                   delay_seconds=settings.sandbox_callback_delay_seconds,
                   auto_confirm=settings.sandbox_auto_confirm)

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult:
        failed = options.get("sandbox_outcome") == "fail"
        charge = SandboxCharge(
            payment_id=payment_id, amount_cents=amount_cents, currency=currency,
            outcome="failed" if failed else "succeeded",
            # event time follows the shop's clock (simulated in the demo); delivery, the wall's
            occurred_at=started_at + timedelta(seconds=1),
            due_at=clock.real_now() + timedelta(seconds=self._delay),
            attempts=0)
        session.add(charge)
        session.flush()
        if not failed:  # the sandbox takes the money at once and tells us later
            books.book(session, channel=self.name, kind="captured", payment_id=payment_id,
                       amount_cents=amount_cents, currency=currency,
                       provider_reference=_reference(charge), occurred_at=charge.occurred_at)
        return StartResult(provider_reference=_reference(charge))

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        return books.book_refund(session, channel=self.name, payment_id=payment_id,
                                 amount_cents=amount_cents, currency=currency,
                                 occurred_at=occurred_at)

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        return books.statement(session, channel=self.name, day=day)

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        charge = session.scalar(select(SandboxCharge).where(
            SandboxCharge.payment_id == payment_id))
        if charge is None:
            return None
        if self._auto_confirm and charge.due_at > clock.real_now():
            raise LookupPending(payment_id)
        return _event(charge)

    def deliver_due(self, sessions: sessionmaker[Session], *, limit: int = 50) -> int:
        """Post every due, undelivered callback once; returns how many were accepted."""
        if not self._auto_confirm:
            return 0
        now = clock.real_now()
        with sessions() as s:
            due = list(s.scalars(
                select(SandboxCharge).where(
                    SandboxCharge.delivered_at.is_(None), SandboxCharge.due_at <= now,
                    SandboxCharge.attempts < MAX_ATTEMPTS,
                    or_(SandboxCharge.claimed_until.is_(None), SandboxCharge.claimed_until < now))
                .order_by(SandboxCharge.due_at).limit(limit)))
        delivered = 0
        for charge in due:
            if self._claim(sessions, charge.id, now) and self._post(charge):
                with transaction(sessions) as s:
                    s.execute(update(SandboxCharge).where(SandboxCharge.id == charge.id)
                              .values(delivered_at=clock.real_now()))
                delivered += 1
        return delivered

    def _claim(self, sessions, charge_id: str, now: datetime) -> bool:
        # One conditional UPDATE: of several workers, exactly one sees rowcount 1.
        with transaction(sessions) as s:
            claimed = s.execute(
                update(SandboxCharge)
                .where(SandboxCharge.id == charge_id, SandboxCharge.delivered_at.is_(None),
                       or_(SandboxCharge.claimed_until.is_(None),
                           SandboxCharge.claimed_until < now))
                .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                        attempts=SandboxCharge.attempts + 1))
            return claimed.rowcount == 1

    def _post(self, charge: SandboxCharge) -> bool:
        raw = books.event_body(_event(charge))
        try:
            resp = httpx.post(self._url, content=raw, timeout=10, headers={
                "content-type": "application/json",
                "x-flywheel-signature": sign(self._secret, raw)})
        except httpx.HTTPError as exc:
            log.warning("sandbox callback failed", extra={"payment_id": charge.payment_id,
                                                          "error": str(exc)})
            return False
        if resp.status_code >= 500:
            log.warning("sandbox callback refused", extra={"payment_id": charge.payment_id,
                                                           "status": resp.status_code})
            return False
        return True


def _reference(charge: SandboxCharge) -> str:
    return f"sbx_{charge.id}"


def _event(charge: SandboxCharge) -> ProviderEvent:
    return ProviderEvent(
        provider_event_id=_reference(charge), payment_id=charge.payment_id,
        status=charge.outcome, amount_cents=charge.amount_cents, currency=charge.currency,
        occurred_at=charge.occurred_at,
        reason="card_declined" if charge.outcome == "failed" else None,
        provider_reference=_reference(charge))
