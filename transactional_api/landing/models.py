"""Landing pages (ordered blocks behind a slug) and resource-slot creatives (banners and
pop-ups), each with a status, a schedule and an optional audience."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
SLOTS = ("home_banner", "popup", "category_banner")


class LandingPage(Base):
    __tablename__ = "landing_pages"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')",
                        name="ck_landing_pages_status"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
                        name="ck_landing_pages_schedule"),
        CheckConstraint("version >= 1", name="ck_landing_pages_version"),
        Index("ix_landing_pages_status", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience_id: Mapped[str | None] = mapped_column(String(36))
    # [{"kind": "products" | "product_rule" | "coupon" | "text", ...}] (schemas.py)
    blocks: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlotCreative(Base):
    """One creative in a slot; the storefront shows those in force by priority (highest
    first). category_id narrows a category_banner to one category (None: every one)."""

    __tablename__ = "landing_slot_creatives"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')",
                        name="ck_landing_slot_creatives_status"),
        CheckConstraint("slot IN ('home_banner', 'popup', 'category_banner')",
                        name="ck_landing_slot_creatives_slot"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
                        name="ck_landing_slot_creatives_schedule"),
        CheckConstraint("(target_url IS NULL) <> (target_page_slug IS NULL)",
                        name="ck_landing_slot_creatives_target"),
        CheckConstraint("category_id IS NULL OR slot = 'category_banner'",
                        name="ck_landing_slot_creatives_category"),
        CheckConstraint("version >= 1", name="ck_landing_slot_creatives_version"),
        Index("ix_landing_slot_creatives_slot_status", "slot", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slot: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    image_url: Mapped[str] = mapped_column(String(500))
    target_url: Mapped[str | None] = mapped_column(String(500))
    target_page_slug: Mapped[str | None] = mapped_column(String(80))
    category_id: Mapped[str | None] = mapped_column(String(36))
    audience_id: Mapped[str | None] = mapped_column(String(36))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
