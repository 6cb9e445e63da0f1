"""Coupons: the templates operators and merchants run, the wallet rows shoppers hold, and
single-use codes.

Limits hold in the database, whatever the code does: issued_count never passes
total_limit (CHECK, moved only by a conditional UPDATE), a user's n-th coupon of a template
has claim_no n under a unique key (so two racing claims cannot both be the n-th), and a
used coupon always names its order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow
from transactional_api.pricing.models import one_of

TEMPLATE_STATUSES = ("draft", "active", "paused", "ended")
COUPON_KINDS = ("full_reduction", "percent_off", "random_amount", "new_user", "shipping")
SCOPE_KINDS = ("store", "category", "brand", "product", "merchant")
COUPON_STATUSES = ("available", "used", "expired")
CHANNELS = ("claim", "grant", "code")
CODE_STATUSES = ("unused", "used")


class CouponTemplate(Base):
    """merchant_id None: a platform coupon. Validity is either fixed (valid_from..
    valid_until) or valid_days after each claim, never both."""

    __tablename__ = "coupon_templates"
    __table_args__ = (
        Index("ix_coupon_templates_status", "status", "claimable"),
        Index("ix_coupon_templates_merchant", "merchant_id", "status"),
        CheckConstraint(one_of("status", TEMPLATE_STATUSES), name="ck_coupon_templates_status"),
        CheckConstraint(one_of("kind", COUPON_KINDS), name="ck_coupon_templates_kind"),
        CheckConstraint(one_of("scope_kind", SCOPE_KINDS), name="ck_coupon_templates_scope"),
        CheckConstraint("min_spend_cents >= 0", name="ck_coupon_templates_min_spend"),
        CheckConstraint("issued_count >= 0 AND (total_limit IS NULL OR "
                        "(total_limit > 0 AND issued_count <= total_limit))",
                        name="ck_coupon_templates_total"),
        CheckConstraint("per_user_limit >= 1", name="ck_coupon_templates_per_user"),
        CheckConstraint("(valid_days IS NULL AND valid_from IS NOT NULL AND "
                        "valid_until IS NOT NULL AND valid_until > valid_from) OR "
                        "(valid_days IS NOT NULL AND valid_days > 0 AND valid_from IS NULL "
                        "AND valid_until IS NULL)", name="ck_coupon_templates_validity"),
        CheckConstraint("claim_starts_at IS NULL OR claim_ends_at IS NULL OR "
                        "claim_ends_at > claim_starts_at", name="ck_coupon_templates_claim"),
        CheckConstraint("version >= 1", name="ck_coupon_templates_version"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    min_spend_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    scope_kind: Mapped[str] = mapped_column(String(12), default="store")
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)
    merchant_id: Mapped[str | None] = mapped_column(String(36))
    stacking_group: Mapped[str | None] = mapped_column(String(40))
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    claim_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_days: Mapped[int | None] = mapped_column(Integer)
    total_limit: Mapped[int | None] = mapped_column(BigInteger)
    issued_count: Mapped[int] = mapped_column(BigInteger, default=0)
    per_user_limit: Mapped[int] = mapped_column(Integer, default=1)
    claimable: Mapped[bool] = mapped_column(Boolean, default=True)
    campaign: Mapped[str | None] = mapped_column(String(100))  # utm_campaign, for ROI
    currency: Mapped[str] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Coupon(Base):
    """One coupon in a shopper's wallet."""

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("template_id", "user_id", "claim_no", name="uq_coupons_claim"),
        Index("ix_coupons_user_status", "user_id", "status", "valid_until"),
        Index("ix_coupons_order", "order_id"),
        CheckConstraint(one_of("status", COUPON_STATUSES), name="ck_coupons_status"),
        CheckConstraint(one_of("channel", CHANNELS), name="ck_coupons_channel"),
        CheckConstraint("claim_no >= 1", name="ck_coupons_claim_no"),
        CheckConstraint("valid_until > valid_from", name="ck_coupons_window"),
        CheckConstraint("value_cents IS NULL OR value_cents > 0", name="ck_coupons_value"),
        CheckConstraint("status <> 'used' OR order_id IS NOT NULL", name="ck_coupons_used"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    template_id: Mapped[str] = mapped_column(String(36), ForeignKey("coupon_templates.id"))
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    claim_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(9), default="available")
    value_cents: Mapped[int | None] = mapped_column(BigInteger)  # random/new-user amounts
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(5))
    order_id: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CouponCode(Base):
    """A single-use code. Only a SHA-256 of the code is kept (it is shown once, when the
    batch is generated); hint is its last four characters, for support."""

    __tablename__ = "coupon_codes"
    __table_args__ = (
        Index("ix_coupon_codes_batch", "template_id", "batch_id"),
        CheckConstraint(one_of("status", CODE_STATUSES), name="ck_coupon_codes_status"),
        CheckConstraint("status = 'unused' OR used_by IS NOT NULL", name="ck_coupon_codes_used"))
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(36), ForeignKey("coupon_templates.id"))
    batch_id: Mapped[str] = mapped_column(String(36))
    hint: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(6), default="unused")
    coupon_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("coupons.id"))
    used_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
