"""A merchant's status after approval: the deposit makes it active; operators suspend,
reinstate and close it.

pending_deposit -> active (deposit paid) | closed
active          -> suspended | closed
suspended       -> active (reinstated) | closed
closed is final. Only an active merchant's products sell (catalog.skus_for_order reads
the status). Every move is a conditional UPDATE from the statuses allowed, so racing
changes apply once; each is logged and emitted as merchant_status_changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events.merchant_events import (
    MerchantDepositPaid,
    MerchantDepositPaidPayload,
    MerchantStatusChanged,
    MerchantStatusChangedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.merchants.models import MerchantDeposit, MerchantLifecycleEvent
from transactional_api.orders import state as order_state
from transactional_api.orders import suborders

PENDING_DEPOSIT, ACTIVE, SUSPENDED, CLOSED = "pending_deposit", "active", "suspended", "closed"
# Sub-orders not yet completed or cancelled: a merchant with any cannot close.
OPEN_SUB_ORDER_STATES = (order_state.AWAITING_PAYMENT, order_state.ALLOCATED,
                         order_state.PICKING, order_state.PACKED, order_state.SUB_SHIPPED,
                         order_state.SUB_DELIVERED)
_FROM = {"suspend": (ACTIVE,), "reinstate": (SUSPENDED,),
         "close": (PENDING_DEPOSIT, ACTIVE, SUSPENDED)}
_TO = {"suspend": SUSPENDED, "reinstate": ACTIVE, "close": CLOSED}


def merchant(session: Session, merchant_id: str):
    m = catalog.get_merchant(session=session, merchant_id=merchant_id)
    if m is None:
        raise NotFound("merchant not found", code="merchant_not_found")
    return m


def record(session: Session, *, merchant_id: str, from_status: str | None, to_status: str,
           reason: str | None, actor_id: str | None) -> None:
    now = clock.now()
    session.add(MerchantLifecycleEvent(merchant_id=merchant_id, from_status=from_status,
                                       to_status=to_status, reason=reason, actor_id=actor_id,
                                       at=now))
    emit(session=session, event=MerchantStatusChanged(
        occurred_at=now, user_id=actor_id, payload=MerchantStatusChangedPayload(
            merchant_id=merchant_id, from_status=from_status, to_status=to_status,
            reason=reason, actor_id=actor_id)))


def _move(session: Session, m, *, allowed: tuple[str, ...], to: str, reason: str | None,
          actor_id: str | None) -> str:
    session.refresh(m)
    before = m.status
    if before not in allowed or not catalog.set_merchant_status(
            session=session, merchant_id=m.id, from_statuses=[before], to=to):
        session.refresh(m)
        raise Conflict(f"a merchant {m.status} cannot become {to}", code="illegal_transition",
                       details={"from": m.status, "to": to})
    session.refresh(m)
    record(session, merchant_id=m.id, from_status=before, to_status=to, reason=reason,
           actor_id=actor_id)
    return before


def history(*, session: Session, merchant_id: str) -> list[MerchantLifecycleEvent]:
    return list(session.scalars(select(MerchantLifecycleEvent).where(
        MerchantLifecycleEvent.merchant_id == merchant_id).order_by(MerchantLifecycleEvent.id)))


def open_sub_orders(*, session: Session, merchant_id: str) -> int:
    return sum(suborders.list_sub_orders(session=session, merchant_id=merchant_id, status=s,
                                         limit=1)[1] for s in OPEN_SUB_ORDER_STATES)


def change(*, session: Session, merchant_id: str, action: str, reason: str, actor_id: str,
           now: datetime | None = None) -> dict | None:
    """suspend, reinstate or close; close returns settlement's close-out."""
    m = merchant(session, merchant_id)
    if action != "close":
        _move(session, m, allowed=_FROM[action], to=_TO[action], reason=reason,
              actor_id=actor_id)
        return None
    # closed first: the merchant stops selling before we count what is still open
    _move(session, m, allowed=_FROM["close"], to=CLOSED, reason=reason, actor_id=actor_id)
    still_open = open_sub_orders(session=session, merchant_id=merchant_id)
    if still_open:
        raise Conflict("the merchant has open sub-orders; close it when they are done",
                       code="merchant_has_open_sub_orders",
                       details={"open_sub_orders": still_open})
    from transactional_api.merchants import staff
    from transactional_api.settlement import service as settlement

    result = settlement.close_out(session=session, merchant_id=merchant_id,
                                  now=now or clock.now())
    staff.remove_all(session=session, merchant_id=merchant_id, actor_id=actor_id)
    return result


def deposit_of(*, session: Session, merchant_id: str) -> MerchantDeposit | None:
    return session.scalar(select(MerchantDeposit).where(MerchantDeposit.merchant_id == merchant_id))


def pay_deposit(*, session: Session, merchant_id: str, client_key: str, amount_cents: int,
                currency: str, actor_id: str) -> tuple[MerchantDeposit, bool]:
    """Record the deposit (a sandbox payment) and activate the merchant; (deposit,
    created). The same client key again returns the first payment; another key once paid
    is 409 deposit_already_paid."""
    m = merchant(session, merchant_id)
    existing = deposit_of(session=session, merchant_id=merchant_id)
    if existing is None:
        if m.status != PENDING_DEPOSIT:
            raise Conflict(f"a merchant {m.status} pays no deposit", code="illegal_transition",
                           details={"from": m.status, "to": ACTIVE})
        dep = MerchantDeposit(id=new_id(), merchant_id=merchant_id, client_key=client_key,
                              amount_cents=amount_cents, currency=currency, channel="sandbox",
                              paid_by=actor_id, paid_at=clock.now())
        try:
            with session.begin_nested():
                session.add(dep)
        except IntegrityError:  # a racing payment won: answer as a repeat of it
            existing = deposit_of(session=session, merchant_id=merchant_id)
    if existing is not None:
        if existing.client_key != client_key:
            raise Conflict("the deposit is paid already", code="deposit_already_paid",
                           details={"deposit_id": existing.id})
        return existing, False
    if amount_cents > 0:
        from transactional_api.settlement import accounts

        accounts.hold_deposit(session=session, merchant_id=merchant_id,
                              amount_cents=amount_cents, currency=currency, reference=dep.id)
    emit(session=session, event=MerchantDepositPaid(
        occurred_at=dep.paid_at, user_id=actor_id, payload=MerchantDepositPaidPayload(
            merchant_id=merchant_id, deposit_id=dep.id, amount_cents=amount_cents,
            currency=currency)))
    _move(session, m, allowed=(PENDING_DEPOSIT,), to=ACTIVE, reason="deposit paid",
          actor_id=actor_id)
    return dep, True
