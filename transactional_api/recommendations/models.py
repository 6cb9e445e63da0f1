"""Operator rules applied when recommendations are served: pins, boosts, diversity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

RULE_KINDS = ("pin", "boost", "diversity")
PLACEMENTS = ("home", "product", "cart", "bought_together")


class RecoRule(Base):
    """pin: product_id at position (1-based) of placement; boost: product_id or
    category_id scores times multiplier; diversity: at most max_per_category items of one
    category in the top_k of placement. placement None: every placement. A window
    (starts_at, ends_at) is optional; outside it the rule does nothing."""

    __tablename__ = "reco_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('pin', 'boost', 'diversity')", name="ck_reco_rules_kind"),
        CheckConstraint("position IS NULL OR position >= 1", name="ck_reco_rules_position"),
        CheckConstraint("multiplier IS NULL OR multiplier >= 0",
                        name="ck_reco_rules_multiplier"),
        Index("ix_reco_rules_kind", "kind"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(12))
    placement: Mapped[str | None] = mapped_column(String(20))
    product_id: Mapped[str | None] = mapped_column(String(36))
    category_id: Mapped[str | None] = mapped_column(String(36))
    position: Mapped[int | None] = mapped_column(Integer)
    multiplier: Mapped[float | None] = mapped_column(Float)
    max_per_category: Mapped[int | None] = mapped_column(Integer)
    top_k: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
