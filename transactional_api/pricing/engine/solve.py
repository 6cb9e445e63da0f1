"""The engine's entry points.

`price(request)` prices the cart: base prices (prices.py), then the best allowed
combination of promotions and coupons (stacking.py) applied lane by lane (evaluate.py,
rules.py, allocate.py).

Coupons: with `request.chosen_coupons` None the engine may use any coupon in the request;
with a frozenset exactly those coupons are candidates (each that ends up unused is in
`rejected` with its reason; an id with no coupon in the request is rejected as
"not_in_wallet" with promotion_id "") and no other coupon is used.

`rejected` lists every candidate not applied, with the first reason that holds: why it
took nothing alone (threshold_not_met, not_in_scope, wrong_payment_channel, no_saving),
exclusive_conflict (it or an applied offer is exclusive), group_conflict (an applied offer
holds its group), why it would take nothing on top of the applied offers (e.g. a threshold
no longer met), else not_better (it would raise the total or lose a tie).

`best_coupons(request)` ranks the request's coupons, each on its own: saving_cents = the
best total without any coupon − the best total with only that coupon as a candidate
(request.chosen_coupons is ignored). Sorted by saving (highest first), then total, then
coupon id; a coupon that saves nothing is listed with 0 and its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from transactional_api.pricing.engine.context import Ctx, Prepared, build_ctx, prepare
from transactional_api.pricing.engine.evaluate import run
from transactional_api.pricing.engine.model import (
    Applied,
    CouponSaving,
    Outcome,
    Promotion,
    Rejected,
    Request,
)
from transactional_api.pricing.engine.stacking import Search, choose


def price(request: Request) -> Outcome:
    ctx = build_ctx(request)
    return _price(ctx, [prepare(ctx, p) for p in request.promotions], request.chosen_coupons)


def _candidates(prepared: list[Prepared], chosen: frozenset[str] | None) -> list[Prepared]:
    return [p for p in prepared
            if p.promo.coupon_id is None or chosen is None or p.promo.coupon_id in chosen]


def _price(ctx: Ctx, all_prepared: list[Prepared], chosen: frozenset[str] | None,
           search: Search | None = None, detail: bool = True) -> Outcome:
    """detail=False (best_coupons): applied and rejected only, lines/shipping left empty
    and applied's figures 0 — the caller reads the total from `_total_of`."""
    request = ctx.request
    prepared = _candidates(all_prepared, chosen)
    pick = choose(ctx, prepared, search)
    best = run(ctx, pick.best.combo, detail=True) if detail else pick.best
    applied = set(best.applied_ids)
    exclusive_applied = any(p.promo.exclusive for p in best.combo if p.id in applied)
    groups = {p.promo.group for p in best.combo if p.id in applied and p.promo.group}
    rejected: list[Rejected] = []
    for p in sorted(prepared, key=lambda p: p.id):
        if p.id in applied:
            continue
        promo = p.promo
        reason = best.reasons.get(p.id) or pick.pruned.get(p.id)
        if reason is None:
            if promo.exclusive or exclusive_applied:
                reason = "exclusive_conflict"
            elif promo.group is not None and promo.group in groups:
                reason = "group_conflict"
            else:  # on top of the chosen ones, does it take nothing or just not pay?
                extra = pick.search.eval((*best.combo, p))
                reason = extra.reasons.get(p.id, "not_better")
        rejected.append(Rejected(promo.id, promo.coupon_id, reason))
    if chosen is not None:
        known = {p.coupon_id for p in request.promotions if p.coupon_id is not None}
        rejected.extend(
            Rejected("", c, "not_in_wallet") for c in sorted(chosen - known)
        )
    if not detail:
        by_id = {p.id: p.promo for p in best.combo}
        return _TotalOnly(
            lines=(), shipping=(), rejected=tuple(rejected),
            applied=tuple(_bare_applied(by_id[i]) for i in best.applied_ids),
            combinations_evaluated=pick.evaluated, total=best.total,
        )
    return Outcome(
        lines=best.lines, applied=best.applied, shipping=best.shipping,
        floor_blocks=best.blocks, rejected=tuple(rejected),
        combinations_evaluated=pick.evaluated,
    )


@dataclass(frozen=True)
class _TotalOnly(Outcome):
    total: int = 0

    @property
    def total_cents(self) -> int:
        return self.total


def _bare_applied(promo: Promotion) -> Applied:
    return Applied(promotion_id=promo.id, coupon_id=promo.coupon_id, name=promo.name,
                   kind=promo.kind, lane=promo.lane, merchant_id=promo.merchant_id,
                   discount_cents=0)


def best_coupons(request: Request) -> list[CouponSaving]:
    # one context, one prepared list and one evaluation cache for the baseline and every
    # coupon: the no-coupon combinations are evaluated once, not once per coupon
    ctx = build_ctx(request)
    prepared = [prepare(ctx, p) for p in request.promotions]
    search = Search(ctx)
    base = _price(ctx, prepared, frozenset(), search, detail=False).total_cents
    out: list[CouponSaving] = []
    for promo in request.promotions:
        if promo.coupon_id is None:
            continue
        got = _price(ctx, prepared, frozenset({promo.coupon_id}), search, detail=False)
        used = any(a.coupon_id == promo.coupon_id for a in got.applied)
        saving = max(0, base - got.total_cents) if used else 0
        reason = None
        if not saving:
            reason = next(
                (r.reason for r in got.rejected if r.coupon_id == promo.coupon_id),
                "no_saving",
            )
        out.append(CouponSaving(
            coupon_id=promo.coupon_id, promotion_id=promo.id, saving_cents=saving,
            total_cents=got.total_cents if used else base, reason=reason,
        ))
    out.sort(key=lambda c: (-c.saving_cents, c.total_cents, c.coupon_id))
    return out
