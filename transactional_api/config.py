"""One settings object for every Flywheel process; variables are prefixed FLYWHEEL_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from transactional_api.accounts.oidc_config import OidcProvider, check_unique
from transactional_api.config_credit import CreditSettings
from transactional_api.config_duties import DutiesSettings
from transactional_api.config_growth import GrowthPlaySettings
from transactional_api.config_marketplace import MarketplaceSettings
from transactional_api.config_markets import MarketSettings
from transactional_api.config_translations import TranslationSettings
from transactional_api.core.db_options import DbOptions
from transactional_api.members.levels import DEFAULT_LEVELS, LevelRule, check_levels
from transactional_api.recommendations.variants import DEFAULT_VARIANTS, Plan
from transactional_api.risk.limits import RiskLimits


class Settings(GrowthPlaySettings, MarketplaceSettings, CreditSettings, MarketSettings,
               TranslationSettings, DutiesSettings, BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLYWHEEL_", extra="ignore")

    var_dir: Path = Field(Path("var"), description="Root of every generated file")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite under var/ if unset")
    redis_url: str | None = Field(None, description="External Redis; embedded server if unset")
    redis_port: int = Field(6390, description="Port of the embedded redis-server")
    lake_dir: Path | None = Field(None, description="Event landing zone; var/lake if unset")
    warehouse_path: Path | None = Field(None, description="DuckDB file written by the pipelines")
    warehouse: Literal["duckdb", "spark"] = Field(
        "duckdb", description="Engine the dbt models run on (spark: pipelines/warehouse)")

    api_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 7 * 24 * 3600
    order_payment_timeout_seconds: int = 15 * 60
    # "package.module:function" choosing the locations an order ships from (see
    # inventory/allocation.py for the contract).
    allocation_strategy: str = "transactional_api.inventory.allocation:prefer_single_location"
    reservation_sweeper_interval_seconds: float = Field(5.0, ge=0, description="0 disables")
    order_sweeper_interval_seconds: float = Field(30.0, description="0 disables the sweeper")
    payment_webhook_secret: str | None = Field(
        None, min_length=16, description="HMAC secret shared with the payment channel; unset: "
        "a random one generated once per installation under var/secrets")
    payment_sandbox_enabled: bool | None = Field(
        None, description="Offer the sandbox payment channel; unset: only with the simulated "
        "clock (the demo)")
    sandbox_outcome_choice: bool | None = Field(
        None, description="Let shoppers choose the sandbox outcome (succeed/fail); unset: only "
        "with the simulated clock")
    sandbox_callback_url: str | None = Field(
        None, description="Where the sandbox channel calls back; FLYWHEEL_API_URL's callback "
        "route if unset (never taken from a request)")
    sandbox_callback_delay_seconds: float = 0.05
    sandbox_auto_confirm: bool = Field(
        True, description="False: the sandbox never calls back (deliver callbacks by hand)")
    payment_sweeper_interval_seconds: float = Field(
        5.0, description="How often stuck pending payments are checked (0 = off)")
    payment_reconcile_after_seconds: float = Field(
        30.0, description="A payment pending this long is resolved against its channel")
    payment_clock_skew_seconds: int = Field(
        300, description="How far a provider's occurred_at may run ahead of ours")
    payment_channels: list[str] | None = Field(
        None, description="Payment channels to offer, by registered name (JSON list); unset: "
        "the wallet, plus the sandbox, card and bank_transfer sandboxes where the sandbox is on")
    card_session_ttl_seconds: float = Field(
        900, gt=0, description="How long the sandbox card page waits for card and challenge")
    bank_transfer_deadline_hours: float = Field(
        48, gt=0, description="How long a bank transfer holds the order and its stock")
    bank_transfer_confirm_after_hours: float = Field(
        4, ge=0, description="When the sandbox bank sees a transfer arrive (shop clock)")
    payment_refund_due_after_seconds: float = Field(
        30, ge=0, description="Grace before money captured for an order that cannot take it "
        "is refunded automatically (operators may act first)")
    payment_refund_sweeper_interval_seconds: float = Field(
        5.0, ge=0, description="How often refund_due payments are refunded (0 = off)")
    payment_reconciliation_interval_seconds: float = Field(
        3600, ge=0, description="How often yesterday's reconciliation is run if it has not "
        "been yet (0 = off)")
    events_rate_per_second: float = Field(
        20.0, description="Behaviour events each client may send per second, on average")
    events_burst: int = Field(1000, ge=500, description="Events a client may send at once")
    events_max_lateness_seconds: int = Field(
        3 * 24 * 3600, description="Oldest occurred_at accepted (the pipelines' lookback)")
    events_max_future_skew_seconds: int = Field(
        300, description="How far a client's occurred_at may run ahead of the server clock")
    login_attempts_per_minute_per_account: float = 10.0
    login_attempts_per_minute_per_client: float = 30.0
    # --- identity (accounts/): one-time codes, their throttles ---
    code_requests_per_hour_per_client: float = Field(
        30.0, gt=0, description="Sign-in and reset codes one client address may ask for")
    code_requests_per_hour_per_destination: float = Field(
        10.0, gt=0, description="Codes sent to one email or phone number")
    identity_code_ttl_seconds: int = Field(600, ge=60, le=3600,
                                           description="How long a one-time code works")
    identity_code_max_attempts: int = Field(5, ge=1, le=10,
                                            description="Wrong guesses that kill a code")
    # --- OpenID Connect sign-in (accounts/oidc*.py); none configured by default ---
    oidc_providers: Annotated[list[OidcProvider], AfterValidator(check_unique)] = Field(
        default_factory=list, description="JSON list of providers: name, issuer, client_id, "
        "client_secret, redirect_uri (accounts/oidc_config.py)")
    oidc_state_ttl_seconds: int = Field(
        600, ge=60, le=3600, description="How long a started sign-in waits for its callback")
    oidc_http_timeout_seconds: float = Field(
        10.0, gt=0, le=60, description="Per request to a provider (discovery, keys, token)")
    oidc_clock_skew_seconds: int = Field(
        60, ge=0, le=300, description="Leeway on an ID token's exp and iat")
    api_threads: int = Field(
        8, ge=0, description="sync handlers run at once per API process (0: anyio's 40); "
        "the rest wait their turn")
    # --- PostgreSQL connections (SQLite has one file and a write gate instead) ---
    db_pool_size: int = Field(
        10, ge=1, description="Connections each API process keeps open; size so that "
        "processes x (pool_size + max_overflow) stays under the server's max_connections")
    db_max_overflow: int = Field(5, ge=0, description="Extra connections opened under bursts")
    db_pool_timeout_seconds: float = Field(
        5.0, gt=0, description="Wait for a free connection before answering 503")
    db_statement_timeout_ms: int = Field(
        15_000, ge=0, description="PostgreSQL cancels a statement running longer (0 = off); "
        "the request answers 503")
    db_lock_timeout_ms: int = Field(
        5_000, ge=0, description="PostgreSQL gives up waiting for a row lock after this "
        "(0 = off); the request answers 503 and changes nothing")
    db_idle_in_transaction_timeout_ms: int = Field(
        60_000, ge=0, description="PostgreSQL ends a session left idle inside a transaction "
        "(0 = off), so a stuck worker cannot hold row locks for ever")
    password_hash_concurrency: int = Field(
        1, ge=1, description="argon2 hashes computed at once per process; the rest queue")
    relay_lease_seconds: float = Field(
        5.0, description="Lease of the relay lock, renewed while relaying")
    redis_socket_timeout_seconds: float = 2.0
    max_body_bytes: int = 256 * 1024
    relay_interval_seconds: float = Field(0.5, description="0 disables the in-process relay")
    redis_stream: str = "flywheel:events"
    redis_stream_maxlen: int = 100_000
    simulated_clock: bool = Field(
        False, description="Honour the X-Flywheel-Clock header on every request: for the "
        "simulator only, never in production"
    )
    default_currency: str = "USD"
    after_sales_return_window_days: int = Field(
        30, ge=1, le=365, description="Days after delivery a return or exchange may be asked")
    # --- fulfilment ---
    carriers: list[str] | None = Field(
        None, description="Carriers to offer, by registered name (JSON list); unset: the "
        "sandbox carrier where carrier sandboxes are on")
    carrier_sandbox_enabled: bool | None = Field(
        None, description="Offer the sandbox carrier; unset: as the payment sandbox")
    carrier_webhook_secret: str | None = Field(
        None, min_length=16, description="HMAC secret shared with carriers; unset: derived "
        "from the payment webhook secret (a different key, never stored anew)")
    carrier_callback_url: str | None = Field(
        None, description="Base URL the sandbox carrier posts to (.../v1/fulfilment/callbacks/"
        "<carrier> is appended); unset: the origin of the sandbox payment callback")
    sandbox_carrier_transit_hours: float = Field(
        36, ge=8, le=24 * 30, description="Sandbox parcels arrive this long after shipping "
        "(shop clock)")
    carrier_delivery_interval_seconds: float = Field(
        1.0, ge=0, description="How often the sandbox carrier posts due events (0 = off)")
    auto_complete_days: float = Field(
        7, ge=0, description="Delivered sub-orders complete this many days after delivery")
    auto_complete_interval_seconds: float = Field(
        300, ge=0, description="How often due sub-orders are completed (0 = off)")
    # --- members: levels, growth and points (transactional_api/members) ---
    members_levels: list[LevelRule] = Field(
        default_factory=lambda: list(DEFAULT_LEVELS), description="Levels lowest first as a "
        "JSON list of {name, min_growth, benefits}; the first starts at 0")
    members_growth_window_days: int = Field(
        365, ge=1, le=3650, description="Levels use the growth earned over this many days")
    members_growth_per_100_cents: int = Field(1, ge=0, description="Growth per 100 cents paid")
    members_points_per_100_cents: int = Field(1, ge=0, description="Points per 100 cents paid")
    members_review_growth: int = Field(10, ge=0, description="Growth for a published review")
    members_review_points: int = Field(20, ge=0, description="Points for a published review")
    members_points_expiry_days: int = Field(
        365, ge=1, le=3650, description="Points expire this long after they were earned")
    members_consumer_interval_seconds: float = Field(
        2.0, ge=0, description="How often the members consumer reads the outbox (0 = off)")
    members_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows re-read behind the cursor on PostgreSQL, where a "
        "lower id can commit after a higher one (re-reads are idempotent)")
    members_housekeeping_interval_seconds: float = Field(
        3600, ge=0, description="How often points expiry and due period-end downgrades run "
        "(0 = off)")
    # paying with points at checkout, and the activity rules (members/redemption.py, activity.py)
    members_points_per_currency_unit: int = Field(
        100, ge=1, le=100_000, description="Points worth 1.00 of the order's currency at "
        "checkout (100: a point is a cent)")
    members_points_max_share_bp: int = Field(
        5000, ge=0, le=9900, description="Points may pay at most this share of an order's "
        "total, in basis points (the rest is paid with money)")
    members_sign_in_points: int = Field(5, ge=0, description="Points for the first sign-in "
                                        "of a day")
    members_sign_in_growth: int = Field(1, ge=0, description="Growth for the first sign-in "
                                        "of a day")
    members_sign_in_streak_days: int = Field(
        7, ge=2, le=365, description="Every this many consecutive sign-in days earn the bonus")
    members_sign_in_streak_bonus_points: int = Field(20, ge=0)
    members_share_points: int = Field(10, ge=0, description="Points for sharing a product")
    members_share_growth: int = Field(2, ge=0, description="Growth for sharing a product")
    members_shares_rewarded_per_day: int = Field(
        3, ge=0, le=1000, description="Shares a day that earn; more are recorded, unpaid")
    members_birthday_points: int = Field(50, ge=0, description="Birthday points, once a year")
    members_birthday_gift_points: int = Field(
        200, ge=0, description="Birthday points instead, for levels with the birthday_gift "
        "benefit")
    members_birthday_growth: int = Field(5, ge=0)
    # --- tags and audiences (transactional_api/tags) ---
    tags_audience_size_max_users: int = Field(
        200_000, ge=1, description="An audience's size looks at this many users at most "
        "(past it the answer says exact=false)")
    tags_audience_size_cache_seconds: float = Field(
        60, ge=0, description="How long a computed audience size is reused (0 = never)")
    tags_audience_cache_seconds: float = Field(
        2.0, ge=0, description="How long a process reuses an audience's rule on in_audience "
        "(an edit elsewhere takes effect within this; 0 = read it every time)")
    # --- risk control (transactional_api/risk; thresholds in risk/limits.py) ---
    risk_enabled: bool = Field(True, description="Evaluate the risk rules on sign-in, "
                               "registration, order placement and payment")
    risk_limits: RiskLimits = Field(default_factory=RiskLimits, description="JSON, e.g. "
                                    '{"per_device_hour": [40, 200]}: [challenge_at, block_at]')
    risk_trusted_audience: str | None = Field(
        None, description="Name or id of an audience whose members skip the new-account "
        "large-order rule")
    risk_review_hold_seconds: int = Field(
        4 * 3600, ge=60, description="How long an order held for review keeps its stock")
    risk_allow_sample_rate: float = Field(
        0.0, ge=0, le=1, description="Share of allowed decisions recorded too")
    # --- automated reach (transactional_api/reach) ---
    reach_interval_seconds: float = Field(
        5.0, ge=0, description="How often the API follows the outbox for reach triggers, "
        "sweeps abandoned carts and sends what quiet hours deferred (0 = off)")
    reach_consumer_overlap_rows: int = Field(
        1000, ge=0, description="Outbox rows the reach consumer re-reads behind its cursor "
        "on PostgreSQL (re-reads send nothing twice)")
    # --- serving recommendations (transactional_api/recommendations) ---
    reco_experiment_salt: str = Field(
        "reco-1", min_length=1, max_length=64, description="Salt of the A/B assignment; a "
        "new salt reshuffles every user between the variants")
    reco_variants: dict[str, Plan] = Field(
        default_factory=lambda: dict(DEFAULT_VARIANTS), min_length=1, description="JSON: "
        "variant name -> placement -> lists tried in order (recommendations/variants.py)")
    reco_catalogue_refresh_seconds: float = Field(
        5.0, ge=0, description="How stale the in-process set of listed, in-stock products "
        "may be (0: read on every request)")
    reco_user_cache_seconds: float = Field(
        30.0, ge=0, description="How long a user's just-bought products and region are reused")
    reco_bought_window_days: int = Field(
        30, ge=0, le=3650, description="Products ordered this recently are not recommended")
    reco_recent_items: int = Field(20, ge=1, le=100,
                                   description="Recent products kept per session")
    reco_recent_ttl_seconds: int = Field(
        1800, ge=60, description="A session's recent products are forgotten after this idle")
    admin_email: str | None = Field(None, description="Operator account ensured at start-up")
    admin_password: str | None = Field(None, min_length=8)

    @field_validator("members_levels")
    @classmethod
    def _levels_in_order(cls, value: list[LevelRule]) -> list[LevelRule]:
        return check_levels(value)

    @property
    def sandbox_enabled(self) -> bool:
        return self.simulated_clock if self.payment_sandbox_enabled is None else \
            self.payment_sandbox_enabled

    @property
    def sandbox_outcome_selectable(self) -> bool:
        return self.simulated_clock if self.sandbox_outcome_choice is None else \
            self.sandbox_outcome_choice

    @property
    def resolved_sandbox_callback_url(self) -> str:
        return self.sandbox_callback_url or (
            f"{self.api_url.rstrip('/')}/v1/payments/callbacks/sandbox")

    def payment_callback_url(self, channel: str) -> str:
        """Where a sandbox provider posts its callbacks: beside the sandbox channel's."""
        return f"{self.resolved_sandbox_callback_url.rsplit('/', 1)[0]}/{channel}"

    @property
    def carrier_sandbox_on(self) -> bool:
        return self.sandbox_enabled if self.carrier_sandbox_enabled is None else \
            self.carrier_sandbox_enabled

    def carrier_callback_url_for(self, carrier: str) -> str:
        if self.carrier_callback_url:
            base = self.carrier_callback_url.rstrip("/")
        else:
            parts = urlsplit(self.resolved_sandbox_callback_url)
            base = f"{parts.scheme}://{parts.netloc}"
        return f"{base}/v1/fulfilment/callbacks/{carrier}"

    @property
    def db_options(self) -> DbOptions:
        return DbOptions(
            pool_size=self.db_pool_size, max_overflow=self.db_max_overflow,
            pool_timeout_seconds=self.db_pool_timeout_seconds,
            statement_timeout_ms=self.db_statement_timeout_ms,
            lock_timeout_ms=self.db_lock_timeout_ms,
            idle_in_transaction_timeout_ms=self.db_idle_in_transaction_timeout_ms)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'oltp.sqlite3').resolve()}"

    @property
    def resolved_lake_dir(self) -> Path:
        return (self.lake_dir or self.var_dir / "lake").resolve()

    @property
    def resolved_warehouse_path(self) -> Path:
        return (self.warehouse_path or self.var_dir / "warehouse" / "flywheel.duckdb").resolve()

    @property
    def published_warehouse_path(self) -> Path:
        """Read-only copy that dashboards open, swapped atomically after each build."""
        return self.resolved_warehouse_path.with_name("published.duckdb")


@lru_cache
def get_settings() -> Settings:
    return Settings()
