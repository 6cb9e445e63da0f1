"""Pricing a cart for an address: lines, discounts, shipping per merchant, tax, total.

The preview and placement share this one function, so what the shopper was shown is what
placement recomputes (and refuses to place when it differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from transactional_api.core.errors import Unprocessable
from transactional_api.events.contract import MAX_CENTS
from transactional_api.shipping import service as shipping


@dataclass
class PricedLine:
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    merchant_id: str
    kind: str
    quantity: int
    list_price_cents: int
    unit_price_cents: int
    discount_cents: int  # for the whole line
    tax_cents: int
    unit_weight_grams: int
    recipient: str | None = None

    @property
    def line_total_cents(self) -> int:
        """What the goods cost after discount, before tax."""
        return self.unit_price_cents * self.quantity - self.discount_cents


@dataclass
class MerchantShipping:
    merchant_id: str
    weight_grams: int
    goods_cents: int
    shipping_cents: int
    free_over_cents: int | None

    @property
    def short_of_free_cents(self) -> int | None:
        if self.free_over_cents is None or self.shipping_cents == 0:
            return None
        return max(0, self.free_over_cents - self.goods_cents)


@dataclass
class Quote:
    currency: str
    region: str | None
    tax_rate_bp: int
    lines: list[PricedLine]
    merchants: list[MerchantShipping] = field(default_factory=list)
    # set by checkout when the shopper pays part with points (members.redemption)
    points_spent: int = 0
    points_discount_cents: int = 0

    @property
    def subtotal_cents(self) -> int:
        return sum(ln.unit_price_cents * ln.quantity for ln in self.lines)

    @property
    def discount_cents(self) -> int:
        return sum(ln.discount_cents for ln in self.lines)

    @property
    def shipping_cents(self) -> int:
        return sum(m.shipping_cents for m in self.merchants)

    @property
    def tax_cents(self) -> int:
        return sum(ln.tax_cents for ln in self.lines)

    @property
    def gross_cents(self) -> int:
        """The order's total before points."""
        return self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents

    @property
    def coverable_cents(self) -> int:
        """What points may pay for: the goods and their tax, never shipping."""
        return sum(ln.line_total_cents + ln.tax_cents for ln in self.lines)

    @property
    def total_cents(self) -> int:
        """What is paid with money."""
        return self.gross_cents - self.points_discount_cents


def quote(*, session: Session, found: dict, lines: dict[str, int], region: str | None,
          recipients: dict[str, str] | None = None) -> Quote:
    """``found``: catalog.skus_for_order's answer for ``lines`` (sku -> quantity)."""
    recipients = recipients or {}
    currencies = {found[s].sku.currency for s in lines}
    if len(currencies) != 1:
        raise Unprocessable("items are priced in different currencies", code="mixed_currency")
    currency = currencies.pop()
    rate = shipping.tax_rate_bp(session=session, region=region)
    priced = []
    for sku_id in sorted(lines):
        sku, product = found[sku_id].sku, found[sku_id].product
        qty = lines[sku_id]
        # Promotions (a later issue) set the discount; the list price is the catalog's.
        line = PricedLine(sku_id=sku.id, product_id=product.id, product_name=product.name,
                          sku_name=sku.name, merchant_id=product.merchant_id, kind=sku.kind,
                          quantity=qty, list_price_cents=sku.price_cents,
                          unit_price_cents=sku.price_cents, discount_cents=0, tax_cents=0,
                          unit_weight_grams=_weight(sku), recipient=recipients.get(sku_id))
        line.tax_cents = shipping.tax_of(line.line_total_cents, rate)
        priced.append(line)
    q = Quote(currency=currency, region=region, tax_rate_bp=rate, lines=priced)
    q.merchants = _shipping(session, q)
    if q.subtotal_cents > MAX_CENTS or q.total_cents > MAX_CENTS:
        raise Unprocessable(f"an order may total at most {MAX_CENTS} cents",
                            code="order_total_too_large")
    return q


def _weight(sku) -> int:
    if sku.kind == "virtual":
        return 0
    return sku.weight_grams if sku.weight_grams is not None else shipping.DEFAULT_WEIGHT_GRAMS


def _shipping(session: Session, q: Quote) -> list[MerchantShipping]:
    """One fee per merchant (its goods travel together to the shopper), by their weight;
    free once that merchant's goods reach the threshold. Virtual goods ship nothing."""
    weight: dict[str, int] = defaultdict(int)
    goods: dict[str, int] = defaultdict(int)
    for ln in q.lines:
        if ln.kind != "virtual":
            weight[ln.merchant_id] += ln.unit_weight_grams * ln.quantity
            goods[ln.merchant_id] += ln.line_total_cents
    if not goods:
        return []
    rule = shipping.rule_for(session=session, region=q.region, currency=q.currency)
    return [MerchantShipping(merchant_id=m, weight_grams=weight[m], goods_cents=goods[m],
                             shipping_cents=rule.fee(weight_grams=weight[m],
                                                     goods_cents=goods[m]),
                             free_over_cents=rule.free_over_cents)
            for m in sorted(goods)]


def split(amount: int, weights: list[int]) -> list[int]:
    """``amount`` shared in proportion to ``weights``, in whole cents that sum exactly to it
    (largest remainder; equal shares when every weight is 0)."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    total = sum(weights)
    shares = [amount * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares
