"""Tables of sign-in by code, two-factor authentication and the sandbox message sender.

Nothing here holds a secret a reader of the table could use: codes, recovery codes and
the destinations codes were sent to are stored as keyed hashes (codes.py). The TOTP seed
must be readable to check a code, so it is stored as is (see totp.py).
These tables stay out of the warehouse snapshot: they are credentials and personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class UserPhone(Base):
    """The verified phone number (E.164) of an account; one each way."""

    __tablename__ = "user_phones"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityCode(Base):
    """One challenge: a one-time code sent to an address, or a pending second factor.

    ``target_hash`` keys the lookup (HMAC of purpose and destination, or of the second-factor
    ticket); ``code_hash`` is the HMAC of the code bound to this row's id. A row is spent
    once (``consumed_at``) and dies after ``max_attempts`` wrong guesses or ``expires_at``.
    """

    __tablename__ = "identity_codes"
    __table_args__ = (Index("ix_identity_codes_target", "purpose", "target_hash"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    purpose: Mapped[str] = mapped_column(String(24))
    # "email" or "phone"; for a pending second factor its first step (also "oidc:<provider>")
    channel: Mapped[str] = mapped_column(String(32))
    target_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserTotp(Base):
    """A TOTP authenticator: pending until a first code proves it is set up."""

    __tablename__ = "user_totp"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest 30-second step a code was accepted for: a step is accepted once only.
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(Base):
    __tablename__ = "user_recovery_codes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SandboxMessage(Base):
    """What the sandbox email/SMS sender 'sent': read by tests, the demo and operators."""

    __tablename__ = "sandbox_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(8))
    destination: Mapped[str] = mapped_column(String(254), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
