"""The sandbox bank transfer: the shopper gets account details and a reference, and the
sandbox bank confirms by signed callback hours later on the shop's clock.

Starting one keeps the order and its stock held until the transfer deadline (orders'
extend_payment_deadline). With ``sandbox_outcome: fail`` the money never arrives: the bank
reports the transfer failed at the deadline. Its callbacks wait in the provider's queue
with a due time on the shop clock, so a restart loses nothing and tests can jump ahead.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.channels import (
    FAILED,
    PENDING,
    SUCCEEDED,
    LookupPending,
    ProviderEvent,
    StartResult,
    StatementEntry,
)
from transactional_api.payments.provider_models import SandboxBankTransfer
from transactional_api.payments.registry import ChannelBase, register

SANDBOX_ACCOUNT = {"beneficiary": "Flywheel Sandbox Shop",
                   "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@register
class BankTransferChannel(ChannelBase):
    name = "bank_transfer"
    label = "Bank transfer (sandbox, confirms hours later)"
    position = 40
    flow = "offline"
    min_amount_cents = 1000
    supersedable = frozenset({PENDING})

    def __init__(self, *, deadline_hours: float, confirm_after_hours: float):
        self._deadline = timedelta(hours=deadline_hours)
        self._confirm_after = timedelta(hours=confirm_after_hours)

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> BankTransferChannel:
        return cls(deadline_hours=settings.bank_transfer_deadline_hours,
                   confirm_after_hours=settings.bank_transfer_confirm_after_hours)

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult:
        arrives = options.get("sandbox_outcome") != "fail"
        pay_by = started_at + self._deadline
        transfer = SandboxBankTransfer(
            payment_id=payment_id, reference=_new_reference(), amount_cents=amount_cents,
            currency=currency, outcome=SUCCEEDED if arrives else FAILED, status="awaiting",
            pay_by=pay_by, confirms_at=min(started_at + self._confirm_after, pay_by),
            created_at=clock.real_now())
        session.add(transfer)
        session.flush()
        at = transfer.confirms_at if arrives else pay_by
        if arrives:  # booked ahead, on the day the money arrives
            books.book(session, channel=self.name, kind="captured", payment_id=payment_id,
                       amount_cents=amount_cents, currency=currency,
                       provider_reference=transfer.reference, occurred_at=at)
        books.queue_callback(session, channel=self.name, due_at=at, event=ProviderEvent(
            provider_event_id=f"bank_{transfer.reference}", payment_id=payment_id,
            status=SUCCEEDED if arrives else FAILED, amount_cents=amount_cents,
            currency=currency, occurred_at=at, provider_reference=transfer.reference,
            reason=None if arrives else "transfer_not_received"))
        return StartResult(
            status=PENDING, provider_reference=transfer.reference, hold_until=pay_by,
            next_action={"type": "bank_transfer_instructions", **SANDBOX_ACCOUNT,
                         "reference": transfer.reference, "amount_cents": amount_cents,
                         "currency": currency, "pay_by": pay_by.isoformat()})

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        events = books.owed_events(session, payment_id=payment_id)
        if not events:
            return None
        if events[-1].occurred_at > clock.now():
            raise LookupPending(payment_id)  # the bank has not seen it yet
        return events[-1]

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        return books.book_refund(session, channel=self.name, payment_id=payment_id,
                                 amount_cents=amount_cents, currency=currency,
                                 occurred_at=occurred_at)

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        return books.statement(session, channel=self.name, day=day)

    def void(self, *, session: Session, payment_id: str) -> None:
        transfer = session.scalar(select(SandboxBankTransfer).where(
            SandboxBankTransfer.payment_id == payment_id).with_for_update())
        if transfer is None or transfer.status != "awaiting":
            return
        if transfer.outcome == SUCCEEDED and transfer.confirms_at <= clock.now():
            return  # the money already arrived: its capture comes and is refunded
        transfer.status = "void"
        books.cancel_callbacks(session, payment_id=payment_id)
        books.unbook_future(session, channel=self.name, payment_id=payment_id)


def _new_reference() -> str:
    part = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"FW-{part[:4]}-{part[4:]}"
