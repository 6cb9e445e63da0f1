"""The sync watermark row and its lease (one job works at a time across API processes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.search.models import SearchSyncState

STATE_ID = "catalog"
RECONCILE_ID = "reconcile"


def get(*, session: Session, row_id: str = STATE_ID) -> SearchSyncState:
    """The row, created if missing (the migration inserts "catalog"; "reconcile" comes on
    first use), so call it in a write unit unless the row surely exists."""
    row = session.get(SearchSyncState, row_id)
    if row is None:
        row = SearchSyncState(id=row_id, product_id="")
        session.add(row)
        session.flush()
    return row


def peek(*, session: Session, row_id: str) -> SearchSyncState | None:
    return session.get(SearchSyncState, row_id)


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
    walk = get(session=session, row_id=RECONCILE_ID)
    walk.reconciled_at, walk.product_id = now, ""


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
