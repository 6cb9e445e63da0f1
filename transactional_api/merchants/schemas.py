"""Pydantic in/out of onboarding, lifecycle, deposit and staff routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Cycle = Literal["t_plus_1", "weekly", "monthly"]
StaffRole = Literal["owner", "catalog", "orders", "finance"]
Decision = Literal["approve", "reject", "request_info"]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(_In):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, min_length=3, max_length=40)


class QualificationIn(_In):
    category_id: str = Field(min_length=1, max_length=36)
    # where the licence or certificate is kept (the document store is not ours)
    document_ref: str = Field(min_length=1, max_length=200)


class SettlementAccountIn(_In):
    holder: str = Field(min_length=1, max_length=200)
    # IBAN-like: letters, digits and spaces; stored masked except the last 4
    account_number: str = Field(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9 ]+$")


class ApplicationIn(_In):
    company_name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=120,
                             pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    legal_id: str = Field(min_length=1, max_length=64)
    contact: ContactIn
    region: str | None = Field(None, min_length=1, max_length=16)
    city: str | None = Field(None, min_length=1, max_length=120)
    qualifications: list[QualificationIn] = Field(min_length=1, max_length=50)
    settlement_account: SettlementAccountIn
    settlement_cycle: Cycle


class ReviewIn(_In):
    decision: Decision
    reason: Reason | None = None
    # the version the reviewer read; a changed application is 409 stale_application
    expected_version: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _reason_when_not_approving(self):
        if self.decision != "approve" and not self.reason:
            raise ValueError("a reason is required to reject or ask for more")
        return self


class ApplicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    user_id: str
    status: str
    company_name: str
    slug: str
    legal_id: str
    contact_name: str
    contact_email: str
    contact_phone: str | None
    region: str | None
    city: str | None
    qualifications: list[dict]
    account_holder: str
    account_masked: str
    settlement_cycle: str
    review_reason: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    merchant_id: str | None
    version: int
    submitted_at: datetime
    created_at: datetime
    updated_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    total: int
    limit: int
    offset: int


class StatusChangeIn(_In):
    reason: Reason


class LifecycleEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_status: str | None
    to_status: str
    reason: str | None
    actor_id: str | None
    at: datetime


class MerchantStateOut(BaseModel):
    merchant_id: str
    name: str
    status: str
    settlement_cycle: str | None
    deposit_due_cents: int
    deposit_paid_cents: int
    currency: str
    history: list[LifecycleEventOut]
    # set when closing: what settlement's close-out returned
    close_out: dict | None = None


class DepositIn(_In):
    # the client's key for this payment: repeating it pays once
    client_key: str = Field(min_length=1, max_length=100)


class DepositOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    merchant_id: str
    amount_cents: int
    currency: str
    channel: str
    paid_at: datetime
    merchant_status: str


class StaffIn(_In):
    email: str = Field(min_length=3, max_length=254)
    role: StaffRole


class StaffOut(BaseModel):
    user_id: str
    email: str
    role: str | None
    permissions: list[str]
    granted_at: datetime | None
