"""The duty table (operators keep it) and ``assess``: which rule applies to each line of
an order to a country, and what it charges (the arithmetic is in calc.py).

A line's rule: the latest row in force at ``at`` for its category, else for the nearest
ancestor category that has one, else the country's default (category ``*``); no row at
all: nothing is charged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog import taxonomy
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.duties import calc
from transactional_api.duties.countries import is_country
from transactional_api.duties.models import DEFAULT_CATEGORY, DutyRate

DutyAssessment = calc.DutyAssessment


def _rule(row: DutyRate) -> calc.Rule:
    return calc.Rule(rate_id=row.id, country=row.country, category_id=row.category_id,
                     duty_bps=row.duty_bps, import_tax_bps=row.import_tax_bps,
                     de_minimis_cents=row.de_minimis_cents,
                     de_minimis_currency=row.de_minimis_currency)


def rules_in_force(session: Session, *, country: str, at: datetime) -> dict[str, calc.Rule]:
    """category key ("*" for the default) -> the rule in force at ``at``."""
    rows = session.scalars(select(DutyRate).where(
        DutyRate.country == country, DutyRate.effective_from <= at)
        .order_by(DutyRate.effective_from.desc(), DutyRate.id))
    out: dict[str, calc.Rule] = {}
    for row in rows:
        out.setdefault(row.category_key, _rule(row))
    return out


def _ancestry(session: Session) -> dict[str, list[str]]:
    """category -> itself and its ancestors, nearest first (from the materialised path)."""
    return {c.id: [p for p in c.path.strip("/").split("/") if p][::-1]
            for c in taxonomy.list_categories(session=session)}


def assess(session: Session, *, origin_country: str, destination_country: str,
           lines: list[tuple[str | None, int]], currency: str,
           at: datetime | None = None) -> DutyAssessment:
    """Duties and import tax of goods sent from ``origin_country`` to
    ``destination_country``: ``lines`` are (category id, amount in the currency's minor
    units). Same country: nothing charged, and nothing read."""
    if origin_country == destination_country:
        return calc.compute(origin_country=origin_country,
                            destination_country=destination_country, currency=currency,
                            lines=lines, rules=[None] * len(lines))
    in_force = rules_in_force(session, country=destination_country, at=at or clock.now())
    chains = _ancestry(session) if len(in_force) > 1 else {}
    rules = []
    for category_id, _ in lines:
        keys = [*chains.get(category_id or "", [category_id] if category_id else []),
                DEFAULT_CATEGORY]
        rules.append(next((in_force[k] for k in keys if k in in_force), None))
    return calc.compute(origin_country=origin_country, destination_country=destination_country,
                        currency=currency, lines=lines, rules=rules)


# --- the table, for operators --------------------------------------------------------
def list_rates(session: Session, *, country: str | None = None) -> list[DutyRate]:
    stmt = select(DutyRate).order_by(DutyRate.country, DutyRate.category_key,
                                     DutyRate.effective_from)
    if country is not None:
        stmt = stmt.where(DutyRate.country == country)
    return list(session.scalars(stmt))


def create_rate(session: Session, *, country: str, category_id: str | None, duty_bps: int,
                import_tax_bps: int, de_minimis_cents: int, de_minimis_currency: str,
                effective_from: datetime | None, actor_id: str | None) -> DutyRate:
    """A new row; 422 for an unknown country or category, 409 rate_exists when the same
    country, category and date already have one."""
    if not is_country(country):
        raise Unprocessable(f"{country!r} is not an ISO 3166-1 alpha-2 country code",
                            code="unknown_country", details={"country": country})
    if category_id is not None and category_id not in _ancestry(session):
        raise Unprocessable("no such category", code="unknown_category",
                            details={"category_id": category_id})
    now = clock.now()
    row = DutyRate(country=country, category_key=category_id or DEFAULT_CATEGORY,
                   duty_bps=duty_bps, import_tax_bps=import_tax_bps,
                   de_minimis_cents=de_minimis_cents, de_minimis_currency=de_minimis_currency,
                   effective_from=effective_from or now, created_by=actor_id, created_at=now)
    exists = session.scalar(select(DutyRate.id).where(
        DutyRate.country == row.country, DutyRate.category_key == row.category_key,
        DutyRate.effective_from == row.effective_from))
    if exists:
        raise Conflict("a rate for this country, category and date exists",
                       code="rate_exists", details={"rate_id": exists})
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same scope won
        raise Conflict("a rate for this country, category and date exists",
                       code="rate_exists") from exc
    return row


def delete_rate(session: Session, *, rate_id: str) -> None:
    """Only a row not yet in force may go: one in force may have priced orders (replace it
    with a newer row instead)."""
    row = session.get(DutyRate, rate_id)
    if row is None:
        raise NotFound("duty rate not found", code="duty_rate_not_found")
    if row.effective_from <= clock.now():
        raise Conflict("a rate in force is kept: add a newer one instead",
                       code="rate_in_force")
    session.delete(row)
