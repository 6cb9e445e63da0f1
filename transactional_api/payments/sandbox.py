"""The sandbox channel: a stand-in provider that confirms payments by signed HTTP callback.

Its charges live in its own table, written in the same transaction as the payment, and a
delivery loop posts the callbacks that are due. So a confirmation survives a crash of the
API (the restarted process delivers it), and several workers never lose one: each claims a
charge for a short lease before posting, and the callback ledger dedupes a double delivery.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.payments.channels import LookupPending, ProviderEvent
from transactional_api.payments.models import SandboxCharge
from transactional_api.payments.signing import sign

log = logging.getLogger("flywheel.payments.sandbox")
CLAIM_SECONDS = 5.0
# After this many failed posts the charge waits for the payment sweeper's lookup instead.
MAX_ATTEMPTS = 8


class SandboxChannel:
    name = "sandbox"

    def __init__(self, *, secret: str, callback_url: str, delay_seconds: float,
                 auto_confirm: bool):
        self._secret = secret
        self._url = callback_url
        self._delay = delay_seconds
        self._auto_confirm = auto_confirm

    def start(self, *, session: Session, payment_id: str, amount_cents: int, currency: str,
              started_at: datetime, options: dict) -> None:
        failed = options.get("sandbox_outcome") == "fail"
        session.add(SandboxCharge(
            payment_id=payment_id, amount_cents=amount_cents, currency=currency,
            outcome="failed" if failed else "succeeded",
            # event time follows the shop's clock (simulated in the demo); delivery, the wall's
            occurred_at=started_at + timedelta(seconds=1),
            due_at=clock.real_now() + timedelta(seconds=self._delay),
            attempts=0))

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
        event = _event(charge)
        raw = json.dumps({
            "provider_event_id": event.provider_event_id, "payment_id": event.payment_id,
            "status": event.status, "amount_cents": event.amount_cents,
            "currency": event.currency, "occurred_at": event.occurred_at.isoformat(),
            "reason": event.reason}).encode()
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


def _event(charge: SandboxCharge) -> ProviderEvent:
    return ProviderEvent(
        provider_event_id=f"sbx_{charge.id}", payment_id=charge.payment_id,
        status=charge.outcome, amount_cents=charge.amount_cents, currency=charge.currency,
        occurred_at=charge.occurred_at,
        reason="card_declined" if charge.outcome == "failed" else None)
