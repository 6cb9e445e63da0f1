"""What each promotion kind takes off, measured on the current amounts (base × quantity
minus what earlier offers took) of the offer's scope lines at the moment it applies.

Every kind honours params["min_spend_cents"] (default 0) on the scope amount; a discount
off the goods is never more than the scope amount.

- full_reduction: tiers [[threshold_cents, off_cents], ...]; the highest tier whose
  threshold ≤ scope amount takes its off_cents.
- percent_off: scope amount × percent_bp // 10000 (rounded down), capped by cap_cents.
- amount_off: amount_cents.
- payment_instant: amount_cents, only when request.payment_channel == params["channel"].
- buy_x_get_y: the scope units at their base unit price; sets = units // (buy + get); the
  sets × get cheapest units are free (ties: sku_id, then line order).
- nth_item: the scope units sorted by base unit price, highest first (ties: sku_id, then
  line order); every n-th unit (0-based positions n−1, 2n−1, …) gets unit × percent_bp
  // 10000 off.
- bundle_price: every one of params["sku_ids"] must be in scope; sets = the lowest
  quantity among them; each set (one unit of each) sells at price_cents, so it takes
  (sum of their base unit prices − price_cents) per set, nothing if that is not positive.
- gift: takes nothing; the outcome carries gift_sku_id / gift_value_cents.
- free_shipping: see evaluate.py (it needs the fees).

Item-lane kinds aim their discount at the units' own lines (`targets`); order and payment
kinds give a total that allocate.py shares in proportion to current amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from transactional_api.pricing.engine.allocate import largest_remainder
from transactional_api.pricing.engine.context import Ctx, Prepared


@dataclass(frozen=True)
class Take:
    total: int = 0
    targets: dict[int, int] | None = None  # line index -> cents (item lane)
    gift: bool = False
    reason: str | None = None  # why it takes nothing


NOT_IN_SCOPE = Take(reason="not_in_scope")
THRESHOLD = Take(reason="threshold_not_met")
NO_SAVING = Take(reason="no_saving")


def _int(params, key: str, default: int = 0) -> int:
    v = params.get(key, default)
    return default if v is None else int(v)


def take(p: Prepared, ctx: Ctx, amounts: list[int]) -> Take:
    promo = p.promo
    params = promo.params
    kind = promo.kind
    if not p.idx:
        return NOT_IN_SCOPE
    if kind == "payment_instant" and ctx.request.payment_channel != params.get("channel"):
        return Take(reason="wrong_payment_channel")
    amount = 0
    for i in p.idx:
        amount += amounts[i]
    if amount < _int(params, "min_spend_cents"):
        return THRESHOLD
    if kind == "full_reduction":
        best_t, off = -1, 0
        for tier in params.get("tiers", ()):
            t, o = int(tier[0]), int(tier[1])
            if t <= amount and t > best_t:
                best_t, off = t, o
        if best_t < 0:
            return THRESHOLD
        return _total(min(off, amount))
    if kind == "percent_off":
        d = amount * _int(params, "percent_bp") // 10000
        cap = params.get("cap_cents")
        if cap is not None:
            d = min(d, int(cap))
        return _total(d)
    if kind in ("amount_off", "payment_instant"):
        return _total(min(_int(params, "amount_cents"), amount))
    if kind == "gift":
        return Take(gift=True)
    if kind in ITEM_TARGET_KINDS:
        return item_take(p, ctx)
    return NO_SAVING  # free_shipping is not a goods discount


# kinds whose take, once the threshold is met, depends only on base prices and quantities
ITEM_TARGET_KINDS = frozenset({"buy_x_get_y", "nth_item", "bundle_price"})


def item_take(p: Prepared, ctx: Ctx) -> Take:
    """The take of an ITEM_TARGET_KINDS offer whose threshold is met (amount-independent,
    so the search computes it once per offer)."""
    params = p.promo.params
    kind = p.promo.kind
    if kind == "buy_x_get_y":
        return _buy_x_get_y(p, ctx, _int(params, "buy"), _int(params, "get"))
    if kind == "nth_item":
        return _nth_item(p, ctx, _int(params, "n"), _int(params, "percent_bp"))
    return _bundle(p, ctx, [str(s) for s in params.get("sku_ids", ())],
                   _int(params, "price_cents"))


def _total(d: int) -> Take:
    return Take(total=d) if d > 0 else NO_SAVING


def _targets(t: dict[int, int]) -> Take:
    total = sum(t.values())
    return Take(total=total, targets=t) if total > 0 else NO_SAVING


def _buy_x_get_y(p: Prepared, ctx: Ctx, buy: int, get: int) -> Take:
    if buy < 0 or get <= 0:
        return NO_SAVING
    units = sum(ctx.qty[i] for i in p.idx)
    free = units // (buy + get) * get
    if free <= 0:
        return THRESHOLD
    t: dict[int, int] = {}
    for i in sorted(p.idx, key=lambda i: (ctx.unit[i], ctx.lines[i].sku_id, i)):
        n = min(free, ctx.qty[i])
        if n:
            t[i] = n * ctx.unit[i]
            free -= n
        if not free:
            break
    return _targets(t)


def _nth_item(p: Prepared, ctx: Ctx, n: int, bp: int) -> Take:
    if n <= 0:
        return NO_SAVING
    if sum(ctx.qty[i] for i in p.idx) < n:
        return THRESHOLD
    t: dict[int, int] = {}
    pos = 0
    for i in sorted(p.idx, key=lambda i: (-ctx.unit[i], ctx.lines[i].sku_id, i)):
        q = ctx.qty[i]
        hits = (pos + q) // n - pos // n  # positions k in [pos, pos+q) with (k+1) % n == 0
        pos += q
        if hits:
            t[i] = hits * (ctx.unit[i] * bp // 10000)
    return _targets(t)


def _bundle(p: Prepared, ctx: Ctx, skus: list[str], price: int) -> Take:
    if not skus:
        return NO_SAVING
    have: dict[str, list[int]] = {s: [] for s in skus}
    for i in p.idx:
        sku = ctx.lines[i].sku_id
        if sku in have:
            have[sku].append(i)
    qty = {s: sum(ctx.qty[i] for i in ix) for s, ix in have.items()}
    sets = min(qty.values())
    if sets <= 0:
        return NOT_IN_SCOPE
    # the units in the sets, per line (a sku split over lines is taken in line order)
    used: dict[int, int] = {}
    for s in dict.fromkeys(skus):
        need = sets * skus.count(s)
        for i in have[s]:
            k = min(need, ctx.qty[i] - used.get(i, 0))
            if k > 0:
                used[i] = used.get(i, 0) + k
                need -= k
        if need > 0:
            return NOT_IN_SCOPE
    value = {i: k * ctx.unit[i] for i, k in used.items()}
    d = sum(value.values()) - sets * price
    if d <= 0:
        return NO_SAVING
    keys = sorted(value)
    shares = largest_remainder(d, [value[i] for i in keys])
    return _targets({i: s for i, s in zip(keys, shares, strict=True) if s})
