"""Per-SKU price sources besides the list price: quantity tiers, member-level prices, promo
prices in a window, and the flash-sale slot (read here, written by the flash-sale work).

Operators replace a SKU's tiers, member prices or promo prices as a whole; a price under
the SKU's floor is refused (422 under_price_floor). The loader reads every source of a
cart's SKUs with one query per table (``offers_for``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import SkuFacts, sku_facts
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.pricing.engine.model import PriceOffer
from transactional_api.pricing.models import (
    PriceFloor,
    SkuFlashPrice,
    SkuMemberPrice,
    SkuPriceTier,
    SkuPromoPrice,
)


def _sku(session: Session, sku_id: str) -> SkuFacts:
    found = sku_facts(session, [sku_id]).get(sku_id)
    if found is None:
        raise NotFound("SKU not found", code="sku_not_found")
    return found


def _above_floor(session: Session, sku_id: str, prices: list[int]) -> None:
    floor = session.get(PriceFloor, sku_id)
    under = sorted({p for p in prices if floor is not None and p < floor.floor_cents})
    if under:
        raise Unprocessable(f"prices under the SKU's floor of {floor.floor_cents}",
                            code="under_price_floor",
                            details={"floor_cents": floor.floor_cents, "prices": under})


def ensure_above_floor(session: Session, *, sku_id: str, prices: list[int]) -> None:
    """422 under_price_floor when a price a play grants (group, flash, mall) is under the
    SKU's floor: the same check as this module's own price sources."""
    _above_floor(session, sku_id, prices)


def set_tiers(session: Session, *, sku_id: str, tiers: list[tuple[int, int]]) -> None:
    """tiers: (min_quantity >= 2, unit_price_cents); replaces the SKU's tiers."""
    _sku(session, sku_id)
    quantities = [q for q, _ in tiers]
    if len(set(quantities)) != len(quantities):
        raise Unprocessable("each min_quantity may appear once", code="duplicate_tier")
    _above_floor(session, sku_id, [p for _, p in tiers])
    session.execute(delete(SkuPriceTier).where(SkuPriceTier.sku_id == sku_id))
    session.add_all(SkuPriceTier(sku_id=sku_id, min_quantity=q, unit_price_cents=p)
                    for q, p in sorted(tiers))
    session.flush()


def set_member_prices(session: Session, *, sku_id: str, prices: list[tuple[str, int]],
                      levels: list[str]) -> None:
    """prices: (level, unit_price_cents), each a configured member level, once."""
    _sku(session, sku_id)
    names = [lv for lv, _ in prices]
    unknown = sorted(set(names) - set(levels))
    if unknown:
        raise Unprocessable("unknown member levels", code="unknown_member_level",
                            details={"unknown": unknown, "levels": levels})
    if len(set(names)) != len(names):
        raise Unprocessable("each level may appear once", code="duplicate_level")
    _above_floor(session, sku_id, [p for _, p in prices])
    session.execute(delete(SkuMemberPrice).where(SkuMemberPrice.sku_id == sku_id))
    session.add_all(SkuMemberPrice(sku_id=sku_id, level=lv, unit_price_cents=p)
                    for lv, p in prices)
    session.flush()


def set_promo_prices(session: Session, *, sku_id: str,
                     prices: list[tuple[int, datetime, datetime, str]]) -> None:
    """prices: (unit_price_cents, starts_at, ends_at, label); windows may overlap (the
    lowest in force applies)."""
    _sku(session, sku_id)
    _above_floor(session, sku_id, [p for p, *_ in prices])
    session.execute(delete(SkuPromoPrice).where(SkuPromoPrice.sku_id == sku_id))
    session.add_all(SkuPromoPrice(sku_id=sku_id, unit_price_cents=p, starts_at=s, ends_at=e,
                                  label=label) for p, s, e, label in prices)
    session.flush()


def set_flash_price(session: Session, *, sku_id: str, flash_sale_id: str, unit_price_cents: int,
                    starts_at: datetime, ends_at: datetime) -> None:
    """The flash sale's slot, shown with the SKU's prices (refused under the floor). It
    prices nothing by itself: the sale's orders carry it as their line's sale price."""
    _sku(session, sku_id)
    _above_floor(session, sku_id, [unit_price_cents])
    session.execute(delete(SkuFlashPrice).where(SkuFlashPrice.flash_sale_id == flash_sale_id))
    session.add(SkuFlashPrice(sku_id=sku_id, unit_price_cents=unit_price_cents,
                              starts_at=starts_at, ends_at=ends_at, flash_sale_id=flash_sale_id))
    session.flush()


def sku_prices(session: Session, *, sku_id: str) -> dict:
    facts = _sku(session, sku_id)
    floor = session.get(PriceFloor, sku_id)

    def rows(table, order):
        return list(session.scalars(select(table).where(table.sku_id == sku_id)
                                    .order_by(order)))
    return {
        "sku_id": sku_id, "list_price_cents": facts.list_price_cents,
        "currency": facts.currency,
        "tiers": [{"min_quantity": t.min_quantity, "unit_price_cents": t.unit_price_cents}
                  for t in rows(SkuPriceTier, SkuPriceTier.min_quantity)],
        "member_prices": [{"level": m.level, "unit_price_cents": m.unit_price_cents}
                          for m in rows(SkuMemberPrice, SkuMemberPrice.level)],
        "promo_prices": [{"unit_price_cents": p.unit_price_cents, "starts_at": p.starts_at,
                          "ends_at": p.ends_at, "label": p.label}
                         for p in rows(SkuPromoPrice, SkuPromoPrice.starts_at)],
        "flash_prices": [{"unit_price_cents": f.unit_price_cents, "starts_at": f.starts_at,
                          "ends_at": f.ends_at, "flash_sale_id": f.flash_sale_id}
                         for f in rows(SkuFlashPrice, SkuFlashPrice.starts_at)],
        "floor_cents": floor.floor_cents if floor else None,
    }


def offers_for(session: Session, *, sku_ids: list[str], level: str | None,
               now: datetime) -> dict[str, tuple[PriceOffer, ...]]:
    """The price offers in force now for these SKUs: every tier, the member price of
    ``level`` (None: none), and promo prices whose window holds now. A flash price is not
    among them: only a flash reservation's order gets it (LineIn.sale_price), or the
    sale's pool would be bypassed by a plain checkout."""
    if not sku_ids:
        return {}
    ids = sorted(set(sku_ids))
    found: dict[str, list[PriceOffer]] = defaultdict(list)
    for sku_id, qty, price in session.execute(
            select(SkuPriceTier.sku_id, SkuPriceTier.min_quantity,
                   SkuPriceTier.unit_price_cents).where(SkuPriceTier.sku_id.in_(ids))):
        found[sku_id].append(PriceOffer("tier", int(price), int(qty), f"{qty}+ units"))
    if level is not None:
        for sku_id, price in session.execute(
                select(SkuMemberPrice.sku_id, SkuMemberPrice.unit_price_cents)
                .where(SkuMemberPrice.sku_id.in_(ids), SkuMemberPrice.level == level)):
            found[sku_id].append(PriceOffer("member", int(price), 1,
                                            f"{level.capitalize()} member price"))
    for sku_id, price, text in session.execute(
            select(SkuPromoPrice.sku_id, SkuPromoPrice.unit_price_cents, SkuPromoPrice.label)
            .where(SkuPromoPrice.sku_id.in_(ids), SkuPromoPrice.starts_at <= now,
                   SkuPromoPrice.ends_at > now)):
        found[sku_id].append(PriceOffer("promo", int(price), 1, text))
    return {s: tuple(v) for s, v in found.items()}
