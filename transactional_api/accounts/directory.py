"""Accounts as other domains may list them: user ids in pages, for work that has to look
at every shopper (tags: an audience's size). Keyset pages by id, so a long walk costs one
indexed range read per page however far it has gone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.accounts.models import User


def user_ids_page(*, session: Session, after: str | None, limit: int) -> list[str]:
    """Up to limit user ids greater than after (None: from the start), in id order."""
    query = select(User.id).order_by(User.id).limit(limit)
    if after is not None:
        query = query.where(User.id > after)
    return list(session.scalars(query))


def existing(*, session: Session, user_ids: list[str]) -> set[str]:
    return set(session.scalars(select(User.id).where(User.id.in_(user_ids)))) if user_ids \
        else set()
