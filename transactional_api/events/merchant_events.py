"""Merchant onboarding and lifecycle: applications and their review, the deposit, every
status change and every change of a merchant's staff. Application events carry the
applicant as the envelope's user_id; the others the operator or staff member who acted."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

MerchantStatus = Literal["pending_deposit", "active", "suspended", "closed"]
Reason = Annotated[str | None, Field(None, max_length=500)]


class MerchantAppliedPayload(Strict):
    application_id: Id
    company_name: Annotated[str, Field(min_length=1, max_length=200)]
    category_ids: list[Id]
    settlement_cycle: Literal["t_plus_1", "weekly", "monthly"]
    resubmission: bool


class MerchantApplicationReviewedPayload(Strict):
    application_id: Id
    decision: Literal["approve", "reject", "request_info"]
    reason: Reason
    merchant_id: Id | None = None
    reviewer_id: Id


class MerchantDepositPaidPayload(Strict):
    merchant_id: Id
    deposit_id: Id
    amount_cents: Cents
    currency: Annotated[str, Field(min_length=3, max_length=3)]


class MerchantStatusChangedPayload(Strict):
    merchant_id: Id
    from_status: MerchantStatus | None
    to_status: MerchantStatus
    reason: Reason
    actor_id: Id | None = None


class MerchantStaffChangedPayload(Strict):
    merchant_id: Id
    staff_user_id: Id
    change: Literal["added", "role_changed", "removed"]
    role: Literal["owner", "catalog", "orders", "finance"] | None
    actor_id: Id | None = None


class MerchantApplied(Envelope):
    event_type: Literal["merchant_applied"] = "merchant_applied"
    payload: MerchantAppliedPayload


class MerchantApplicationReviewed(Envelope):
    event_type: Literal["merchant_application_reviewed"] = "merchant_application_reviewed"
    payload: MerchantApplicationReviewedPayload


class MerchantDepositPaid(Envelope):
    event_type: Literal["merchant_deposit_paid"] = "merchant_deposit_paid"
    payload: MerchantDepositPaidPayload


class MerchantStatusChanged(Envelope):
    event_type: Literal["merchant_status_changed"] = "merchant_status_changed"
    payload: MerchantStatusChangedPayload


class MerchantStaffChanged(Envelope):
    event_type: Literal["merchant_staff_changed"] = "merchant_staff_changed"
    payload: MerchantStaffChangedPayload


MERCHANT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (MerchantApplied, MerchantApplicationReviewed, MerchantDepositPaid,
              MerchantStatusChanged, MerchantStaffChanged)
}
