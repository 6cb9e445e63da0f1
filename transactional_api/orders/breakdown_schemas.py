"""The price breakdown a quote, a checkout preview and the best-coupon answer show."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LinePromotionOut(BaseModel):
    promotion_id: str
    discount_cents: int


class QuoteLineOut(BaseModel):
    sku_id: str
    product_id: str
    product_name: str
    merchant_id: str
    quantity: int
    list_price_cents: int
    unit_price_cents: int
    price_kind: str = Field(description="Which price source set the unit price: list, "
                                        "tier, member, promo or flash")
    price_label: str
    discount_cents: int
    tax_cents: int
    line_total_cents: int = Field(description="Goods after discounts, before tax")
    promotions: list[LinePromotionOut]


class AppliedOut(BaseModel):
    promotion_id: str
    coupon_id: str | None
    name: str
    kind: str
    lane: str
    funded_by_merchant_id: str | None
    discount_cents: int
    shipping_discount_cents: int
    gift_sku_id: str | None
    gift_value_cents: int


class RejectedOut(BaseModel):
    promotion_id: str
    coupon_id: str | None
    reason: str


class QuoteShippingOut(BaseModel):
    merchant_id: str
    weight_grams: int
    goods_cents: int
    shipping_cents: int = Field(description="After what promotions took off")
    shipping_discount_cents: int
    free_over_cents: int | None


class DutyLineOut(BaseModel):
    """One goods line's duty and import tax, and the rule that set them (category: the
    line's category or an ancestor's; default: the country's; none: no rule)."""

    sku_id: str
    category_id: str | None
    goods_cents: int
    duty_cents: int
    import_tax_cents: int
    duty_bps: int
    import_tax_bps: int
    rule: str
    de_minimis: bool


class QuoteOut(BaseModel):
    currency: str
    shipping_region: str | None
    lines: list[QuoteLineOut]
    applied: list[AppliedOut]
    rejected: list[RejectedOut]
    shipping: list[QuoteShippingOut]
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    shipping_discount_cents: int
    tax_cents: int
    total_cents: int
    combinations_evaluated: int
    # an address in another country than the shop's (duties/): in total_cents
    duties_cents: int = 0
    import_tax_cents: int = 0
    duty_lines: list[DutyLineOut] = Field(default_factory=list)


class CouponSavingOut(BaseModel):
    coupon_id: str
    promotion_id: str
    saving_cents: int = Field(description="Off the best price without any coupon")
    total_cents: int = Field(description="The cart's total with this coupon")


class BestCouponOut(BaseModel):
    best: CouponSavingOut | None = Field(description="The coupon to use (None: none saves)")
    coupons: list[CouponSavingOut]
