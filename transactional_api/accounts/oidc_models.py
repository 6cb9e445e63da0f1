"""Accounts linked to an identity at an OpenID provider (accounts/oidc.py).

A link is (provider, subject): the provider's stable id for the person, never their email,
which can change hands. One link per provider and account. The email is kept only to
show the owner which identity is linked; erasing the account removes its links.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class OidcLink(Base):
    __tablename__ = "user_oidc_links"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_user_oidc_links_subject"),
        UniqueConstraint("user_id", "provider", name="uq_user_oidc_links_user_provider"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
