"""One-time codes and second-factor tickets, stored only as keyed hashes.

A 6-digit code has a million values, so a plain SHA-256 of it is reversed in a blink by
whoever reads the table; every hash here is an HMAC under a key that lives outside the
database (derived from the installation secret). A code is bound to its row, expires,
is spent once, and dies after a few wrong guesses; asking for a new one retires the old.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transactional_api.accounts.identity_models import IdentityCode
from transactional_api.core.db import new_id

SECOND_FACTOR = "second_factor"


def derive_key(installation_secret: str) -> bytes:
    return hmac.new(installation_secret.encode(), b"flywheel identity codes v1",
                    hashlib.sha256).digest()


@dataclass(frozen=True)
class CodeBook:
    key: bytes
    ttl_seconds: int = 600
    max_attempts: int = 5
    ticket_ttl_seconds: int = 300

    def keyed(self, *parts: str) -> str:
        return hmac.new(self.key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()

    def _retire(self, session: Session, purpose: str, target: str, now: datetime) -> None:
        session.execute(update(IdentityCode).where(
            IdentityCode.purpose == purpose, IdentityCode.target_hash == target,
            IdentityCode.consumed_at.is_(None)).values(consumed_at=now))

    def issue(self, session: Session, *, purpose: str, channel: str, destination: str,
              user_id: str | None, now: datetime) -> str:
        """A fresh code for destination (already normalised); earlier ones stop working."""
        target = self.keyed("target", purpose, destination)
        self._retire(session, purpose, target, now)
        code = f"{secrets.randbelow(10**6):06d}"
        row_id = new_id()
        session.add(IdentityCode(
            id=row_id, purpose=purpose, channel=channel, target_hash=target, user_id=user_id,
            code_hash=self.keyed("code", row_id, code), attempts=0, created_at=now,
            expires_at=now + timedelta(seconds=self.ttl_seconds)))
        return code

    def _open(self, session: Session, purpose: str, target: str,
              now: datetime) -> IdentityCode | None:
        row = session.scalar(
            select(IdentityCode)
            .where(IdentityCode.purpose == purpose, IdentityCode.target_hash == target,
                   IdentityCode.consumed_at.is_(None))
            .order_by(IdentityCode.created_at.desc()).limit(1).with_for_update())
        if row is None or row.expires_at <= now or row.attempts >= self.max_attempts:
            return None
        return row

    def redeem(self, session: Session, *, purpose: str, destination: str, code: str,
               now: datetime) -> IdentityCode | None:
        """The challenge the code answers, now spent; None for a wrong, expired, used or
        exhausted code alike. A wrong guess is counted: the caller must commit it."""
        row = self._open(session, purpose, self.keyed("target", purpose, destination), now)
        if row is None:
            return None
        if not hmac.compare_digest(row.code_hash or "", self.keyed("code", row.id, code)):
            row.attempts += 1
            return None
        row.consumed_at = now
        return row

    # --- second-factor tickets: the first step passed, the second is still owed ---------
    def issue_ticket(self, session: Session, *, user_id: str, first_step: str,
                     now: datetime) -> str:
        ticket = secrets.token_urlsafe(32)
        session.add(IdentityCode(
            purpose=SECOND_FACTOR, channel=first_step, target_hash=self.keyed("ticket", ticket),
            user_id=user_id, attempts=0, created_at=now,
            expires_at=now + timedelta(seconds=self.ticket_ttl_seconds)))
        return ticket

    def open_ticket(self, session: Session, *, ticket: str,
                    now: datetime) -> IdentityCode | None:
        return self._open(session, SECOND_FACTOR, self.keyed("ticket", ticket), now)
