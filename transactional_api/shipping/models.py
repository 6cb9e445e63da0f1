"""Operator-configured shipping fees and tax rates, per region ("*" is the fallback)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow

ANY_REGION = "*"


class ShippingRate(Base):
    """Fee = base for the first ``base_grams``, then ``step_cents`` per started
    ``step_grams``; nothing once a merchant's goods reach ``free_over_cents``."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        UniqueConstraint("region", "currency", name="uq_shipping_rates_region_currency"),
        CheckConstraint("base_cents >= 0 AND step_cents >= 0 AND base_grams >= 0 "
                        "AND step_grams > 0", name="ck_shipping_rates_nonneg"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    base_cents: Mapped[int] = mapped_column(BigInteger)
    base_grams: Mapped[int] = mapped_column(Integer)
    step_cents: Mapped[int] = mapped_column(BigInteger)
    step_grams: Mapped[int] = mapped_column(Integer)
    free_over_cents: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaxRate(Base):
    """Sales tax added on top of the goods, in basis points (825 = 8.25 %)."""

    __tablename__ = "tax_rates"
    __table_args__ = (CheckConstraint("rate_bp >= 0 AND rate_bp <= 10000",
                                      name="ck_tax_rates_range"),)
    region: Mapped[str] = mapped_column(String(16), primary_key=True)
    rate_bp: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
