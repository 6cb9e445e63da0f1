"""`flywheel import cdnow PATH`: CDNOW's real purchases (1997-01..1998-06, as shipped with
the `lifetimes` package's datasets) as paid orders of a past period, so the customer marts
(RFM, cohorts, repurchase, lifetime value) run on real behaviour.

Each line becomes one completed order of its customer, paid on its own date (12:00 UTC, so
the day is the same in any timezone from UTC-11 to UTC+11), in USD cents, with no lines: CDNOW
gives a count of CDs, not which ones, and the shop's catalog has no such products. Each
customer becomes a shopper account without a password (accounts/imported.py), email
cdnow-<id>@cdnow.invalid, created on their first purchase day.

Ids derive from the data (uuid5 of customer, date and the line's rank among that customer's
lines of that day), so importing the same file again, or the master after the sample (whose
customers keep their master ids), adds nothing twice.

No outbox events: these orders predate the shop. Events would open 1997 web sessions, funnel
steps and payments through channels that never took them; the marts that read order rows
(fct_orders, dim_users, fct_daily_kpis, the customer marts) see them through the snapshot.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transactional_api.accounts.imported import ensure_imported_accounts
from transactional_api.orders import state
from transactional_api.orders.cdnow_format import CdnowLine
from transactional_api.orders.models import Order

CURRENCY = "USD"  # CDNOW's dollar_value
_NS = uuid.UUID("0c6f0d9e-4a55-4f0e-8b7f-cd0e0c1d9a97")  # fixed: ids must not change per run
CHUNK = 500
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class CdnowImportSummary:
    lines: int
    customers: int
    accounts_created: int
    orders_created: int
    orders_already_present: int
    cents_created: int
    first_date: date
    last_date: date


def customer_email(customer_id: str) -> str:
    return f"cdnow-{customer_id}@cdnow.invalid"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _keyed(lines: Sequence[CdnowLine]) -> list[tuple[str, CdnowLine]]:
    """(order id, line): the n-th line of a customer's day is the same order on every run."""
    rank: Counter[tuple[str, date]] = Counter()
    keyed = []
    for line in lines:
        day_key = (line.customer_id, line.purchase_date)
        rank[day_key] += 1
        name = f"cdnow:{line.customer_id}:{line.purchase_date.isoformat()}:{rank[day_key]}"
        keyed.append((str(uuid.uuid5(_NS, name)), line))
    return keyed


def _present(session: Session, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        found.update(session.scalars(select(Order.id).where(Order.id.in_(chunk))))
    return found


def import_cdnow(*, session: Session, lines: Sequence[CdnowLine],
                 progress: Progress | None = None) -> CdnowImportSummary:
    """Accounts and paid orders for every line not imported before, in the caller's
    transaction (all or nothing)."""
    tick = progress or (lambda stage, n: None)
    tick("start", len(lines))
    first_day: dict[str, date] = {}
    for line in lines:
        known = first_day.get(line.customer_id)
        if known is None or line.purchase_date < known:
            first_day[line.customer_id] = line.purchase_date
    user_ids, accounts_created = ensure_imported_accounts(
        session=session,
        accounts={customer_email(c): _at(day) for c, day in first_day.items()})
    keyed = _keyed(lines)
    present = _present(session, [order_id for order_id, _ in keyed])
    rows = []
    for order_id, line in keyed:
        if order_id in present:
            continue
        at = _at(line.purchase_date)
        rows.append({
            "id": order_id, "user_id": user_ids[customer_email(line.customer_id)],
            "status": state.COMPLETED, "currency": CURRENCY,
            "subtotal_cents": line.cents, "discount_cents": 0, "total_cents": line.cents,
            "shipping_cents": 0, "tax_cents": 0,
            # (user, key) is unique: a second insert of the same purchase fails loudly
            "idempotency_key": f"cdnow:{order_id}",
            "created_at": at, "updated_at": at, "expires_at": at, "paid_at": at,
            "completed_at": at,
        })
    for start in range(0, len(rows), CHUNK * 10):
        batch = rows[start:start + CHUNK * 10]
        session.execute(insert(Order), batch)
        tick("orders", len(batch))
    return CdnowImportSummary(
        lines=len(lines), customers=len(first_day), accounts_created=accounts_created,
        orders_created=len(rows), orders_already_present=len(keyed) - len(rows),
        cents_created=sum(row["total_cents"] for row in rows),
        first_date=min(line.purchase_date for line in lines),
        last_date=max(line.purchase_date for line in lines))
