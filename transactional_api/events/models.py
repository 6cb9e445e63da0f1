from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow


class OutboxEvent(Base):
    """Events written in the same transaction as the change they describe.

    The relay lands rows with published_at NULL in the lake and streams rows with
    streamed_at NULL to Redis, stamping each after its write; a crash in between
    republishes, and consumers drop the duplicate by event_id.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    record: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    streamed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
