"""What the engine precomputes once per request: each line's base price and floor, each
offer's scope lines and application order, the merchants that ship, a shipping-fee cache.

Scope: store = every line; category = the line's category_ids (the product's category
and its ancestors) meet scope.ids; brand/product/sku/merchant = the line's
brand_id/product_id/sku_id/merchant_id is in scope.ids. An offer funded by a merchant
(merchant_id set) only ever touches that merchant's lines, whatever its scope says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transactional_api.pricing.engine.model import (
    LANE_OF,
    LANES,
    FloorBlock,
    Line,
    Promotion,
    Request,
    Scope,
)
from transactional_api.pricing.engine.prices import BasePrice, base_price


def in_scope(line: Line, scope: Scope) -> bool:
    kind = scope.kind
    if kind == "store":
        return True
    if kind == "category":
        return not line.category_ids.isdisjoint(scope.ids)
    if kind == "brand":
        return line.brand_id is not None and line.brand_id in scope.ids
    if kind == "product":
        return line.product_id in scope.ids
    if kind == "sku":
        return line.sku_id in scope.ids
    if kind == "merchant":
        return line.merchant_id in scope.ids
    return False


@dataclass(frozen=True)
class Prepared:
    promo: Promotion
    # lane, then higher priority first, then promotions before coupons, then id
    order: tuple[int, int, int, str]
    idx: tuple[int, ...]         # scope line indices
    id: str = field(init=False, compare=False)  # promo.id, read very often by the search

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.promo.id)


@dataclass
class Ctx:
    request: Request
    lines: tuple[Line, ...]
    bases: list[BasePrice]
    unit: list[int]
    qty: list[int]
    floor_total: list[int]       # floor × quantity (0 without a floor)
    base_amounts: list[int]      # unit × quantity
    base_blocks: list[FloorBlock]
    ship_merchants: list[str]    # merchants with a shippable line, first-seen order
    merchant_idx: dict[str, list[int]]
    scope_index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    fee_cache: dict[tuple[str, int], int] = field(default_factory=dict)

    def fee(self, merchant_id: str, goods_cents: int) -> int:
        key = (merchant_id, goods_cents)
        got = self.fee_cache.get(key)
        if got is None:
            fn = self.request.shipping_fee
            got = max(0, int(fn(merchant_id, goods_cents))) if fn is not None else 0
            self.fee_cache[key] = got
        return got


def build_ctx(request: Request) -> Ctx:
    lines = request.lines
    bases = [base_price(ln) for ln in lines]
    unit = [b.unit_cents for b in bases]
    qty = [ln.quantity for ln in lines]
    ship: list[str] = []
    merchant_idx: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        merchant_idx.setdefault(ln.merchant_id, []).append(i)
        if ln.shippable and request.shipping_fee is not None and ln.merchant_id not in ship:
            ship.append(ln.merchant_id)
    return Ctx(
        request=request, lines=lines, bases=bases, unit=unit, qty=qty,
        floor_total=[(ln.floor_cents or 0) * ln.quantity for ln in lines],
        base_amounts=[u * q for u, q in zip(unit, qty, strict=True)],
        base_blocks=[b.block for b in bases if b.block is not None],
        ship_merchants=ship, merchant_idx=merchant_idx, scope_index=_index(lines),
    )


def _index(lines: tuple[Line, ...]) -> dict[tuple[str, str], list[int]]:
    """(scope kind, id) -> the lines it covers, so scoping an offer is a few look-ups."""
    ix: dict[tuple[str, str], list[int]] = {}
    for i, ln in enumerate(lines):
        keys = [("product", ln.product_id), ("sku", ln.sku_id), ("merchant", ln.merchant_id)]
        keys += [("category", c) for c in ln.category_ids]
        if ln.brand_id is not None:
            keys.append(("brand", ln.brand_id))
        for k in keys:
            got = ix.setdefault(k, [])
            if not got or got[-1] != i:
                got.append(i)
    return ix


def prepare(ctx: Ctx, promo: Promotion) -> Prepared:
    scope = promo.scope
    if scope.kind == "store":
        hit: set[int] | range = range(len(ctx.lines))
    else:
        hit = set()
        for sid in scope.ids:
            hit.update(ctx.scope_index.get((scope.kind, sid), ()))
    m = promo.merchant_id
    if m is None:
        idx = tuple(sorted(hit))
    else:
        idx = tuple(i for i in sorted(hit) if ctx.lines[i].merchant_id == m)
    return Prepared(promo, (_LANE_RANK[LANE_OF[promo.kind]], -promo.priority,
                           promo.coupon_id is not None, promo.id), idx)


_LANE_RANK = {lane: k for k, lane in enumerate(LANES)}
