"""Every movement of a promoter's money is one ledger entry moving an amount between two
buckets; the promoter's balance columns change in the same step, so each balance always
equals the sum of the entries into that bucket minus those out of it (``balances_from_entries``
recomputes them, for checks). Callers hold the promoter's row lock."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.promoters.models import BUCKETS, LedgerEntry, Promoter


def locked(session: Session, promoter_id: str) -> Promoter:
    # populate_existing: a row read earlier in this session must not keep its stale balances
    promoter = session.scalar(select(Promoter).where(Promoter.id == promoter_id)
                              .with_for_update().execution_options(populate_existing=True))
    if promoter is None:
        raise NotFound("promoter not found", code="promoter_not_found")
    return promoter


def move(session: Session, promoter: Promoter, *, kind: str, amount_cents: int,
         from_bucket: str | None, to_bucket: str | None, source_key: str,
         commission_id: str | None = None, withdrawal_id: str | None = None) -> bool:
    """One entry (nothing for a zero amount or a source_key already applied); True when
    written."""
    if amount_cents <= 0:
        return False
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.source_key == source_key)):
        return False
    for bucket, sign in ((from_bucket, -1), (to_bucket, 1)):
        if bucket is not None:
            column = f"{bucket}_cents"
            setattr(promoter, column, getattr(promoter, column) + sign * amount_cents)
    session.add(LedgerEntry(promoter_id=promoter.id, source_key=source_key, kind=kind,
                            from_bucket=from_bucket, to_bucket=to_bucket,
                            amount_cents=amount_cents, commission_id=commission_id,
                            withdrawal_id=withdrawal_id, created_at=clock.now()))
    session.flush()
    return True


def balances(promoter: Promoter) -> dict[str, int]:
    return {b: getattr(promoter, f"{b}_cents") for b in BUCKETS}


def balances_from_entries(session: Session, promoter_id: str) -> dict[str, int]:
    """The balances as the sum of the entries (what the columns must always equal)."""
    out = dict.fromkeys(BUCKETS, 0)
    for column, sign in ((LedgerEntry.to_bucket, 1), (LedgerEntry.from_bucket, -1)):
        rows = session.execute(select(column, func.sum(LedgerEntry.amount_cents))
                               .where(LedgerEntry.promoter_id == promoter_id,
                                      column.is_not(None)).group_by(column))
        for bucket, total in rows:
            out[bucket] += sign * int(total)
    return out
