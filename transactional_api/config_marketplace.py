"""Settings of the marketplace and supply chain (issue 15): merchant onboarding,
settlement, replenishment, procurement. Settings inherits them; each is FLYWHEEL_<NAME>."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class MarketplaceSettings(BaseModel):
    # --- merchant onboarding (transactional_api/merchants) ---
    merchants_deposit_cents: int = Field(
        50_000, ge=0, le=10**10, description="Deposit a newly approved merchant pays (in the "
        "default currency) before its products sell")
    # --- commission and settlement (transactional_api/settlement) ---
    settlement_default_cycle: Literal["t_plus_1", "weekly", "monthly"] = Field(
        "monthly", description="Settlement cycle of a merchant that chose none")
    settlement_commission_bps: int = Field(
        500, ge=0, le=10_000, description="Commission when no rate matches (basis points)")
    settlement_fee_fixed_cents: int = Field(
        0, ge=0, le=10**8, description="Platform fee per sub-order when no rate sets one")
    settlement_fee_bps: int = Field(
        0, ge=0, le=10_000, description="Platform fee in basis points of the goods' value "
        "when no rate sets one")
    settlement_window_days: int | None = Field(
        None, ge=0, le=365, description="Days after completion a sub-order waits before it "
        "is settled; unset: after_sales_return_window_days")
    # --- replenishment (transactional_api/replenishment, pipelines/ml/reorder.py) ---
    replenishment_service_level: float = Field(
        0.95, gt=0.5, lt=1, description="Chance a reorder cycle does not run out: sets the "
        "safety stock's z (0.95 -> z = 1.645)")
    replenishment_review_days: int = Field(
        7, ge=1, le=60, description="Days between two looks at a SKU: a suggestion covers "
        "the lead time plus this")
    replenishment_default_lead_time_days: int = Field(
        14, ge=0, le=60, description="Lead time assumed for a SKU no supplier has a "
        "contract for (its suggestion names no supplier and cannot become an order)")
    # --- suppliers and procurement (transactional_api/procurement) ---
    procurement_interval_seconds: float = Field(
        2.0, ge=0, description="How often the API turns paid consignment sub-orders into "
        "supplier pushes and sends the due ones (0 = off)")
    procurement_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows the consignment consumer re-reads behind its "
        "cursor on PostgreSQL (a re-read creates no second push)")
    procurement_supplier_secret: str | None = Field(
        None, min_length=16, description="HMAC secret of suppliers' tracking callbacks; "
        "unset: derived from the webhook secret")
    procurement_sandbox_failures: int = Field(
        0, ge=0, description="The sandbox supplier refuses this many pushes first (to "
        "exercise retries)")
