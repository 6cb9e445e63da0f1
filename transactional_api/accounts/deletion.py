"""Account deletion on request: personal data erased, orders kept for accounting.

What goes: the email (replaced by a placeholder that can never receive mail), the
password, the phone, addresses, sessions, the authenticator and recovery codes, codes in
flight, links to OpenID providers, and the sandbox messages sent to the account. Orders,
shipments and invoices stay under the same user id (accounting needs them) but lose the
name, phone and street address they copied at the time; region and country stay for the
sales figures. Events never carried personal data (events/identity_events.py), so the lake
needs no rewrite.

An account with an order still on its way (not yet delivered, or in after-sales) cannot
be deleted: the shop would no longer know where to send it.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from transactional_api.accounts import identity
from transactional_api.accounts.contacts import placeholder_email
from transactional_api.accounts.identity_models import IdentityCode, SandboxMessage
from transactional_api.accounts.models import Address, User
from transactional_api.accounts.oidc_models import OidcLink
from transactional_api.core import clock
from transactional_api.core.errors import Conflict
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit
from transactional_api.fulfillment.models import Invoice, Shipment
from transactional_api.orders import state
from transactional_api.orders.models import Order, OrderItem

ERASED_PASSWORD = "!erased"  # not an argon2 hash: no password ever matches
IN_PROGRESS = (state.PENDING_PAYMENT, state.PAID, state.PREPARING, state.SHIPPED,
               state.AFTER_SALES)


def _coarse(ship_to: dict | None) -> dict | None:
    """What is kept of an address: where, roughly, for the sales figures."""
    if not ship_to:
        return ship_to
    return {"region": ship_to.get("region"), "country": ship_to.get("country"), "erased": True}


def erase(session: Session, *, user: User) -> dict[str, int]:
    """Erase user's personal data inside the caller's transaction; counts of what was done."""
    in_progress = session.scalar(select(func.count()).select_from(Order).where(
        Order.user_id == user.id, Order.status.in_(IN_PROGRESS)))
    if in_progress:
        raise Conflict("orders are still in progress; delete the account once they are "
                       "delivered or cancelled", code="orders_in_progress",
                       details={"orders_in_progress": in_progress})
    destinations = [user.email]
    phone = identity.phone_of(session, user.id)
    if phone:
        destinations.append(phone)
    orders = list(session.scalars(select(Order).where(Order.user_id == user.id)))
    for order in orders:
        order.ship_to = _coarse(order.ship_to)
    order_ids = [o.id for o in orders]
    if order_ids:
        session.execute(update(OrderItem).where(OrderItem.order_id.in_(order_ids),
                                                OrderItem.recipient.is_not(None))
                        .values(recipient=None))
    for shipment in session.scalars(select(Shipment).where(Shipment.user_id == user.id)):
        shipment.ship_to = _coarse(shipment.ship_to)
    for invoice in session.scalars(select(Invoice).where(Invoice.user_id == user.id)):
        buyer = dict(invoice.buyer or {})
        buyer.update(email=None, name=None, address=_coarse(buyer.get("address")))
        invoice.buyer = buyer
    addresses = session.execute(delete(Address).where(Address.user_id == user.id)).rowcount
    sessions = identity.revoke_all(session, user.id)
    identity.remove_phone(session, user.id)
    identity.remove_two_factor(session, user.id)
    session.execute(delete(IdentityCode).where(IdentityCode.user_id == user.id))
    session.execute(delete(OidcLink).where(OidcLink.user_id == user.id))
    session.execute(delete(SandboxMessage).where(or_(
        *(SandboxMessage.destination == d for d in destinations))))
    user.email = placeholder_email(user.id, "erased")
    user.password_hash = ERASED_PASSWORD
    emit(session=session, event=ie.AccountDeleted(
        occurred_at=clock.now(), user_id=user.id, payload=ie.AccountDeletedPayload(
            orders_kept=len(orders), addresses_erased=addresses, sessions_revoked=sessions)))
    return {"orders_kept": len(orders), "addresses_erased": addresses,
            "sessions_revoked": sessions}
