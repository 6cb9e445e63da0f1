"""Exchange rates with effective dates, and each currency's rounding rule.

``rate_at`` answers the rate in force at a time: the row of the pair with the latest
effective_from <= at. A pair loaded only the other way round is inverted. No rate is a
409 fx_rate_missing, never a guess and never a 500.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events.market_events import FxRateSet, FxRateSetPayload
from transactional_api.events.outbox import emit
from transactional_api.markets import iso4217
from transactional_api.markets.models import CurrencyRounding, FxRate
from transactional_api.markets.money import (
    DEFAULT_ROUNDING,
    MODES,
    RATE_ONE,
    Rounding,
    invert,
)


def set_rate(*, session: Session, base: str, quote: str, rate_e9: int,
             effective_from: datetime, source: str, actor_id: str | None = None) -> str:
    """Insert or correct the pair's rate from ``effective_from``: 'inserted', 'updated'
    or 'unchanged' (the same row again writes nothing and emits nothing)."""
    iso4217.check(base)
    iso4217.check(quote)
    if base == quote:
        raise Unprocessable("a rate needs two currencies", code="same_currency")
    if effective_from.tzinfo is None:
        raise Unprocessable("effective_from needs a timezone", code="naive_datetime")
    row = session.scalar(select(FxRate).where(
        FxRate.base == base, FxRate.quote == quote,
        FxRate.effective_from == effective_from).with_for_update())
    previous = row.rate_e9 if row is not None else None
    if previous == rate_e9:
        return "unchanged"
    now = clock.now()
    if row is None:
        session.add(FxRate(base=base, quote=quote, rate_e9=rate_e9,
                           effective_from=effective_from, source=source, updated_at=now))
    else:
        row.rate_e9, row.source, row.updated_at = rate_e9, source, now
    try:
        session.flush()
    except IntegrityError as exc:  # the same pair and time written by another request
        raise Conflict("this rate is being set by another request; try again",
                       code="fx_rate_conflict") from exc
    emit(session=session, event=FxRateSet(
        occurred_at=now, user_id=actor_id, payload=FxRateSetPayload(
            base=base, quote=quote, rate_e9=rate_e9, effective_from=effective_from,
            source=source, previous_rate_e9=previous)))
    return "inserted" if previous is None else "updated"


def _latest(session: Session, base: str, quote: str, at: datetime) -> FxRate | None:
    return session.scalar(select(FxRate).where(
        FxRate.base == base, FxRate.quote == quote, FxRate.effective_from <= at)
        .order_by(FxRate.effective_from.desc()).limit(1))


def rate_at(session: Session, base: str, quote: str, at: datetime | None = None) -> int:
    """1 ``base`` = rate_at / 10^9 ``quote`` at ``at`` (default now)."""
    if base == quote:
        return RATE_ONE
    at = at or clock.now()
    direct = _latest(session, base, quote, at)
    inverse = _latest(session, quote, base, at)
    if direct is None and inverse is None:
        raise Conflict(f"no exchange rate from {base} to {quote} in force",
                       code="fx_rate_missing",
                       details={"base": base, "quote": quote, "at": at.isoformat()})
    # the more recent of the two directions wins; a tie keeps the pair as asked
    if inverse is not None and (direct is None or inverse.effective_from > direct.effective_from):
        return invert(inverse.rate_e9)
    return direct.rate_e9


def list_rates(*, session: Session, base: str | None = None, quote: str | None = None,
               limit: int = 100, offset: int = 0) -> list[FxRate]:
    q = select(FxRate)
    if base:
        q = q.where(FxRate.base == base)
    if quote:
        q = q.where(FxRate.quote == quote)
    return list(session.scalars(q.order_by(FxRate.base, FxRate.quote,
                                           FxRate.effective_from.desc())
                                .limit(limit).offset(offset)))


def rounding_for(session: Session, currency: str) -> Rounding:
    row = session.get(CurrencyRounding, currency)
    return Rounding(row.increment_minor, row.mode) if row is not None else DEFAULT_ROUNDING


def set_rounding(*, session: Session, currency: str, increment_minor: int,
                 mode: str) -> CurrencyRounding:
    iso4217.check(currency)
    if mode not in MODES:
        raise Unprocessable("unknown rounding mode", code="invalid_rounding_mode",
                            details={"modes": list(MODES)})
    row = session.get(CurrencyRounding, currency)
    if row is None:
        row = CurrencyRounding(currency=currency)
        session.add(row)
    row.increment_minor, row.mode, row.updated_at = increment_minor, mode, clock.now()
    session.flush()
    return row


def list_rounding(*, session: Session) -> list[CurrencyRounding]:
    return list(session.scalars(select(CurrencyRounding).order_by(CurrencyRounding.currency)))
