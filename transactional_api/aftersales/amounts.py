"""What units of an order line were paid, and how many of them after-sales already took.

A line's paid amount (goods after discount, and their tax) is shared over its units by
cumulative rounding: the cents for units k+1..k+n are share(k+n) - share(k), so however a
line is taken back in parts, the parts sum exactly to what was paid for it, never more.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from transactional_api.aftersales.models import AfterSalesLine, AfterSalesRequest
from transactional_api.orders.models import OrderItem


@dataclass(frozen=True)
class Share:
    goods_cents: int
    tax_cents: int
    points_cents: int = 0  # what points paid of these units: not refunded as money
    duties_cents: int = 0  # duties and import tax of a cross-border order's units (duties/)

    @property
    def total_cents(self) -> int:
        return self.goods_cents + self.tax_cents - self.points_cents + self.duties_cents


def _cumulative(amount: int, units: int, of: int) -> int:
    return amount * units // of


def share(item: OrderItem, *, already: int, quantity: int) -> Share:
    """The paid cents of ``quantity`` more units of ``item`` once ``already`` were taken."""
    def part(amount: int) -> int:
        return (_cumulative(amount, already + quantity, item.quantity)
                - _cumulative(amount, already, item.quantity))
    return Share(goods_cents=part(item.line_total_cents), tax_cents=part(item.tax_cents),
                 points_cents=part(item.points_discount_cents),
                 duties_cents=part(item.duties_cents + item.import_tax_cents))


def taken_units(session: Session, item_ids: list[int], *,
                exclude_request_id: str | None = None) -> dict[int, int]:
    """Units per order item that after-sales holds: all requested units of open requests,
    the settled (refunded, exchanged or cancelled) units of closed ones."""
    if not item_ids:
        return {}
    line, req = AfterSalesLine, AfterSalesRequest
    units = case((req.closed_at.is_(None), line.quantity), else_=line.settled_quantity)
    stmt = (select(line.order_item_id, func.sum(units))
            .join(req, req.id == line.request_id)
            .where(line.order_item_id.in_(item_ids)).group_by(line.order_item_id))
    if exclude_request_id is not None:
        stmt = stmt.where(req.id != exclude_request_id)
    return {item_id: int(n or 0) for item_id, n in session.execute(stmt)}


def settled_units(session: Session, item_ids: list[int], *,
                  exclude_request_id: str | None = None) -> dict[int, int]:
    """Units per order item already refunded, exchanged or cancelled by after-sales."""
    if not item_ids:
        return {}
    stmt = (select(AfterSalesLine.order_item_id, func.sum(AfterSalesLine.settled_quantity))
            .join(AfterSalesRequest, AfterSalesRequest.id == AfterSalesLine.request_id)
            .where(AfterSalesLine.order_item_id.in_(item_ids))
            .group_by(AfterSalesLine.order_item_id))
    if exclude_request_id is not None:
        stmt = stmt.where(AfterSalesRequest.id != exclude_request_id)
    return {item_id: int(n or 0) for item_id, n in session.execute(stmt)}
