"""Tag definitions (with their lifecycle), manual assignments and saved audiences.

Automatic tags are not stored here: the pipelines compute them in the warehouse and
publish them to Redis (tags/keys.py); only their definitions live in the OLTP, so an
operator can retire one without waiting for a pipeline run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

CREATED, ACTIVE, RETIRED = "created", "active", "retired"
MANUAL, AUTOMATIC = "manual", "automatic"


class TagDefinition(Base):
    __tablename__ = "tag_definitions"
    __table_args__ = (
        CheckConstraint("status IN ('created', 'active', 'retired')",
                        name="ck_tag_definitions_status"),
        CheckConstraint("kind IN ('manual', 'automatic')", name="ck_tag_definitions_kind"),
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    description: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserTag(Base):
    """A manual tag an operator put on a shopper; one row per (user, tag)."""

    __tablename__ = "user_tags"
    __table_args__ = (Index("ix_user_tags_tag", "tag", "user_id"),)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tag: Mapped[str] = mapped_column(ForeignKey("tag_definitions.name"), primary_key=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    assigned_by: Mapped[str | None] = mapped_column(String(36))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Audience(Base):
    """A saved rule (tags/rules.py). version rises with every edit, so a cached size or
    compiled rule of an older version is never served."""

    __tablename__ = "audiences"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    rule: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
