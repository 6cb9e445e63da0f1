"""Campaign costs: what operators paid for each campaign and channel on each day.

The key is (campaign, source, medium, day); one live cost per key. Every change raises the
row's revision and writes a contract event to the outbox in the same transaction, so the
warehouse sees every cost the shop sees (marts: fct_campaign_roi).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import marketing_events as me
from transactional_api.events.outbox import emit
from transactional_api.marketing.models import CampaignCost

# Costs are entered after the money is spent; a day past tomorrow (UTC, so a shop ahead of
# UTC can enter today's) is a typo.
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class CostKey:
    campaign: str
    source: str
    medium: str
    day: date


def _check_day(day: date) -> None:
    latest = clock.now().date() + FUTURE_SLACK
    if day > latest:
        raise Unprocessable("costs are entered for days that have started",
                            code="day_in_future", details={"day": day.isoformat(),
                                                           "latest": latest.isoformat()})


def _find(session: Session, key: CostKey) -> CampaignCost | None:
    return session.scalar(select(CampaignCost).where(
        CampaignCost.campaign == key.campaign, CampaignCost.source == key.source,
        CampaignCost.medium == key.medium, CampaignCost.day == key.day).with_for_update())


def _emit_set(session: Session, row: CampaignCost, previous: int | None,
              actor_id: str | None) -> None:
    emit(session=session, event=me.CampaignCostSet(
        occurred_at=row.updated_at, user_id=actor_id, payload=me.CampaignCostSetPayload(
            cost_id=row.id, campaign=row.campaign, source=row.source, medium=row.medium,
            day=row.day, amount_cents=row.amount_cents, currency=row.currency,
            revision=row.revision, previous_amount_cents=previous)))


def create_cost(*, session: Session, key: CostKey, amount_cents: int, currency: str,
                actor_id: str | None) -> CampaignCost:
    """A new cost; 409 (with the existing id) when the key already has one. A key whose
    cost was deleted takes the new one under its next revision."""
    _check_day(key.day)
    now = clock.now()
    row = _find(session, key)
    if row is not None and row.deleted_at is None:
        raise Conflict("this campaign, channel and day already has a cost; change it with "
                       "PUT /v1/admin/campaign-costs/{id}", code="campaign_cost_exists",
                       details={"id": row.id, "amount_cents": row.amount_cents,
                                "currency": row.currency})
    if row is None:
        row = CampaignCost(campaign=key.campaign, source=key.source, medium=key.medium,
                           day=key.day, revision=1, created_at=now)
        session.add(row)
    else:
        row.revision += 1
        row.deleted_at = None
    row.amount_cents, row.currency, row.updated_at, row.updated_by = (
        amount_cents, currency, now, actor_id)
    try:
        session.flush()
    except IntegrityError:
        # another operator entered the same key at the same moment
        raise Conflict("this campaign, channel and day already has a cost",
                       code="campaign_cost_exists") from None
    _emit_set(session, row, None, actor_id)
    return row


def _live(session: Session, cost_id: str, *, lock: bool = False) -> CampaignCost:
    query = select(CampaignCost).where(CampaignCost.id == cost_id,
                                       CampaignCost.deleted_at.is_(None))
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound("campaign cost not found", code="campaign_cost_not_found")
    return row


def get_cost(*, session: Session, cost_id: str) -> CampaignCost:
    return _live(session, cost_id)


def update_cost(*, session: Session, cost_id: str, amount_cents: int, currency: str | None,
                actor_id: str | None) -> CampaignCost:
    """Change a cost's amount (and currency). Sending what is stored changes nothing and
    emits nothing, so retries are safe."""
    row = _live(session, cost_id, lock=True)
    currency = currency or row.currency
    if (row.amount_cents, row.currency) == (amount_cents, currency):
        return row
    previous = row.amount_cents
    row.amount_cents, row.currency = amount_cents, currency
    row.revision += 1
    row.updated_at, row.updated_by = clock.now(), actor_id
    _emit_set(session, row, previous, actor_id)
    return row


def delete_cost(*, session: Session, cost_id: str, actor_id: str | None) -> None:
    row = _live(session, cost_id, lock=True)
    now = clock.now()
    row.revision += 1
    row.deleted_at, row.updated_at, row.updated_by = now, now, actor_id
    emit(session=session, event=me.CampaignCostDeleted(
        occurred_at=now, user_id=actor_id, payload=me.CampaignCostDeletedPayload(
            cost_id=row.id, campaign=row.campaign, source=row.source, medium=row.medium,
            day=row.day, currency=row.currency, revision=row.revision,
            previous_amount_cents=row.amount_cents)))


@dataclass(frozen=True)
class CostFilter:
    day_from: date | None = None
    day_to: date | None = None
    campaign: str | None = None
    source: str | None = None
    medium: str | None = None

    def clauses(self) -> list:
        out = [CampaignCost.deleted_at.is_(None)]
        if self.day_from is not None:
            out.append(CampaignCost.day >= self.day_from)
        if self.day_to is not None:
            out.append(CampaignCost.day <= self.day_to)
        for column, value in ((CampaignCost.campaign, self.campaign),
                              (CampaignCost.source, self.source),
                              (CampaignCost.medium, self.medium)):
            if value is not None:
                out.append(column == value)
        return out


def list_costs(*, session: Session, where: CostFilter, limit: int, offset: int
               ) -> tuple[list[CampaignCost], int, dict[str, int]]:
    """A page of live costs (newest day first), the count and the sums per currency of
    every cost the filter matches (not only the page)."""
    if where.day_from and where.day_to and where.day_from > where.day_to:
        raise Unprocessable("'from' is after 'to'", code="bad_date_range")
    clauses = where.clauses()
    rows = list(session.scalars(
        select(CampaignCost).where(*clauses)
        .order_by(CampaignCost.day.desc(), CampaignCost.campaign, CampaignCost.source,
                  CampaignCost.medium)
        .limit(limit).offset(offset)))
    sums = session.execute(
        select(CampaignCost.currency, func.count(), func.sum(CampaignCost.amount_cents))
        .where(*clauses).group_by(CampaignCost.currency)).all()
    total = sum(int(n) for _, n, _ in sums)
    return rows, total, {cur: int(cents or 0) for cur, _, cents in sums}
