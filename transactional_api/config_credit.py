"""Settings of credit lines and installments (issue 16, transactional_api/credit). Settings
inherits them; each is FLYWHEEL_<NAME>. Amounts are minor units of credit_currency."""

from __future__ import annotations

from pydantic import BaseModel, Field

# Declared monthly income bands, lowest first, and the largest limit each may be granted.
DEFAULT_INCOME_CAPS = {"under_1000": 50_000, "1000_2999": 200_000, "3000_5999": 500_000,
                       "6000_plus": 1_000_000}


class CreditSettings(BaseModel):
    credit_currency: str = Field("USD", min_length=3, max_length=3,
                                 description="Currency of every credit line")
    credit_income_band_caps: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_INCOME_CAPS),
        description="Declared monthly income band -> the largest limit it may get")
    credit_min_score: int = Field(
        450, ge=0, le=1000, description="Published credit score below which an application "
        "is declined (reason score_too_low)")
    credit_rules_only_limit_cents: int = Field(
        100_000, ge=0, le=10**10, description="Limit granted when no score is published "
        "(the rules-only fallback), before the income cap and the account-age rule")
    credit_min_account_age_days: int = Field(
        0, ge=0, le=3650, description="Accounts younger than this are declined "
        "(account_too_new)")
    credit_young_account_days: int = Field(
        30, ge=0, le=3650, description="Accounts younger than this get half the limit")
    credit_limit_step_cents: int = Field(
        1_000, ge=1, le=10**8, description="Limits are rounded down to a multiple of this")
    credit_installment_min_cents: int = Field(
        1_000, ge=1, le=10**10, description="Smallest amount offered in installments")
    credit_installment_max_cents: int = Field(
        2_000_000, ge=1, le=10**12, description="Largest amount offered in installments")
    credit_plan_interest_bps: dict[int, int] = Field(
        default_factory=lambda: {3: 200, 6: 450, 12: 990},
        description="Term in months -> flat interest over the whole term, in basis points "
        "of the principal (the terms offered are this dict's keys)")
    credit_plan_fee_cents: dict[int, int] = Field(
        default_factory=lambda: {3: 100, 6: 200, 12: 300},
        description="Term in months -> the plan's fee, spread over its instalments")
    credit_bill_days_before_due: int = Field(
        10, ge=0, le=31, description="An instalment is billed this many days before its due "
        "date")
    credit_grace_days: int = Field(
        3, ge=0, le=60, description="A bill is overdue this many days after its due date")
    credit_overdue_period_days: int = Field(
        30, ge=1, le=365, description="A late fee is charged once per bill per period of "
        "this many days overdue")
    credit_late_fee_cents: int = Field(500, ge=0, le=10**8,
                                       description="Late fee per overdue bill and period")
    credit_overdue_score_penalty: int = Field(
        50, ge=0, le=1000, description="Score points an overdue bill costs (recorded on the "
        "credit_bill_overdue event; the scoring pipeline applies it)")
    credit_early_repayment_waives_fee: bool = Field(
        False, description="Repaying early waives the unearned interest of future "
        "instalments; when true, their share of the fee too")
    credit_billing_interval_seconds: float = Field(
        0.0, ge=0, description="How often the API runs the billing job (issue due bills, "
        "charge late fees); 0 leaves it to `flywheel credit bill`")
    credit_funder: str | None = Field(
        None, description="Assign each plan's receivable to this funder (\"sandbox\"); "
        "unset: plans stay on the shop's own book")
    credit_assign_at: str = Field(
        "completion", pattern="^(payment|completion)$",
        description="When a receivable is assigned: at payment, or when the order completes")
