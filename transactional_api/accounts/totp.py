"""TOTP two-factor authentication (RFC 6238, 30-second steps, 6 digits) and recovery codes.

The seed has to be readable to check a code, so it is stored as is; codes are checked
for the current step and one either side (clock drift), and a step is accepted once only:
last_step moves forward with one conditional UPDATE, so two requests replaying the same
code at the same moment cannot both pass. Recovery codes are stored as keyed hashes and
each works once.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from transactional_api.accounts.codes import CodeBook
from transactional_api.accounts.identity_models import RecoveryCode, UserTotp
from transactional_api.core.errors import Conflict, NotFound

ISSUER = "Flywheel"
RECOVERY_CODES = 10


def enrol(session: Session, *, user_id: str, label: str, now: datetime) -> tuple[str, str]:
    """A new seed (replacing one not yet activated) and its otpauth:// URI for a QR code."""
    row = session.get(UserTotp, user_id)
    if row is not None and row.enabled_at is not None:
        raise Conflict("two-factor authentication is already on", code="two_factor_enabled")
    secret = pyotp.random_base32()
    if row is None:
        session.add(UserTotp(user_id=user_id, secret=secret, created_at=now, last_step=0))
    else:
        row.secret, row.created_at, row.last_step = secret, now, 0
    return secret, pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)


def accept(session: Session, *, user_id: str, code: str, now: datetime) -> bool:
    """True when code is right for a step not used before; that step is then spent."""
    row = session.get(UserTotp, user_id)
    if row is None:
        return False
    totp = pyotp.TOTP(row.secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > row.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            moved = session.execute(
                update(UserTotp).where(UserTotp.user_id == user_id, UserTotp.last_step < step)
                .values(last_step=step).execution_options(synchronize_session=False)).rowcount
            session.expire(row)
            return moved == 1
    return False


def _normalise(code: str) -> str:
    return code.replace("-", "").replace(" ", "").lower()


def new_recovery_codes(session: Session, book: CodeBook, *, user_id: str,
                       now: datetime) -> list[str]:
    """Replaces any earlier set; shown once, stored as keyed hashes."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user_id, created_at=now,
                                 code_hash=book.keyed("recovery", user_id, raw)))
    return codes


def use_recovery_code(session: Session, book: CodeBook, *, user_id: str, code: str,
                      now: datetime) -> int | None:
    """Spends the code; the number still unused, or None when it is wrong or used."""
    spent = session.execute(
        update(RecoveryCode).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None),
            RecoveryCode.code_hash == book.keyed("recovery", user_id, _normalise(code)))
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if spent != 1:
        return None
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)))


def activate(session: Session, book: CodeBook, *, user_id: str, code: str,
             now: datetime) -> list[str] | None:
    """Turns two-factor on when code proves the authenticator works; the recovery codes."""
    row = session.get(UserTotp, user_id)
    if row is None:
        raise NotFound("enrol an authenticator first", code="not_enrolled")
    if row.enabled_at is not None:
        raise Conflict("two-factor authentication is already on", code="two_factor_enabled")
    if not accept(session, user_id=user_id, code=code, now=now):
        return None
    row.enabled_at = now
    return new_recovery_codes(session, book, user_id=user_id, now=now)
