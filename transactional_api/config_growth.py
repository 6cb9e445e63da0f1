"""Settings of the growth plays (issue 14): promoters, the points mall, flash sales, group
buying, landing pages. Settings inherits them; each is FLYWHEEL_<NAME> like every other."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class GrowthPlaySettings(BaseModel):
    # --- distribution: promoters and commissions (transactional_api/promoters) ---
    promoters_binding_mode: Literal["first_touch", "last_touch"] = Field(
        "first_touch", description="first_touch: a bound buyer stays with their promoter "
        "for the binding window; last_touch: each new referral code moves them")
    promoters_binding_days: int = Field(
        30, ge=1, le=3650, description="A binding earns on orders paid this many days after "
        "the buyer was (last) bound")
    promoters_default_level1_bp: int = Field(
        500, ge=0, le=5000, description="Level-1 commission where no rule matches (bp)")
    promoters_default_level2_bp: int = Field(
        100, ge=0, le=5000, description="Level-2 (the promoter's parent) rate where no rule "
        "matches (bp)")
    promoters_after_sales_days: int = Field(
        30, ge=0, le=365, description="Commissions become withdrawable this many days after "
        "the order completes")
    promoters_min_withdrawal_cents: int = Field(100, ge=1, description="Smallest withdrawal")
    promoters_interval_seconds: float = Field(
        2.0, ge=0, description="How often the API applies payments and refunds to "
        "commissions and matures due ones (0 = off)")
    promoters_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows the promoters consumer re-reads behind its "
        "cursor on PostgreSQL (re-reads are idempotent)")
    # --- points mall (transactional_api/points_mall) ---
    points_mall_consumer_interval_seconds: float = Field(
        2.0, ge=0, description="How often the API gives back the points and mall stock of "
        "cancelled, refunded or returned mall orders, following the outbox (0 = off)")
    points_mall_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows the points-mall consumer re-reads behind its "
        "cursor on PostgreSQL (re-reads give nothing back twice)")
    # --- flash sales (transactional_api/flash_sales) ---
    flash_queue: str = Field(
        "flywheel:flash:queue", min_length=1, max_length=200, description="The Redis Stream "
        "of won reservations the order workers read")
    flash_fast_path: bool = Field(
        True, description="Answer the reserve route in front of the framework "
        "(flash_sales/fast_path.py); off: the documented FastAPI route answers")
    flash_worker_interval_seconds: float = Field(
        0.2, ge=0, description="How often the API's flash order worker reads the queue "
        "(0 = off: run `flywheel flash worker` instead)")
    flash_jobs_interval_seconds: float = Field(
        1.0, ge=0, description="How often due sales are armed and ended and lapsed "
        "reservations go back to the pool (0 = off)")
    flash_arm_ahead_seconds: int = Field(
        300, ge=0, description="Sales are armed (stock held, Redis preloaded) this long "
        "before they start")
    flash_client_rate_per_second: float = Field(
        5.0, gt=0, description="Reservation requests per second one shopper may send")
    flash_client_burst: int = Field(10, ge=1, description="...and in one burst")
    flash_admission_per_second: float = Field(
        100_000.0, gt=0, description="The waiting room: requests per second a sale admits "
        "to its pool; more get 429 with Retry-After")
    flash_admission_burst: int = Field(100_000, ge=1, description="...and in one burst")
    flash_pass_ttl_seconds: int = Field(
        6 * 3600, ge=60, description="How long a flash pass (asked for before the sale) "
        "stays valid")
    # --- group buying (transactional_api/group_buys) ---
    group_buy_interval_seconds: float = Field(
        2.0, ge=0, description="How often the API follows the outbox for group members' "
        "payments and closes groups whose window ended (0 = off)")
    group_buy_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows the group-buy consumer re-reads behind its "
        "cursor on PostgreSQL (a re-read changes nothing)")
    group_buy_new_user_days: int = Field(
        7, ge=0, le=365, description="A joiner registered this recently (or placing a first "
        "order) counts as a new user acquired by the group's share link")
    # --- landing pages and resource slots (transactional_api/landing) ---
    landing_cache_seconds: float = Field(
        2.0, ge=0, description="How long a process reuses the published pages and slot "
        "creatives (an edit in another process shows within this; 0 = read every time)")
