"""Accounts of customers brought in from another system's history (e.g. CDNOW's).

They are ordinary shopper rows keyed by email, with no password: the hash field holds a
marker argon2 refuses as a hash, so no one can sign in as them until a password is set.
Creating them never hashes (tens of ms each would make 23,570 customers take minutes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transactional_api.accounts.models import User
from transactional_api.core.db import new_id

NO_PASSWORD = "!imported"  # not an argon2 hash: every password check fails
CHUNK = 500  # bound parameters per IN list, well under every engine's limit


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def ensure_imported_accounts(*, session: Session,
                             accounts: Mapping[str, datetime]) -> tuple[dict[str, str], int]:
    """email -> user id for every email given, creating the missing accounts (created_at as
    given); also how many were created. An existing account keeps everything it has."""
    emails = sorted(accounts)
    ids: dict[str, str] = {}
    for chunk in _chunks(emails):
        rows = session.execute(select(User.email, User.id).where(User.email.in_(chunk)))
        ids.update((email, user_id) for email, user_id in rows)
    missing = [email for email in emails if email not in ids]
    rows = [{"id": new_id(), "email": email, "password_hash": NO_PASSWORD, "role": "shopper",
             "created_at": accounts[email]} for email in missing]
    if rows:
        session.execute(insert(User), rows)
        ids.update((row["email"], row["id"]) for row in rows)
    return ids, len(rows)
