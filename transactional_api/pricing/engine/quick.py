"""Total-only evaluation for the search: the same arithmetic as evaluate.run(detail=False)
(same total, gift value, coupons, applied ids and reasons), with each offer's figures
parsed once (`Plan`) and the state after every combination prefix kept in a trie, so a
combination that shares its first offers with an earlier one resumes there.

The common allocation case (nobody capped by a floor) is done inline with the very
arithmetic of allocate.water_fill's first step; anything capped falls back to allocate.py.
The winner's full Outcome is still built by evaluate.run(detail=True).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from transactional_api.pricing.engine.allocate import place, water_fill
from transactional_api.pricing.engine.context import Ctx, Prepared
from transactional_api.pricing.engine.evaluate import (
    _SHIPPING_LANE,
    Result,
    _fees,
    _free_shipping,
)
from transactional_api.pricing.engine.rules import ITEM_TARGET_KINDS, _int, item_take

_FS, _GIFT, _ITEM, _FR, _PCT, _AMT, _OTHER = range(7)
_CODES = {"free_shipping": _FS, "gift": _GIFT, "full_reduction": _FR,
          "percent_off": _PCT, "amount_off": _AMT, "payment_instant": _AMT}
_order = attrgetter("order")


class Plan:
    """One offer's figures, parsed once per request."""

    __slots__ = ("p", "id", "code", "idx", "spend", "reason", "shipping", "coupon",
                 "gift", "tiers", "bp", "cap", "amount", "item_reason", "tpairs",
                 "ttotal", "wanted", "floored", "ub")

    def __init__(self, ctx: Ctx, p: Prepared) -> None:
        promo = p.promo
        params = promo.params
        self.p, self.id, self.idx = p, p.id, p.idx
        self.code = (_ITEM if promo.kind in ITEM_TARGET_KINDS
                     else _CODES.get(promo.kind, _OTHER))
        self.shipping = p.order[0] >= _SHIPPING_LANE
        self.coupon = promo.coupon_id is not None
        self.reason: str | None = None  # why it takes nothing whatever the amounts
        if not p.idx:
            self.reason = "not_in_scope"
        elif (promo.kind == "payment_instant"
              and ctx.request.payment_channel != params.get("channel")):
            self.reason = "wrong_payment_channel"
        self.spend = _int(params, "min_spend_cents")
        self.floored = any(ctx.floor_total[i] for i in p.idx)
        self.gift = int(params.get("gift_value_cents", 0) or 0) if self.code == _GIFT else 0
        self.tiers = ([(int(t[0]), int(t[1])) for t in params.get("tiers", ())]
                      if self.code == _FR else [])
        self.bp = _int(params, "percent_bp") if self.code == _PCT else 0
        cap = params.get("cap_cents")
        self.cap = int(cap) if cap is not None and self.code == _PCT else None
        self.amount = _int(params, "amount_cents") if self.code == _AMT else 0
        self.item_reason: str | None = None
        self.tpairs: list[tuple[int, int]] = []
        self.wanted: list[int] = []
        self.ttotal = 0
        if self.code == _ITEM and self.reason is None:
            tk = item_take(p, ctx)
            if tk.reason is not None:
                self.item_reason = tk.reason
            else:
                targets = tk.targets or {}
                self.wanted = [targets.get(i, 0) for i in p.idx]
                self.tpairs = [(i, t) for i, t in zip(p.idx, self.wanted, strict=True) if t]
                self.ttotal = tk.total
        self.ub = self._upper_bound(ctx)

    def _upper_bound(self, ctx: Ctx) -> int:
        """The most this offer can take off the goods in any combination. Every step only
        lowers amounts, and each kind's take is non-decreasing in its scope amount (a
        full_reduction over the tiers it could reach), capped by the floor headroom; gifts
        and free shipping take nothing off the goods."""
        if self.reason is not None or self.code in (_FS, _GIFT, _OTHER):
            return 0
        amount = sum(ctx.base_amounts[i] for i in self.idx)
        if amount < self.spend:
            return 0
        head = amount - sum(ctx.floor_total[i] for i in self.idx)
        if self.code == _ITEM:
            d = 0 if self.item_reason is not None else self.ttotal
        elif self.code == _FR:
            d = max((min(o, amount) for t, o in self.tiers if t <= amount), default=0)
        elif self.code == _PCT:
            d = amount * self.bp // 10000
            if self.cap is not None:
                d = min(d, self.cap)
        else:
            d = min(self.amount, amount)
        return max(0, min(d, head))


class Quick:
    """Evaluates combinations of one request's offers, totals only."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.plans: dict[str, Plan] = {}
        # trie: offer id -> [state after this prefix, children]
        self.root: list = [None, {}]
        self.ships = [(m, ctx.merchant_idx[m]) for m in ctx.ship_merchants]
        self.base_goods = sum(ctx.base_amounts)
        self.floor_goods = sum(ctx.floor_total)

    def plan(self, p: Prepared) -> Plan:
        got = self.plans.get(p.id)
        if got is None or got.p is not p:
            got = self.plans[p.id] = Plan(self.ctx, p)
        return got

    def lower_bound(self, combo: Sequence[Prepared]) -> int:
        """combo's total is at least this: the goods after its longest prefix already run
        (exact), less the upper bound of every offer after it; fees are never negative."""
        node = self.root
        goods = self.base_goods
        combo = sorted(combo, key=_order)
        k = 0
        for p in combo:
            nxt = node[1].get(p.id)
            if nxt is None:
                break
            node = nxt
            k += 1
        if k:
            goods = node[0][7]
        for p in combo[k:]:
            goods -= self.plan(p).ub
        return max(goods, self.floor_goods)

    def run(self, combo: Sequence[Prepared]) -> Result:
        ctx = self.ctx
        combo = tuple(sorted(combo, key=_order))
        node = self.root
        start = 0
        for p in combo:
            nxt = node[1].get(p.id)
            if nxt is None:
                break
            node = nxt
            start += 1
        if start:
            snap = node[0]
            amounts, fees, fee_left = list(snap[0]), snap[1], list(snap[2])
            gift_value, coupons, applied_ids, reasons = (
                snap[3], snap[4], list(snap[5]), dict(snap[6]))
        else:
            amounts, fees, fee_left = list(ctx.base_amounts), None, []
            gift_value = coupons = 0
            applied_ids, reasons = [], {}
        floor_total = ctx.floor_total
        for pos in range(start, len(combo)):
            p = combo[pos]
            pl = self.plan(p)
            if fees is None and pl.shipping:
                fees = _fees(ctx, amounts)
                fee_left = list(fees)
            gift = 0
            reason = pl.reason
            if reason is not None:
                pass
            elif pl.code == _FS:
                reason, _ = _free_shipping(ctx, p, amounts, fee_left, [], False)
            else:
                reason = self._step(pl, amounts, floor_total)
                if reason is None and pl.code == _GIFT:
                    gift = pl.gift
            if reason is not None:
                reasons[pl.id] = reason
            else:
                applied_ids.append(pl.id)
                gift_value += gift
                if pl.coupon:
                    coupons += 1
            child = [(list(amounts), fees, list(fee_left), gift_value, coupons,
                      tuple(applied_ids), dict(reasons), sum(amounts)), {}]
            node[1][pl.id] = child
            node = child
        if fees is None:
            fee = ctx.fee
            fee_left = [fee(m, sum(map(amounts.__getitem__, ix))) for m, ix in self.ships]
        total = sum(amounts) + sum(fee_left)
        ids = tuple(sorted(applied_ids))
        res = Result(combo, total, gift_value, coupons, ids, reasons)
        res.key = (total, -gift_value, coupons, ids, len(combo),
                   tuple(sorted(p.id for p in combo)))
        return res

    @staticmethod
    def _step(pl: Plan, amounts: list[int], floor_total: list[int]) -> str | None:
        """Apply one goods offer (or a gift) to amounts; the reason it takes nothing."""
        idx = pl.idx
        code = pl.code
        if code in (_GIFT, _ITEM, _OTHER) and pl.spend <= 0:
            amount = 0  # amounts are never negative: the threshold holds
        else:
            amount = sum(map(amounts.__getitem__, idx))
            if amount < pl.spend:
                return "threshold_not_met"
        if code == _GIFT:
            return None
        if code == _ITEM:
            if pl.item_reason is not None:
                return pl.item_reason
            for i, t in pl.tpairs:
                if amounts[i] - floor_total[i] < t:
                    break
            else:
                for i, t in pl.tpairs:
                    amounts[i] -= t
                return None
            weights = [amounts[i] for i in idx]
            caps = [amounts[i] - floor_total[i] for i in idx]
            shares, _ = place(pl.wanted, weights, caps)
            return _apply(idx, shares, amounts)
        if code == _FR:
            best_t, off = -1, 0
            for t, o in pl.tiers:
                if t <= amount and t > best_t:
                    best_t, off = t, o
            if best_t < 0:
                return "threshold_not_met"
            d = min(off, amount)
        elif code == _PCT:
            d = amount * pl.bp // 10000
            if pl.cap is not None:
                d = min(d, pl.cap)
        elif code == _AMT:
            d = min(pl.amount, amount)
        else:
            return "no_saving"
        if d <= 0 or amount <= 0:
            return "no_saving"
        # allocate.largest_remainder over the current amounts (their sum is `amount`)
        weights = list(map(amounts.__getitem__, idx))
        shares = [d * w // amount for w in weights]
        left = d - sum(shares)
        if left:
            rems = [d * w % amount for w in weights]
            for j in sorted(range(len(rems)), key=rems.__getitem__, reverse=True)[:left]:
                shares[j] += 1
        # a share never exceeds ceil(d × w / amount) ≤ w when d ≤ amount: without a floor
        # nobody is capped
        if pl.floored or d > amount:
            for i, s in zip(idx, shares, strict=True):
                if s > amounts[i] - floor_total[i]:
                    caps = [amounts[k] - floor_total[k] for k in idx]
                    shares, _ = water_fill(d, weights, caps)
                    return _apply(idx, shares, amounts)
        for i, s in zip(idx, shares, strict=True):
            amounts[i] -= s
        return None


def _apply(idx: Sequence[int], shares: list[int], amounts: list[int]) -> str | None:
    goods = 0
    for i, s in zip(idx, shares, strict=True):
        amounts[i] -= s
        goods += s
    return None if goods else "no_saving"
