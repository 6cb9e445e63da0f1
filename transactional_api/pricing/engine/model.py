"""What the price engine reads and what it answers. Plain frozen values: the API's loader
(pricing.loader) builds them from the database, tests build them by hand.

Money is integer cents in one currency per request. A quantity is whole units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

# --- price sources ---------------------------------------------------------------------
# flash, group and mall prices reach a line only through the play that won them
# (a flash reservation, a group seat, a points-mall redemption): LineIn.sale_price
PriceKind = Literal["list", "tier", "member", "promo", "flash", "group", "mall"]


@dataclass(frozen=True)
class PriceOffer:
    """A unit price besides the list price that applies to this shopper now (the loader
    has already checked time windows and member level). A tier applies from min_quantity
    units of the line on; the others from 1."""

    kind: PriceKind
    unit_price_cents: int
    min_quantity: int = 1
    label: str = ""  # shown to the shopper: "Gold member price", "10+ units"


@dataclass(frozen=True)
class Line:
    sku_id: str
    product_id: str
    merchant_id: str
    quantity: int
    list_price_cents: int
    # the product's category and all its ancestors (a category scope covers sub-categories)
    category_ids: frozenset[str] = frozenset()
    brand_id: str | None = None
    offers: tuple[PriceOffer, ...] = ()
    # the lowest unit price any combination may reach (cost or minimum margin); None: 0
    floor_cents: int | None = None
    shippable: bool = True


# --- promotions and coupons ------------------------------------------------------------
PromotionKind = Literal[
    "full_reduction",   # tiers: [[threshold_cents, off_cents], ...]; the highest met applies
    "percent_off",      # percent_bp (1..10000), cap_cents (optional), min_spend_cents
    "amount_off",       # amount_cents, min_spend_cents
    "buy_x_get_y",      # buy, get: per buy+get units of scope, the `get` cheapest are free
    "nth_item",         # n, percent_bp: every n-th unit of scope (dearest first) is off
    "gift",             # gift_sku_id, gift_value_cents, min_spend_cents: a free gift line
    "free_shipping",    # min_spend_cents, cap_cents (optional): the scope merchants' fees
    "payment_instant",  # channel, amount_cents, min_spend_cents: off when paid by channel
    "bundle_price",     # sku_ids, price_cents: one unit of each sku_ids sells at price_cents
]
ScopeKind = Literal["store", "category", "brand", "product", "sku", "merchant"]
# Lanes run in this order; a threshold is measured on what the earlier lanes left.
Lane = Literal["item", "order", "shipping", "payment"]
LANES: tuple[Lane, ...] = ("item", "order", "shipping", "payment")
LANE_OF: Mapping[str, Lane] = {
    "buy_x_get_y": "item", "nth_item": "item", "bundle_price": "item", "gift": "item",
    "full_reduction": "order", "percent_off": "order", "amount_off": "order",
    "free_shipping": "shipping", "payment_instant": "payment",
}


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind = "store"
    ids: frozenset[str] = frozenset()  # empty for "store"


@dataclass(frozen=True)
class Promotion:
    """One offer the shopper may get: an active promotion, or a coupon in their wallet
    (coupon_id set). params hold the kind's figures, as listed under PromotionKind."""

    id: str
    name: str
    kind: PromotionKind
    params: Mapping[str, object]
    scope: Scope = Scope()
    merchant_id: str | None = None  # who funds it: a merchant, or None for the platform
    priority: int = 0               # higher applies first within its lane
    exclusive: bool = False         # when applied, nothing else is
    group: str | None = None        # at most one offer of a stacking group applies
    coupon_id: str | None = None

    @property
    def lane(self) -> Lane:
        return LANE_OF[self.kind]


# merchant_id, that merchant's goods after discounts (cents) -> the shipping fee in cents
ShippingFee = Callable[[str, int], int]


@dataclass(frozen=True)
class Request:
    lines: tuple[Line, ...]
    promotions: tuple[Promotion, ...] = ()  # active promotions and wallet coupons alike
    shipping_fee: ShippingFee | None = None  # None: nothing ships at a fee
    payment_channel: str | None = None
    # coupons the shopper asked for by id: they must apply (or the quote says why not);
    # None lets the engine choose the best wallet coupons itself
    chosen_coupons: frozenset[str] | None = None


# --- the answer ------------------------------------------------------------------------
@dataclass(frozen=True)
class PricedLine:
    sku_id: str
    quantity: int
    list_price_cents: int
    unit_price_cents: int      # the lowest applicable source
    price_kind: PriceKind      # ... and which it was
    price_label: str
    discount_cents: int        # every promotion's share on this line, summed
    floor_cents: int | None
    # promotion id -> cents of its discount allocated to this line (largest remainder)
    allocations: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity - self.discount_cents


@dataclass(frozen=True)
class Applied:
    promotion_id: str
    coupon_id: str | None
    name: str
    kind: PromotionKind
    lane: Lane
    merchant_id: str | None
    discount_cents: int                     # off the goods (sum of its line allocations)
    shipping_discount_cents: int = 0        # off shipping fees
    gift_sku_id: str | None = None
    gift_value_cents: int = 0


@dataclass(frozen=True)
class ShippingLine:
    merchant_id: str
    fee_cents: int
    discount_cents: int
    # promotion id -> cents it took off this merchant's fee
    allocations: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FloorBlock:
    """A discount (or price source) the floor stopped: the shopper got less off, never a
    price under the floor."""

    sku_id: str
    promotion_id: str | None  # None when a price source itself was under the floor
    floor_cents: int
    attempted_unit_cents: int  # the unit price it would have reached
    blocked_cents: int         # what the floor kept from being taken off


@dataclass(frozen=True)
class Rejected:
    promotion_id: str
    coupon_id: str | None
    reason: str  # "threshold_not_met", "not_in_scope", "exclusive_conflict", "group_conflict",
    #              "not_better", "wrong_payment_channel", "no_saving"


@dataclass(frozen=True)
class Outcome:
    lines: tuple[PricedLine, ...]
    applied: tuple[Applied, ...]
    shipping: tuple[ShippingLine, ...]
    floor_blocks: tuple[FloorBlock, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    combinations_evaluated: int = 0

    @property
    def subtotal_cents(self) -> int:
        return sum(ln.unit_price_cents * ln.quantity for ln in self.lines)

    @property
    def discount_cents(self) -> int:
        return sum(ln.discount_cents for ln in self.lines)

    @property
    def shipping_cents(self) -> int:
        return sum(s.fee_cents - s.discount_cents for s in self.shipping)

    @property
    def total_cents(self) -> int:
        """Goods after discounts plus shipping after its discounts (tax and points are the
        order's business, after the engine)."""
        return self.subtotal_cents - self.discount_cents + self.shipping_cents


@dataclass(frozen=True)
class CouponSaving:
    """What one wallet coupon is worth on this cart: saving_cents against the best
    combination without any coupon, total_cents the best total with it."""

    coupon_id: str
    promotion_id: str
    saving_cents: int
    total_cents: int
    reason: str | None = None  # why it saves nothing (a Rejected reason), else None
