"""Applying one combination of offers to the cart.

Offers run lane by lane (item → order → shipping → payment), within a lane by priority
(higher first), then promotions before coupons (a coupon is measured on what the shop's
own promotions left, as shoppers expect), then id. Each takes off what rules.py says,
measured on the current amounts; allocate.py shares it over its scope lines (capped at
each line's headroom above its floor; what no line can take is not given and is recorded
as FloorBlocks whose attempted_unit_cents is the unit price the line would have reached).

Shipping: after the item and order lanes, every merchant with a shippable line gets its
fee from request.shipping_fee(merchant_id, that merchant's goods, all its lines, after
those lanes). free_shipping (when its scope amount ≥ min_spend_cents) takes what is left
of the fee of every merchant with a shippable scope line, in total at most cap_cents if
given, shared over those fees by largest remainder.

An offer of the combination that ends up taking nothing (and gives no gift) is not
applied and keeps the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from transactional_api.pricing.engine.allocate import (
    largest_remainder,
    place,
    split_blocked,
    water_fill,
)
from transactional_api.pricing.engine.context import Ctx, Prepared
from transactional_api.pricing.engine.model import (
    Applied,
    FloorBlock,
    PricedLine,
    ShippingLine,
)
from transactional_api.pricing.engine.rules import take

_SHIPPING_LANE = 2


@dataclass
class Result:
    combo: tuple[Prepared, ...]
    total: int
    gift_value: int
    coupons: int
    applied_ids: tuple[str, ...]
    reasons: dict[str, str]
    # filled when detail=True
    lines: tuple[PricedLine, ...] = ()
    applied: tuple[Applied, ...] = ()
    shipping: tuple[ShippingLine, ...] = ()
    blocks: tuple[FloorBlock, ...] = ()
    key: tuple = field(default=(), compare=False)


def _fees(ctx: Ctx, amounts: list[int]) -> list[int]:
    return [
        ctx.fee(m, sum(amounts[i] for i in ctx.merchant_idx[m])) for m in ctx.ship_merchants
    ]


def run(
    ctx: Ctx, combo: Sequence[Prepared], detail: bool = False,
    prefixes: dict[tuple[str, ...], tuple] | None = None,
) -> Result:
    """prefixes (search mode only): the state after each combination prefix already run,
    so a combination that shares its first offers with an earlier one resumes there."""
    combo = tuple(sorted(combo, key=lambda p: p.order))
    ids_in_order = tuple(p.id for p in combo)
    amounts = list(ctx.base_amounts)
    floor_total = ctx.floor_total
    fees: list[int] | None = None
    fee_left: list[int] = []
    line_alloc: list[dict[str, int]] = [{} for _ in amounts] if detail else []
    ship_alloc: list[dict[str, int]] = []
    applied: list[Applied] = []
    applied_ids: list[str] = []
    blocks: list[FloorBlock] = list(ctx.base_blocks) if detail else []
    reasons: dict[str, str] = {}
    gift_value = coupons = 0
    start = 0
    if prefixes is not None and not detail:
        while start < len(combo) and ids_in_order[: start + 1] in prefixes:
            start += 1
        if start:
            snap = prefixes[ids_in_order[:start]]
            amounts, fees, fee_left = list(snap[0]), snap[1], list(snap[2])
            gift_value, coupons, applied_ids, reasons = (
                snap[3], snap[4], list(snap[5]), dict(snap[6]))

    for pos in range(start, len(combo)):
        p = combo[pos]
        promo = p.promo
        if fees is None and p.order[0] >= _SHIPPING_LANE:
            fees = _fees(ctx, amounts)
            fee_left = list(fees)
            ship_alloc = [{} for _ in fees]
        goods = ship = gift = 0
        if promo.kind == "free_shipping":
            reason, ship = _free_shipping(ctx, p, amounts, fee_left, ship_alloc, detail)
        else:
            tk = take(p, ctx, amounts)
            reason = tk.reason
            if reason is None and tk.gift:
                gift = int(promo.params.get("gift_value_cents", 0) or 0)
            elif reason is None:
                idx = p.idx
                weights = [amounts[i] for i in idx]
                caps = [amounts[i] - floor_total[i] for i in idx]
                if tk.targets is None:
                    shares, left = water_fill(tk.total, weights, caps)
                else:
                    wanted = [tk.targets.get(i, 0) for i in idx]
                    shares, left = place(wanted, weights, caps)
                for i, s in zip(idx, shares, strict=True):
                    if s:
                        amounts[i] -= s
                        goods += s
                        if detail:
                            line_alloc[i][promo.id] = s
                if left and detail:
                    if tk.targets is None:
                        wanted = largest_remainder(tk.total, weights)
                    blocks.extend(_blocks(ctx, p, idx, amounts, wanted, shares, left))
                if not goods:
                    reason = "no_saving"
        if reason is not None:
            reasons[promo.id] = reason
        else:
            applied_ids.append(promo.id)
            gift_value += gift
            if promo.coupon_id is not None:
                coupons += 1
            if detail:
                applied.append(Applied(
                    promotion_id=promo.id, coupon_id=promo.coupon_id, name=promo.name,
                    kind=promo.kind, lane=promo.lane, merchant_id=promo.merchant_id,
                    discount_cents=goods, shipping_discount_cents=ship,
                    gift_sku_id=(str(promo.params.get("gift_sku_id"))
                                 if promo.kind == "gift" else None),
                    gift_value_cents=gift,
                ))
        if prefixes is not None and not detail:
            prefixes[ids_in_order[: pos + 1]] = (
                list(amounts), fees, list(fee_left), gift_value, coupons,
                tuple(applied_ids), dict(reasons))
    if fees is None:
        fees = _fees(ctx, amounts)
        fee_left = list(fees)
        ship_alloc = [{} for _ in fees]
    total = sum(amounts) + sum(fee_left)
    ids = tuple(sorted(applied_ids))
    res = Result(combo, total, gift_value, coupons, ids, reasons)
    res.key = (total, -gift_value, coupons, ids, len(combo),
               tuple(sorted(p.id for p in combo)))
    if detail:
        res.lines = tuple(
            PricedLine(
                sku_id=ln.sku_id, quantity=ln.quantity, list_price_cents=ln.list_price_cents,
                unit_price_cents=b.unit_cents, price_kind=b.kind, price_label=b.label,
                discount_cents=ctx.base_amounts[i] - amounts[i], floor_cents=ln.floor_cents,
                allocations=line_alloc[i],
            )
            for i, (ln, b) in enumerate(zip(ctx.lines, ctx.bases, strict=True))
        )
        res.applied = tuple(applied)
        res.shipping = tuple(
            ShippingLine(merchant_id=m, fee_cents=f, discount_cents=f - fl, allocations=a)
            for m, f, fl, a in zip(ctx.ship_merchants, fees, fee_left, ship_alloc, strict=True)
        )
        res.blocks = tuple(blocks)
    return res


def _free_shipping(
    ctx: Ctx, p: Prepared, amounts: list[int], fee_left: list[int],
    ship_alloc: list[dict[str, int]], detail: bool,
) -> tuple[str | None, int]:
    if not p.idx:
        return "not_in_scope", 0
    params = p.promo.params
    if sum(amounts[i] for i in p.idx) < int(params.get("min_spend_cents", 0) or 0):
        return "threshold_not_met", 0
    ms = {ctx.lines[i].merchant_id for i in p.idx if ctx.lines[i].shippable}
    pos = [k for k, m in enumerate(ctx.ship_merchants) if m in ms]
    rem = [fee_left[k] for k in pos]
    total = sum(rem)
    cap = params.get("cap_cents")
    if cap is not None:
        total = min(total, int(cap))
    if total <= 0:
        return "no_saving", 0
    shares, _ = water_fill(total, rem, rem)
    for k, s in zip(pos, shares, strict=True):
        if s:
            fee_left[k] -= s
            if detail:
                ship_alloc[k][p.promo.id] = s
    return None, total


def _blocks(ctx: Ctx, p: Prepared, idx: Sequence[int], amounts: list[int],
            wanted: list[int], granted: list[int], left: int) -> list[FloorBlock]:
    out = []
    for i, b in zip(idx, split_blocked(left, wanted, granted), strict=True):
        if b:
            ln = ctx.lines[i]
            out.append(FloorBlock(
                sku_id=ln.sku_id, promotion_id=p.promo.id, floor_cents=ln.floor_cents or 0,
                attempted_unit_cents=(amounts[i] - b) // ln.quantity, blocked_cents=b,
            ))
    return out
