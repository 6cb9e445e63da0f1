"""Duties at checkout: the quote of an order to another country than the shop's carries
its duties and import tax (as lines of their own, and in the total), and placement stores
them on the order and its items and says so with an event.

Orders to the shop's own country, and quotes without an address (a bare shipping region
names no country), are left exactly as they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core.errors import Unprocessable
from transactional_api.duties import service
from transactional_api.duties.calc import DutyAssessment, share
from transactional_api.events import duty_events as de
from transactional_api.events.contract import MAX_CENTS

_origin: str | None = None


def configure(settings) -> None:
    """The app's settings name the shop's origin country (create_app calls this)."""
    global _origin
    _origin = settings.duties_origin_country


def origin_country() -> str:
    if _origin is None:
        from transactional_api.config import get_settings
        return get_settings().duties_origin_country
    return _origin


def price(session: Session, q, ship_to: dict | None) -> DutyAssessment | None:
    """Sets ``q.duties`` (orders.pricing.Quote) when the address is in another country;
    each goods line (after discounts, before the shop's own tax) is assessed under its
    product's category."""
    country = (ship_to or {}).get("country")
    origin = origin_country()
    if not country or country == origin:
        return None
    found = catalog.skus_for_order(session=session, sku_ids=[ln.sku_id for ln in q.lines],
                                   strict=False)
    lines = [(found[ln.sku_id].product.category_id if ln.sku_id in found else None,
              ln.line_total_cents) for ln in q.lines]
    q.duties = service.assess(session, origin_country=origin, destination_country=country,
                              lines=lines, currency=q.currency)
    if q.total_cents > MAX_CENTS:
        raise Unprocessable(f"an order may total at most {MAX_CENTS} cents",
                            code="order_total_too_large")
    return q.duties


def record(session: Session, order, q, *, at: datetime) -> None:
    """Stores the quote's duties on the order and on its items (a line split over two
    locations shares them by quantity), and emits order_duties_assessed."""
    a: DutyAssessment | None = getattr(q, "duties", None)
    if a is None:
        return
    order.duties_cents, order.import_tax_cents = a.duties_cents, a.import_tax_cents
    by_sku = {ln.sku_id: d for ln, d in zip(q.lines, a.lines, strict=True)}
    items: dict[str, list] = {}
    for item in order.items:
        items.setdefault(item.sku_id, []).append(item)
    for sku, parts in items.items():
        d, qtys = by_sku[sku], [i.quantity for i in parts]
        for item, duty, tax in zip(parts, share(d.duty_cents, qtys),
                                   share(d.import_tax_cents, qtys), strict=True):
            item.duties_cents, item.import_tax_cents = duty, tax
    from transactional_api.orders import suborders  # orders imports this module
    suborders.emit_for(session, order, de.OrderDutiesAssessed, de.OrderDutiesAssessedPayload(
        order_id=order.id, origin_country=a.origin_country,
        destination_country=a.destination_country, currency=a.currency,
        goods_cents=a.goods_cents, duties_cents=a.duties_cents,
        import_tax_cents=a.import_tax_cents,
        lines=[de.DutyLinePayload(
            sku_id=ln.sku_id, category_id=d.category_id, goods_cents=d.amount_cents,
            duty_cents=d.duty_cents, import_tax_cents=d.import_tax_cents,
            rate_id=d.rule.rate_id if d.rule else None,
            duty_bps=d.rule.duty_bps if d.rule else 0,
            import_tax_bps=d.rule.import_tax_bps if d.rule else 0, de_minimis=d.de_minimis)
            for ln, d in zip(q.lines, a.lines, strict=True)]), at=at)


def lines_out(q) -> list[dict]:
    """The quote's duty lines for the breakdown (empty when none apply)."""
    a: DutyAssessment | None = getattr(q, "duties", None)
    if a is None:
        return []
    return [{"sku_id": ln.sku_id, "category_id": d.category_id, "goods_cents": d.amount_cents,
             "duty_cents": d.duty_cents, "import_tax_cents": d.import_tax_cents,
             "duty_bps": d.rule.duty_bps if d.rule else 0,
             "import_tax_bps": d.rule.import_tax_bps if d.rule else 0,
             "rule": ("category" if d.rule and d.rule.category_id else
                      "default" if d.rule else "none"),
             "de_minimis": d.de_minimis}
            for ln, d in zip(q.lines, a.lines, strict=True)]
