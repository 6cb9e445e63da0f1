"""Small builders for hand-written engine requests."""

from __future__ import annotations

from transactional_api.pricing.engine.model import Line, PriceOffer, Promotion, Scope


def line(sku: str, price: int, qty: int = 1, *, merchant: str = "m1", cats=(),
         brand: str | None = None, offers: tuple[PriceOffer, ...] = (),
         floor: int | None = None, shippable: bool = True) -> Line:
    return Line(sku_id=sku, product_id=f"p-{sku}", merchant_id=merchant, quantity=qty,
                list_price_cents=price, category_ids=frozenset(cats), brand_id=brand,
                offers=offers, floor_cents=floor, shippable=shippable)


def promo(pid: str, kind: str, *, scope: tuple[str, ...] | None = None, merchant=None,
          priority: int = 0, exclusive: bool = False, group: str | None = None,
          coupon: str | None = None, **params) -> Promotion:
    sc = Scope() if scope is None else Scope(scope[0], frozenset(scope[1:]))
    return Promotion(id=pid, name=pid, kind=kind, params=params, scope=sc,
                     merchant_id=merchant, priority=priority, exclusive=exclusive,
                     group=group, coupon_id=coupon)
