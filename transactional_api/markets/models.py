"""Markets (storefront channels, each with a currency and a language), exchange rates with
effective dates, per-currency rounding rules and explicit per-SKU prices per currency.

Money is integer minor units of the column's currency (iso4217.py); rates are integers
scaled by 10^9 (money.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow


class Market(Base):
    __tablename__ = "market_markets"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(16))
    countries: Mapped[list] = mapped_column(JSON, default=list)  # ISO 3166 alpha-2 codes
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FxRate(Base):
    """1 ``base`` = rate_e9 / 10^9 ``quote`` from effective_from until a later row."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        UniqueConstraint("base", "quote", "effective_from", name="uq_fx_rates_pair_from"),
        CheckConstraint("rate_e9 > 0", name="ck_fx_rates_rate_pos"),
        CheckConstraint("base <> quote", name="ck_fx_rates_pair"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate_e9: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(8))  # csv | admin
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CurrencyRounding(Base):
    """How converted prices in a currency are rounded; a currency without a row rounds
    half up to its minor unit."""

    __tablename__ = "fx_rounding_rules"
    __table_args__ = (
        CheckConstraint("increment_minor >= 1", name="ck_fx_rounding_rules_increment"),
        CheckConstraint("mode IN ('half_up', 'up', 'down')", name="ck_fx_rounding_rules_mode"),
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    increment_minor: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MarketSkuPrice(Base):
    """An operator's own price for a SKU in a currency (wins over conversion)."""

    __tablename__ = "market_sku_prices"
    __table_args__ = (CheckConstraint("amount_minor >= 0", name="ck_market_sku_prices_amount"),)
    sku_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
