"""Reviews (one per order line) and the per-product rating aggregate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

PENDING, PUBLISHED, REJECTED = "pending", "published", "rejected"


class Review(Base):
    """A verified buyer's review of the SKU on one order line. The reply columns hold the
    shop's answer: set once by an operator, or set, replaced and withdrawn by the merchant."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating"),
        CheckConstraint("status IN ('pending', 'published', 'rejected')",
                        name="ck_reviews_status"),
        # the shopper's page (published, newest first) and the moderation queue
        Index("ix_reviews_product_status_created", "product_id", "status", "created_at"),
        Index("ix_reviews_status_created", "status", "created_at"),
        # the merchant's page of their published reviews, newest first (migration 0023)
        Index("ix_reviews_merchant_status_created", "merchant_id", "status", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Once per order line: a second review of the same line is refused by this key.
    order_line_id: Mapped[int] = mapped_column(Integer, unique=True)
    order_id: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str] = mapped_column(String(36))
    sku_id: Mapped[str] = mapped_column(String(36))
    merchant_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    photo_urls: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    moderated_by: Mapped[str | None] = mapped_column(String(36))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(36))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductRating(Base):
    """The published reviews of a product, counted per star. Written in the moderation's
    transaction, so a product page reads one row instead of counting reviews."""

    __tablename__ = "product_ratings"
    __table_args__ = (
        CheckConstraint(
            "count_1 >= 0 AND count_2 >= 0 AND count_3 >= 0 AND count_4 >= 0 "
            "AND count_5 >= 0", name="ck_product_ratings_counts_nonneg"),
        # the totals can never drift from the histogram, whatever the code does
        CheckConstraint("rating_count = count_1 + count_2 + count_3 + count_4 + count_5",
                        name="ck_product_ratings_count"),
        CheckConstraint(
            "rating_sum = count_1 + 2 * count_2 + 3 * count_3 + 4 * count_4 + 5 * count_5",
            name="ck_product_ratings_sum"),
    )
    product_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rating_count: Mapped[int] = mapped_column(BigInteger, default=0)
    rating_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    count_1: Mapped[int] = mapped_column(BigInteger, default=0)
    count_2: Mapped[int] = mapped_column(BigInteger, default=0)
    count_3: Mapped[int] = mapped_column(BigInteger, default=0)
    count_4: Mapped[int] = mapped_column(BigInteger, default=0)
    count_5: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
