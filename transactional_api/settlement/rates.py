"""Commission rates: per category, per merchant (optionally per category), or the
platform default; the platform fee rides on the merchant-wide and default scopes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.settlement.models import CommissionRate


def scope_key(merchant_id: str | None, category_id: str | None) -> str:
    return f"{merchant_id or '*'}|{category_id or '*'}"


def put_rate(*, session: Session, merchant_id: str | None, category_id: str | None,
             rate_bps: int, fee_fixed_cents: int, fee_bps: int,
             actor_id: str | None) -> CommissionRate:
    """Create or replace the rate of a scope (a repeated call is the same state)."""
    key, now = scope_key(merchant_id, category_id), clock.now()
    row = session.scalar(select(CommissionRate).where(CommissionRate.scope_key == key)
                         .with_for_update())
    if row is None:
        row = CommissionRate(scope_key=key, merchant_id=merchant_id, category_id=category_id,
                             created_at=now)
        session.add(row)
    row.rate_bps, row.fee_fixed_cents, row.fee_bps = rate_bps, fee_fixed_cents, fee_bps
    row.updated_by, row.updated_at = actor_id, now
    session.flush()
    return row


def list_rates(*, session: Session) -> list[CommissionRate]:
    return list(session.scalars(select(CommissionRate).order_by(CommissionRate.scope_key)))
