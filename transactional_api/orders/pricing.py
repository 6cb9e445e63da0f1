"""Pricing a cart for an address: lines, discounts, shipping per merchant, tax, total.

The price engine (transactional_api.pricing) picks each line's unit price and the best
allowed promotions and coupons; this module adds tax and shares the fees per merchant.

The preview and placement share this one function, so what the shopper was shown is what
placement recomputes (and refuses to place when it differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Unprocessable
from transactional_api.events.contract import MAX_CENTS
from transactional_api.inventory import service as inventory
from transactional_api.markets import checkout as market_checkout
from transactional_api.pricing import service as price_engine
from transactional_api.pricing.engine.model import Outcome, PriceOffer
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
    price_kind: str = "list"
    price_label: str = ""
    allocations: dict[str, int] = field(default_factory=dict)  # promotion id -> cents

    @property
    def line_total_cents(self) -> int:
        """What the goods cost after discount, before tax."""
        return self.unit_price_cents * self.quantity - self.discount_cents


@dataclass
class MerchantShipping:
    merchant_id: str
    weight_grams: int
    goods_cents: int
    shipping_cents: int  # after what promotions took off
    free_over_cents: int | None
    shipping_discount_cents: int = 0
    allocations: dict[str, int] = field(default_factory=dict)  # promotion id -> cents

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
    outcome: Outcome | None = None  # the price engine's answer: what applied, and why
    payment_channel: str | None = None
    # set when priced in a market (markets.checkout): its code, the rate from this
    # quote's currency to base_currency (10^9 = 1), and the currency the engine priced in
    market: str | None = None
    fx_rate_e9: int | None = None
    base_currency: str | None = None
    # set for an address in another country (duties.checkout): a duties.calc.DutyAssessment
    duties: object | None = None

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
    def shipping_discount_cents(self) -> int:
        return sum(m.shipping_discount_cents for m in self.merchants)

    @property
    def tax_cents(self) -> int:
        return sum(ln.tax_cents for ln in self.lines)

    @property
    def gross_cents(self) -> int:
        """The order's total before points."""
        return (self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents
                + self.duties_cents + self.import_tax_cents)

    @property
    def duties_cents(self) -> int:
        return self.duties.duties_cents if self.duties is not None else 0

    @property
    def import_tax_cents(self) -> int:
        return self.duties.import_tax_cents if self.duties is not None else 0

    @property
    def coverable_cents(self) -> int:
        """What points may pay for: the goods and their tax, never shipping."""
        return sum(ln.line_total_cents + ln.tax_cents for ln in self.lines)

    @property
    def total_cents(self) -> int:
        """What is paid with money."""
        return self.gross_cents - self.points_discount_cents


@dataclass(frozen=True)
class Offers:
    """What the shopper asked of the price engine: coupons by id (None: the engine picks
    the best in the wallet; an empty set: none) and the channel they will pay with."""

    coupon_ids: frozenset[str] | None = None
    payment_channel: str | None = None
    # server-side only: prices a play has granted this order (sku -> offer), never a client's
    sale_prices: tuple[tuple[str, PriceOffer], ...] = ()
    # the storefront market to price in (markets/): None prices in the SKUs' currency
    market: str | None = None


def quote(*, session: Session, found: dict, lines: dict[str, int], region: str | None,
          recipients: dict[str, str] | None = None, user_id: str | None = None,
          offers: Offers | None = None, redis=None) -> Quote:
    """``found``: catalog.skus_for_order's answer for ``lines`` (sku -> quantity). Prices
    go through the price engine (pricing.service): sources, promotions, coupons, floors."""
    recipients = recipients or {}
    offers = offers or Offers()
    currencies = {found[s].sku.currency for s in lines}
    if len(currencies) != 1:
        raise Unprocessable("items are priced in different currencies", code="mixed_currency")
    currency = currencies.pop()
    rate = shipping.tax_rate_bp(session=session, region=region)
    ordered = sorted(lines)
    inputs = _engine_inputs(session, found, lines, region, currency,
                            dict(offers.sale_prices))
    outcome = price_engine.quote(
        session, user_id=user_id, now=clock.now(), redis=redis, lines=inputs.lines,
        shipping_fee=inputs.fee, payment_channel=offers.payment_channel,
        chosen_coupons=offers.coupon_ids)
    rule, weights = inputs.rule, inputs.weights
    by_sku = {ln.sku_id: ln for ln in outcome.lines}
    priced = []
    for sku_id in ordered:
        sku, product, got = found[sku_id].sku, found[sku_id].product, by_sku[sku_id]
        line = PricedLine(sku_id=sku.id, product_id=product.id, product_name=product.name,
                          sku_name=sku.name, merchant_id=product.merchant_id, kind=sku.kind,
                          quantity=lines[sku_id], list_price_cents=sku.price_cents,
                          unit_price_cents=got.unit_price_cents,
                          discount_cents=got.discount_cents, tax_cents=0,
                          unit_weight_grams=weights[sku_id],
                          recipient=recipients.get(sku_id), price_kind=got.price_kind,
                          price_label=got.price_label, allocations=dict(got.allocations))
        line.tax_cents = shipping.tax_of(line.line_total_cents, rate)
        priced.append(line)
    priced += _gift_lines(session, outcome, lines, currency)
    q = Quote(currency=currency, region=region, tax_rate_bp=rate, lines=priced,
              outcome=outcome, payment_channel=offers.payment_channel)
    q.merchants = _shipping(q, outcome, rule)
    if offers.market is not None:
        q = market_checkout.localize(session=session, q=q, market_code=offers.market,
                                     region=region, at=clock.now())
    if q.subtotal_cents > MAX_CENTS or q.total_cents > MAX_CENTS:
        raise Unprocessable(f"an order may total at most {MAX_CENTS} cents",
                            code="order_total_too_large")
    return q


def _gift_lines(session: Session, outcome: Outcome, lines: dict[str, int],
                currency: str) -> list[PricedLine]:
    """A gift promotion's SKU as a line of its own at 0 (its list price kept for the
    snapshot), when it is for sale in stock and not already a line of the cart; placement
    holds its unit like any other. Otherwise the shopper gets the rest of the quote."""
    wanted = sorted({a.gift_sku_id for a in outcome.applied if a.gift_sku_id} - set(lines))
    if not wanted:
        return []
    found = catalog.skus_for_order(session=session, sku_ids=wanted, strict=False)
    found = {s: f for s, f in found.items() if f.sku.currency == currency}
    kinds = {s: f.kind for s, f in found.items()}
    sellable = inventory.stock_view(session=session, sku_ids=list(found), kinds=kinds)[0]
    return [PricedLine(sku_id=s, product_id=f.product.id, product_name=f.product.name,
                       sku_name=f.sku.name, merchant_id=f.product.merchant_id, kind=f.kind,
                       quantity=1, list_price_cents=f.sku.price_cents, unit_price_cents=0,
                       discount_cents=0, tax_cents=0, unit_weight_grams=_weight(f.sku),
                       price_kind="gift", price_label="gift")
            for s, f in found.items()
            if f.kind == "standard" and sellable.get(s, 0) >= 1]


@dataclass(frozen=True)
class EngineInputs:
    lines: list
    weights: dict[str, int]  # sku -> unit weight in grams
    rule: object | None      # the shipping rule for the region (None: nothing ships)
    fee: object | None       # merchant, goods after discounts -> fee in cents


def _engine_inputs(session: Session, found: dict, lines: dict[str, int], region: str | None,
                   currency: str, sale_prices: dict[str, PriceOffer] | None = None
                   ) -> EngineInputs:
    ordered = sorted(lines)
    weights = {s: _weight(found[s].sku) for s in ordered}
    merchant_weight: dict[str, int] = defaultdict(int)
    for s in ordered:
        if found[s].kind != "virtual":
            merchant_weight[found[s].product.merchant_id] += weights[s] * lines[s]
    rule = shipping.rule_for(session=session, region=region, currency=currency) \
        if merchant_weight else None

    def fee(merchant_id: str, goods_cents: int) -> int:
        return rule.fee(weight_grams=merchant_weight[merchant_id], goods_cents=goods_cents)

    return EngineInputs(
        lines=[price_engine.LineIn(
            sku_id=s, product_id=found[s].product.id,
            merchant_id=found[s].product.merchant_id, quantity=lines[s],
            list_price_cents=found[s].sku.price_cents, currency=currency,
            shippable=found[s].kind != "virtual",
            sale_price=(sale_prices or {}).get(s)) for s in ordered],
        weights=weights, rule=rule, fee=fee if rule is not None else None)


def best_coupons(*, session: Session, found: dict, lines: dict[str, int], region: str | None,
                 user_id: str, payment_channel: str | None = None, redis=None) -> list:
    """Each wallet coupon's saving on these lines, best first (the engine's best_coupons)."""
    currencies = {found[s].sku.currency for s in lines}
    if len(currencies) != 1:
        raise Unprocessable("items are priced in different currencies", code="mixed_currency")
    inputs = _engine_inputs(session, found, lines, region, currencies.pop())
    return price_engine.best_coupons(
        session, user_id=user_id, now=clock.now(), redis=redis, lines=inputs.lines,
        shipping_fee=inputs.fee, payment_channel=payment_channel)


def _weight(sku) -> int:
    if sku.kind == "virtual":
        return 0
    return sku.weight_grams if sku.weight_grams is not None else shipping.DEFAULT_WEIGHT_GRAMS


def _shipping(q: Quote, outcome, rule) -> list[MerchantShipping]:
    """One fee per merchant (its goods travel together to the shopper), by their weight,
    free once that merchant's goods reach the threshold, less what promotions took off
    it (the engine's shipping lane). Virtual goods ship nothing."""
    goods: dict[str, int] = defaultdict(int)
    weight: dict[str, int] = defaultdict(int)
    for ln in q.lines:
        if ln.kind != "virtual":
            weight[ln.merchant_id] += ln.unit_weight_grams * ln.quantity
            goods[ln.merchant_id] += ln.line_total_cents
    fees = {s.merchant_id: s for s in outcome.shipping}
    out = []
    for m in sorted(goods):
        fee = fees.get(m)
        out.append(MerchantShipping(
            merchant_id=m, weight_grams=weight[m], goods_cents=goods[m],
            shipping_cents=(fee.fee_cents - fee.discount_cents) if fee else 0,
            free_over_cents=rule.free_over_cents if rule else None,
            shipping_discount_cents=fee.discount_cents if fee else 0,
            allocations=dict(fee.allocations) if fee else {}))
    return out


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
