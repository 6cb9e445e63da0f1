"""Translated texts: one row per (entity type, entity id, field, language), and the
language a signed-in shopper asked for last (for the messages sent to them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

ENTITY_TYPES = ("product", "category", "brand", "landing_page", "message_template")


class Translation(Base):
    __tablename__ = "translation_texts"
    __table_args__ = (
        UniqueConstraint("entity_type", "entity_id", "field", "lang",
                         name="uq_translation_texts_key"),
        CheckConstraint("entity_type IN ('product', 'category', 'brand', 'landing_page', "
                        "'message_template')", name="ck_translation_texts_entity_type"),
        CheckConstraint("length(text) > 0", name="ck_translation_texts_text"),
        Index("ix_translation_texts_lang", "lang", "entity_type"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(36))
    # "name", "description", "title", "blocks.2.body", "subject", "template"
    field: Mapped[str] = mapped_column(String(40))
    # BCP 47, normalised: "pt", "pt-BR", "zh-Hant-TW"
    lang: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserLanguage(Base):
    """The language a shopper chose (PUT /v1/me/language): their messages are sent in it."""

    __tablename__ = "translation_user_languages"
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lang: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
