"""Response shapes built from rows, shared by the shopper and operator routers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.payments.channels import IN_PROGRESS
from transactional_api.payments.models import Payment, PaymentTransaction, Refund
from transactional_api.payments.schemas import PaymentOut, RefundOut, RefundPartOut


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(id=p.id, order_id=p.order_id, channel=p.channel,
                      amount_cents=p.amount_cents, currency=p.currency, status=p.status,
                      failure_reason=p.failure_reason, created_at=p.created_at,
                      captured_cents=p.captured_cents or 0, refunded_cents=p.refunded_cents or 0,
                      card_last4=p.card_last4, provider_reference=p.provider_reference,
                      next_action=p.next_action if p.status in IN_PROGRESS else None)


def refund_out(session: Session, r: Refund) -> RefundOut:
    parts = session.scalars(select(PaymentTransaction).where(
        PaymentTransaction.refund_id == r.id, PaymentTransaction.kind == "refunded")
        .order_by(PaymentTransaction.id))
    return RefundOut(id=r.id, order_id=r.order_id, amount_cents=r.amount_cents,
                     currency=r.currency, reason=r.reason, reference=r.reference,
                     status=r.status, actor_id=r.actor_id, created_at=r.created_at,
                     parts=[RefundPartOut(payment_id=t.payment_id, amount_cents=t.amount_cents,
                                          provider_reference=t.provider_reference)
                            for t in parts])
