"""Credit lines with their limit ledger, the applications that opened them, installment
plans, their instalments (an instalment becomes a bill when it is billed) with the bill
ledger, repayments, and what a refund of a credit order gave back.

Invariants the database holds as well as the code: a line's used never exceeds its limit
(CHECK) and equals the sum of its limit entries; a bill's outstanding amount is never
negative (CHECK) and equals the sum of its bill entries; a repayment never returns more
than it paid."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

ACTIVE, OVERDUE, CLOSED = "active", "overdue", "closed"
SCHEDULED, BILLED, PAID, CANCELLED = "scheduled", "billed", "paid", "cancelled"


class CreditApplication(Base):
    __tablename__ = "credit_applications"
    __table_args__ = (
        CheckConstraint("decision IN ('approved', 'declined')",
                        name="ck_credit_applications_decision"),
        CheckConstraint("limit_cents >= 0", name="ck_credit_applications_limit"),
        Index("ix_credit_applications_user", "user_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(8))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    limit_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    score: Mapped[int | None] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(40))
    income_band: Mapped[str] = mapped_column(String(20))
    employment_status: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(40))
    factors: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditLine(Base):
    __tablename__ = "credit_lines"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_credit_lines_user"),
        CheckConstraint("status IN ('active', 'overdue', 'closed')",
                        name="ck_credit_lines_status"),
        CheckConstraint("limit_cents >= 0 AND used_cents >= 0 AND used_cents <= limit_cents",
                        name="ck_credit_lines_used"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    application_id: Mapped[str] = mapped_column(String(36),
                                                ForeignKey("credit_applications.id"))
    status: Mapped[str] = mapped_column(String(8))
    limit_cents: Mapped[int] = mapped_column(BigInteger)
    used_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def available_cents(self) -> int:
        return self.limit_cents - self.used_cents


class CreditLimitEntry(Base):
    __tablename__ = "credit_limit_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('use', 'restore', 'adjust')",
                        name="ck_credit_limit_entries_kind"),
        CheckConstraint("(kind = 'use' AND amount_cents > 0) OR (kind = 'restore' AND "
                        "amount_cents < 0) OR kind = 'adjust'",
                        name="ck_credit_limit_entries_sign"),
        CheckConstraint("used_after_cents >= 0", name="ck_credit_limit_entries_after"),
        Index("ix_credit_limit_entries_line", "line_id", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    line_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_lines.id"))
    kind: Mapped[str] = mapped_column(String(8))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # + uses, - restores
    used_after_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditPlan(Base):
    __tablename__ = "credit_plans"
    __table_args__ = (
        UniqueConstraint("payment_id", name="uq_credit_plans_payment"),
        CheckConstraint("status IN ('active', 'settled', 'refunded')",
                        name="ck_credit_plans_status"),
        CheckConstraint("principal_cents > 0 AND interest_cents >= 0 AND fee_cents >= 0 AND "
                        "principal_outstanding_cents >= 0 AND principal_outstanding_cents <= "
                        "principal_cents AND refunded_cents >= 0 AND refunded_cents <= "
                        "principal_cents", name="ck_credit_plans_amounts"),
        CheckConstraint("term_months >= 1", name="ck_credit_plans_term"),
        Index("ix_credit_plans_line", "line_id", "status"),
        Index("ix_credit_plans_order", "order_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    line_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_lines.id"))
    user_id: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[str] = mapped_column(String(36))
    payment_id: Mapped[str] = mapped_column(String(36))
    term_months: Mapped[int] = mapped_column(Integer)
    interest_bps: Mapped[int] = mapped_column(Integer)
    principal_cents: Mapped[int] = mapped_column(BigInteger)
    interest_cents: Mapped[int] = mapped_column(BigInteger)  # as disclosed at purchase
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    principal_outstanding_cents: Mapped[int] = mapped_column(BigInteger)  # its share of used
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(8), default=ACTIVE)
    funder: Mapped[str | None] = mapped_column(String(40))
    funder_reference: Mapped[str | None] = mapped_column(String(80))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditInstallment(Base):
    """One instalment of a plan; once billed it is a bill (its id is the bill's id)."""

    __tablename__ = "credit_installments"
    __table_args__ = (
        UniqueConstraint("plan_id", "seq", name="uq_credit_installments_seq"),
        CheckConstraint("status IN ('scheduled', 'billed', 'paid', 'cancelled')",
                        name="ck_credit_installments_status"),
        CheckConstraint("principal_cents >= 0 AND interest_cents >= 0 AND fee_cents >= 0 AND "
                        "late_fee_cents >= 0 AND paid_principal_cents >= 0 AND "
                        "paid_interest_cents >= 0 AND paid_fee_cents >= 0 AND "
                        "paid_late_fee_cents >= 0 AND waived_cents >= 0 AND cancelled_cents >= 0",
                        name="ck_credit_installments_amounts"),
        CheckConstraint("principal_cents + interest_cents + fee_cents + late_fee_cents - "
                        "paid_principal_cents - paid_interest_cents - paid_fee_cents - "
                        "paid_late_fee_cents - waived_cents - cancelled_cents >= 0",
                        name="ck_credit_installments_outstanding"),
        Index("ix_credit_installments_due", "status", "due_date"),
        Index("ix_credit_installments_line", "line_id", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_plans.id"))
    line_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    principal_cents: Mapped[int] = mapped_column(BigInteger)
    interest_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    late_fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_principal_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_interest_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_late_fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    cancelled_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    late_fee_periods: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(9), default=SCHEDULED)
    billed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def amount_cents(self) -> int:
        return self.principal_cents + self.interest_cents + self.fee_cents

    @property
    def paid_cents(self) -> int:
        return (self.paid_principal_cents + self.paid_interest_cents + self.paid_fee_cents
                + self.paid_late_fee_cents)

    @property
    def outstanding_cents(self) -> int:
        return (self.amount_cents + self.late_fee_cents - self.paid_cents - self.waived_cents
                - self.cancelled_cents)


class CreditBillEntry(Base):
    __tablename__ = "credit_bill_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('charge', 'late_fee', 'repayment', 'waiver', 'cancel')",
                        name="ck_credit_bill_entries_kind"),
        CheckConstraint("(kind IN ('charge', 'late_fee') AND amount_cents > 0) OR "
                        "(kind IN ('repayment', 'waiver', 'cancel') AND amount_cents < 0)",
                        name="ck_credit_bill_entries_sign"),
        Index("ix_credit_bill_entries_bill", "bill_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bill_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_installments.id"))
    kind: Mapped[str] = mapped_column(String(9))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # + owed more, - owed less
    repayment_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditRepayment(Base):
    __tablename__ = "credit_repayments"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_credit_repayments_idem"),
        CheckConstraint("amount_cents > 0 AND returned_cents >= 0 AND "
                        "returned_cents <= amount_cents", name="ck_credit_repayments_amounts"),
        CheckConstraint("channel IN ('sandbox')", name="ck_credit_repayments_channel"),
        Index("ix_credit_repayments_line", "line_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    line_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_lines.id"))
    user_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    returned_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(80))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditPlanRefund(Base):
    """A refund of a credit order as the plan saw it, and what went back to the shopper."""

    __tablename__ = "credit_plan_refunds"
    __table_args__ = (
        UniqueConstraint("refund_id", "payment_id", name="uq_credit_plan_refunds_refund"),
        CheckConstraint("amount_cents > 0 AND overpayment_cents >= 0 AND "
                        "limit_restored_cents >= 0", name="ck_credit_plan_refunds_amounts"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_plans.id"))
    refund_id: Mapped[str] = mapped_column(String(36))
    payment_id: Mapped[str] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    overpayment_cents: Mapped[int] = mapped_column(BigInteger)
    limit_restored_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditReturn(Base):
    """Overpaid money going back through the channel of the repayment it came from."""

    __tablename__ = "credit_returns"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_credit_returns_amount"),
        Index("ix_credit_returns_repayment", "repayment_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    repayment_id: Mapped[str] = mapped_column(String(36), ForeignKey("credit_repayments.id"))
    plan_refund_id: Mapped[str] = mapped_column(String(36),
                                                ForeignKey("credit_plan_refunds.id"))
    plan_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
