"""The sync watermark row and its lease (one job works at a time across API processes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.search.models import SearchSyncState

STATE_ID = "catalog"


def get(*, session: Session) -> SearchSyncState:
    row = session.get(SearchSyncState, STATE_ID)
    if row is None:  # the migration inserts it; a hand-emptied table gets it back
        row = SearchSyncState(id=STATE_ID, product_id="")
        session.add(row)
        session.flush()
    return row


def mark_full_reindex(*, session: Session, docs: list[dict]) -> None:
    """After a full rebuild: resume the product keyset from the newest document, and the
    stock and reconcile clocks from now."""
    row = get(session=session)
    now = clock.real_now()
    newest = max(((d["updated_at"], d["id"]) for d in docs), default=None)
    if newest is None:
        # Nothing listed: start the keyset at the epoch so nothing is skipped later.
        row.product_at, row.product_id = datetime(1970, 1, 1, tzinfo=now.tzinfo), ""
    elif row.product_at is None or (row.product_at, row.product_id) < newest:
        row.product_at, row.product_id = newest
    row.stock_at = now
    row.reconciled_at = now


def claim(*, session: Session, owner: str, seconds: float) -> bool:
    """Take or renew the lease; False while another owner holds an unexpired one."""
    now = clock.real_now()
    s = SearchSyncState
    result = session.execute(
        update(s).where(s.id == STATE_ID, or_(s.lease_until.is_(None), s.lease_until < now,
                                              s.lease_owner == owner))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def release(*, session: Session, owner: str) -> None:
    s = SearchSyncState
    session.execute(update(s).where(s.id == STATE_ID, s.lease_owner == owner)
                    .values(lease_owner=None, lease_until=None)
                    .execution_options(synchronize_session=False))
