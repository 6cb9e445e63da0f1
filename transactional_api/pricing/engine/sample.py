"""A realistic request for the bench and the speed check: a cart of `lines` lines from 5
merchants against `promotions` active promotions (most scoped to categories or products,
many of which are not in the cart) and `coupons` wallet coupons, with several stacking
groups, two exclusives, thresholds, floors, member/tier/flash prices and a shipping fee."""

from __future__ import annotations

import random

from transactional_api.pricing.engine.model import (
    Line,
    PriceOffer,
    Promotion,
    Request,
    Scope,
)

MERCHANTS = ("m0", "m1", "m2", "m3", "m4")


def _fee(merchant_id: str, goods_cents: int) -> int:
    return 0 if goods_cents >= 9900 else 800


def _line(rng: random.Random, i: int) -> Line:
    leaf = rng.randrange(40)
    price = rng.randrange(300, 20000)
    offers: list[PriceOffer] = []
    if rng.random() < 0.2:
        offers.append(PriceOffer("member", price * 9 // 10, label="Member price"))
    if rng.random() < 0.1:
        offers.append(PriceOffer("tier", price * 85 // 100, min_quantity=2, label="2+ units"))
    if rng.random() < 0.05:
        offers.append(PriceOffer("flash", price * 7 // 10, label="Flash sale"))
    return Line(
        sku_id=f"s{i}", product_id=f"p{i}", merchant_id=MERCHANTS[i % 5],
        quantity=rng.randint(1, 3), list_price_cents=price,
        category_ids=frozenset({f"c{leaf}", f"cp{leaf // 8}", "root"}),
        brand_id=f"b{rng.randrange(10)}", offers=tuple(offers),
        floor_cents=price * 6 // 10 if rng.random() < 0.5 else None,
        shippable=rng.random() < 0.95,
    )


def _cat_promo(rng: random.Random, k: int) -> Promotion:
    scope = Scope("category", frozenset({f"c{rng.randrange(80)}"}))  # half not in the cart
    kind = rng.choice(["percent_off", "amount_off", "buy_x_get_y", "nth_item",
                       "full_reduction"])
    params: dict[str, object] = {
        "percent_off": {"percent_bp": rng.choice([500, 1000, 1500]), "cap_cents": 3000},
        "amount_off": {"amount_cents": rng.choice([300, 500, 1000]),
                       "min_spend_cents": rng.choice([0, 3000, 8000])},
        "buy_x_get_y": {"buy": 2, "get": 1},
        "nth_item": {"n": 2, "percent_bp": 5000},
        "full_reduction": {"tiers": [[5000, 500], [10000, 1200]]},
    }[kind]
    group = rng.choice([None, "category_deals", "item_deals", "item_deals"])
    return Promotion(id=f"cat{k:03d}", name=f"Category deal {k}", kind=kind, params=params,
                     scope=scope, priority=rng.randrange(3), group=group)


def sample_request(lines: int = 50, promotions: int = 100, coupons: int = 10,
                   seed: int = 0) -> Request:
    rng = random.Random(seed)
    cart = tuple(_line(rng, i) for i in range(lines))
    promos: list[Promotion] = [
        Promotion("store-fr", "Spend more save more", "full_reduction",
                  {"tiers": [[20000, 1500], [50000, 5000], [100000, 12000]]},
                  group="platform_order"),
        Promotion("store-pct", "5% off everything", "percent_off",
                  {"percent_bp": 500, "cap_cents": 4000, "min_spend_cents": 10000},
                  group="platform_order"),
        Promotion("store-gift", "Free tote over 300", "gift",
                  {"gift_sku_id": "tote", "gift_value_cents": 1500, "min_spend_cents": 30000}),
        Promotion("store-ship", "Free shipping over 150", "free_shipping",
                  {"min_spend_cents": 15000}, group="shipping"),
        Promotion("pay-card", "Card instant rebate", "payment_instant",
                  {"channel": "card", "amount_cents": 1000, "min_spend_cents": 20000},
                  group="payment"),
        Promotion("pay-wallet", "Wallet rebate", "payment_instant",
                  {"channel": "wallet", "amount_cents": 1500}, group="payment"),
        Promotion("flash-excl", "Flash: 20% off brand b1", "percent_off",
                  {"percent_bp": 2000}, scope=Scope("brand", frozenset({"b1"})),
                  exclusive=True),
        Promotion("vip-excl", "VIP night 12% off", "percent_off",
                  {"percent_bp": 1200, "cap_cents": 10000}, exclusive=True),
    ]
    for m in MERCHANTS:
        promos.append(Promotion(f"{m}-off", f"{m} 10 off 80", "amount_off",
                                {"amount_cents": 1000, "min_spend_cents": 8000},
                                merchant_id=m, group=f"merchant:{m}"))
    k = 0
    while len(promos) < promotions * 3 // 10:
        promos.append(_cat_promo(rng, k))
        k += 1
    while len(promos) < promotions:  # products not in this cart
        promos.append(Promotion(
            f"prod{k:03d}", f"Product deal {k}", "percent_off", {"percent_bp": 1000},
            scope=Scope("product", frozenset({f"p{1000 + k}"})), group="item_deals"))
        k += 1
    for c in range(coupons):
        if c % 2:
            m = MERCHANTS[c % 5]
            promos.append(Promotion(
                f"cpn{c}", f"{m} coupon", "amount_off",
                {"amount_cents": 500 + 100 * c, "min_spend_cents": 5000 + 1000 * c},
                merchant_id=m, group=f"coupon:{m}", coupon_id=f"w{c}"))
        else:
            promos.append(Promotion(
                f"cpn{c}", "Platform coupon", "percent_off",
                {"percent_bp": 500 + 100 * c, "cap_cents": 2000 + 500 * c,
                 "min_spend_cents": 10000 * (c // 2)},
                group="coupon_platform", coupon_id=f"w{c}"))
    return Request(lines=cart, promotions=tuple(promos), shipping_fee=_fee,
                   payment_channel="card")
