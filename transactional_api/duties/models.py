"""The duty table: one row per destination country, category (``*``: the country's
default) and date from which it applies. A later row replaces an earlier one from its
effective date on; rows are never edited, so an order's rule can always be found again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

DEFAULT_CATEGORY = "*"
MAX_DUTY_BPS = 100_000  # tariffs above 100% exist (up to 1000% here)
MAX_TAX_BPS = 10_000


class DutyRate(Base):
    __tablename__ = "duty_rates"
    __table_args__ = (
        UniqueConstraint("country", "category_key", "effective_from",
                         name="uq_duty_rates_scope_from"),
        CheckConstraint(f"duty_bps >= 0 AND duty_bps <= {MAX_DUTY_BPS}",
                        name="ck_duty_rates_duty_bps"),
        CheckConstraint(f"import_tax_bps >= 0 AND import_tax_bps <= {MAX_TAX_BPS}",
                        name="ck_duty_rates_tax_bps"),
        CheckConstraint("de_minimis_cents >= 0", name="ck_duty_rates_de_minimis"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2))
    # a category id, or "*" for the country's default rule
    category_key: Mapped[str] = mapped_column(String(36))
    duty_bps: Mapped[int] = mapped_column(Integer)
    import_tax_bps: Mapped[int] = mapped_column(Integer)
    # goods worth less than this (in its currency) to one destination pay no duty
    de_minimis_cents: Mapped[int] = mapped_column(BigInteger)
    de_minimis_currency: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def category_id(self) -> str | None:
        return None if self.category_key == DEFAULT_CATEGORY else self.category_key
