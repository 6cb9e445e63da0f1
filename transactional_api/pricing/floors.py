"""Price floors: set, read, remove; and the warning operators get when a promotion alone
could push a scoped SKU under its floor.

The warning's worst case, per kind, for one unit at the SKU's lowest configured price p
(list, tier, member, promo or flash, whatever its window):
- percent_off: p - min(p * bp, cap); nth_item: p - p * bp (the discounted unit)
- amount_off / payment_instant: a line's share is amount * p / order total, and the total
  is at least max(min_spend, p): p - amount * p / max(min_spend, p)
- full_reduction: the same with the tier of the largest off / threshold
- buy_x_get_y: 0 (the cheapest unit of a mixed cart may be this one, given free)
- bundle_price: p * price / (the bundled SKUs' lowest prices summed)
- gift, free_shipping: take nothing off the goods, never warned about
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import SkuFacts, sku_facts
from transactional_api.core.errors import NotFound
from transactional_api.pricing.models import (
    PriceFloor,
    SkuFlashPrice,
    SkuMemberPrice,
    SkuPriceTier,
    SkuPromoPrice,
)


def get_floor(session: Session, *, sku_id: str) -> PriceFloor:
    floor = session.get(PriceFloor, sku_id)
    if floor is None:
        raise NotFound("no price floor for this SKU", code="price_floor_not_found")
    return floor


def set_floor(session: Session, *, sku_id: str, floor_cents: int, basis: str,
              actor_id: str, now: datetime) -> PriceFloor:
    if sku_id not in sku_facts(session, [sku_id]):
        raise NotFound("SKU not found", code="sku_not_found")
    floor = session.get(PriceFloor, sku_id, with_for_update=True)
    if floor is None:
        floor = PriceFloor(sku_id=sku_id)
        session.add(floor)
    floor.floor_cents, floor.basis = floor_cents, basis
    floor.updated_by, floor.updated_at = actor_id, now
    session.flush()
    return floor


def delete_floor(session: Session, *, sku_id: str) -> None:
    session.delete(get_floor(session, sku_id=sku_id))
    session.flush()


def floors_for(session: Session, sku_ids: list[str]) -> dict[str, int]:
    if not sku_ids:
        return {}
    return {s: int(f) for s, f in session.execute(
        select(PriceFloor.sku_id, PriceFloor.floor_cents)
        .where(PriceFloor.sku_id.in_(sorted(set(sku_ids)))))}


def in_scope(facts: SkuFacts, scope_kind: str, scope_ids: set[str],
             merchant_id: str | None) -> bool:
    if merchant_id is not None and facts.merchant_id != merchant_id:
        return False
    return {
        "store": lambda: True,
        "category": lambda: bool(facts.category_ids & scope_ids),
        "brand": lambda: facts.brand_id in scope_ids,
        "product": lambda: facts.product_id in scope_ids,
        "sku": lambda: facts.sku_id in scope_ids,
        "merchant": lambda: facts.merchant_id in scope_ids,
    }[scope_kind]()


def lowest_prices(session: Session, facts: dict[str, SkuFacts]) -> dict[str, int]:
    """Each SKU's lowest configured unit price over every source, ignoring windows."""
    low = {s: f.list_price_cents for s, f in facts.items()}
    ids = sorted(facts)
    for table in (SkuPriceTier, SkuMemberPrice, SkuPromoPrice, SkuFlashPrice):
        for sku_id, price in session.execute(select(table.sku_id, table.unit_price_cents)
                                             .where(table.sku_id.in_(ids))):
            low[sku_id] = min(low[sku_id], int(price))
    return low


def _share_left(p: int, off: int, base: int) -> int:
    return p - off * p // max(base, p, 1)


def worst_unit(kind: str, params: dict, p: int, low: dict[str, int]) -> int | None:
    """The lowest unit price this promotion alone could leave; None: it never lowers one."""
    if kind == "percent_off":
        off = p * params["percent_bp"] // 10_000
        return p - min(off, params["cap_cents"]) if params.get("cap_cents") else p - off
    if kind == "nth_item":
        return p - p * params["percent_bp"] // 10_000
    if kind in ("amount_off", "payment_instant"):
        return max(_share_left(p, params["amount_cents"], params.get("min_spend_cents", 0)), 0)
    if kind == "full_reduction":
        threshold, off = max(params["tiers"], key=lambda t: (t[1] / t[0], t[1]))
        return max(_share_left(p, off, threshold), 0)
    if kind == "buy_x_get_y":
        return 0
    if kind == "bundle_price":
        total = sum(low.get(s, 0) for s in params["sku_ids"])
        return p * params["price_cents"] // total if total else 0
    return None


def floor_warnings(session: Session, *, kind: str, params: dict, scope_kind: str,
                   scope_ids: list[str], merchant_id: str | None) -> list[dict]:
    """[{sku_id, floor_cents, worst_unit_price_cents}] for scoped SKUs with a floor that
    this promotion alone could push under it (see the module's worst cases)."""
    if kind in ("gift", "free_shipping"):
        return []
    floors = dict(session.execute(select(PriceFloor.sku_id, PriceFloor.floor_cents)).all())
    if kind == "bundle_price":
        floors = {s: f for s, f in floors.items() if s in set(params["sku_ids"])}
        wanted = set(floors) | set(params["sku_ids"])
    else:
        wanted = set(floors)
    if not floors:
        return []
    facts = sku_facts(session, sorted(wanted))
    low = lowest_prices(session, facts)
    ids = set(scope_ids)
    out = []
    for sku_id in sorted(floors):
        f = facts.get(sku_id)
        if f is None or (kind != "bundle_price"
                         and not in_scope(f, scope_kind, ids, merchant_id)):
            continue
        worst = worst_unit(kind, params, low[sku_id], low)
        if worst is not None and worst < floors[sku_id]:
            out.append({"sku_id": sku_id, "floor_cents": int(floors[sku_id]),
                        "worst_unit_price_cents": int(worst)})
    return out
