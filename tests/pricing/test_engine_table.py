"""Hand-worked carts × promotion sets. Every expected figure is worked out in the comment
from the rules in the engine's docstrings, never by calling the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.pricing._build import line, promo
from transactional_api.pricing.engine.model import PriceOffer, Request
from transactional_api.pricing.engine.solve import best_coupons, price


def fee_under(limit: int, fee: int):
    return lambda merchant_id, goods: fee if goods < limit else 0


@dataclass
class Row:
    name: str
    req: Request
    total: int
    applied: set[str] | None = None
    discounts: dict[str, int] | None = None  # sku -> line discount_cents
    rejected: dict[str, str] = field(default_factory=dict)  # promotion id -> reason
    kinds: dict[str, tuple[str, int]] | None = None  # sku -> (price_kind, unit price)
    shipping: dict[str, tuple[int, int]] | None = None  # merchant -> (fee, discount)
    blocks: set[tuple[str, str | None, int, int]] | None = None  # sku, promo, attempted, blocked
    gift: int = 0


def R(lines, promos=(), **kw):
    req_kw = {k: kw.pop(k) for k in ("shipping_fee", "payment_channel", "chosen_coupons")
              if k in kw}
    return Request(lines=tuple(lines), promotions=tuple(promos), **req_kw), kw


def row(name, lines, promos=(), *, total, **kw) -> Row:
    req, rest = R(lines, promos, **kw)
    return Row(name, req, total, **rest)


A, B, C = "a", "b", "c"
ROWS = [
    # 2×1999 = 3998
    row("no promotions", [line(A, 1999, 2)], total=3998, applied=set()),
    # 2×1999 + 3×500 = 5498; tier 5000→600 met; 5498−600 = 4898; 600×3998/5498 = 436.30,
    # 600×1500/5498 = 163.69 → 436 + 163 = 599, the cent to b (larger remainder)
    row("full reduction highest tier met", [line(A, 1999, 2), line(B, 500, 3)],
        [promo("fr", "full_reduction", tiers=[[3000, 300], [5000, 600]])],
        total=4898, applied={"fr"}, discounts={A: 436, B: 164}),
    # 4000 meets only the 3000 tier → 300 off → 3700
    row("full reduction lower tier", [line(A, 4000)],
        [promo("fr", "full_reduction", tiers=[[3000, 300], [5000, 600]])], total=3700),
    # 10000 × 1500bp = 1500, capped at 1000 → 9000
    row("percent off capped", [line(A, 10000)],
        [promo("pct", "percent_off", percent_bp=1500, cap_cents=1000)], total=9000),
    # 999 × 1000bp = 99.9 → 99 (round down) → 900
    row("percent off rounds down", [line(A, 999)],
        [promo("pct", "percent_off", percent_bp=1000)], total=900, discounts={A: 99}),
    # amount 500 on a 300 scope → 300 only → 0, no floor block
    row("amount off never beyond scope", [line(A, 300)],
        [promo("amt", "amount_off", amount_cents=500)], total=0, blocks=set()),
    # 2000 < min spend 3000 → nothing
    row("amount off threshold not met", [line(A, 2000)],
        [promo("amt", "amount_off", amount_cents=500, min_spend_cents=3000)],
        total=2000, applied=set(), rejected={"amt": "threshold_not_met"}),
    # 100 over three equal 1000 lines: 33 r1 each → 34/33/33; 3000 − 100 = 2900
    row("largest remainder 34/33/33", [line(A, 1000), line(B, 1000), line(C, 1000)],
        [promo("amt", "amount_off", amount_cents=100)],
        total=2900, discounts={A: 34, B: 33, C: 33}),
    # units 2×1000, 1×600, 3×400 = 6 → 2 sets of 3 → 2 cheapest free: two c at 400 = 800;
    # 2000 + 600 + 1200 − 800 = 3000
    row("buy 2 get 1", [line(A, 1000, 2), line(B, 600), line(C, 400, 3)],
        [promo("bxgy", "buy_x_get_y", buy=2, get=1)], total=3000,
        discounts={A: 0, B: 0, C: 800}),
    # 3 units of 500 → 1 set of 2 → 1 free; tie on price → sku "a" first; 1500 − 500 = 1000
    row("buy 1 get 1 tie goes by sku", [line(B, 500), line(A, 500, 2)],
        [promo("bxgy", "buy_x_get_y", buy=1, get=1)], total=1000, discounts={A: 500, B: 0}),
    # units by price desc: 1000, 800, 800, 301; every 2nd (positions 1, 3): 800 → 400 and
    # 301 → 150 (150.5 down); 1000 + 1600 + 301 − 550 = 2351
    row("nth item half off", [line(A, 1000), line(B, 800, 2), line(C, 301)],
        [promo("nth", "nth_item", n=2, percent_bp=5000)], total=2351,
        discounts={A: 0, B: 400, C: 150}),
    # x 1200×2, y 800×3: 2 sets at 1500 → (2000−1500)×2 = 1000 off, split over the set
    # units 2400:1600 → 600/400; 2400 + 2400 − 1000 = 3800
    row("bundle price", [line("x", 1200, 2), line("y", 800, 3)],
        [promo("bun", "bundle_price", sku_ids=["x", "y"], price_cents=1500)],
        total=3800, discounts={"x": 600, "y": 400}),
    # y missing → no bundle
    row("bundle incomplete", [line("x", 1200)],
        [promo("bun", "bundle_price", sku_ids=["x", "y"], price_cents=1500)],
        total=1200, applied=set(), rejected={"bun": "not_in_scope"}),
    # 6000 ≥ 5000 → gift worth 800, nothing off
    row("gift met", [line(A, 6000)],
        [promo("gift", "gift", gift_sku_id="tote", gift_value_cents=800,
               min_spend_cents=5000)], total=6000, applied={"gift"}, gift=800),
    # 4000 < 5000 → no gift
    row("gift not met", [line(A, 4000)],
        [promo("gift", "gift", gift_sku_id="tote", gift_value_cents=800,
               min_spend_cents=5000)], total=4000, applied=set(),
        rejected={"gift": "threshold_not_met"}),
    # list 1000, member 900, promo 850, flash 850 → 850, promo before flash on the tie
    row("promo beats flash on a tie", [line(A, 1000, offers=(
        PriceOffer("member", 900), PriceOffer("flash", 850), PriceOffer("promo", 850)))],
        total=850, kinds={A: ("promo", 850)}),
    # a: qty 2 < tier min 3 → list 2×1000; b: qty 3 → tier 800 → 2400; 2000 + 2400
    row("tier price from its quantity", [
        line(A, 1000, 2, offers=(PriceOffer("tier", 800, min_quantity=3),)),
        line(B, 1000, 3, offers=(PriceOffer("tier", 800, min_quantity=3),))],
        total=4400, kinds={A: ("list", 1000), B: ("tier", 800)}),
    # member 1000 = list 1000 → list wins
    row("list wins a tie", [line(A, 1000, offers=(PriceOffer("member", 1000),))],
        total=1000, kinds={A: ("list", 1000)}),
    # flash 500 under floor 600 → 600 × 2 = 1200; blocked (600−500)×2 = 200
    row("base price raised to floor", [line(A, 1000, 2, floor=600,
                                            offers=(PriceOffer("flash", 500),))],
        total=1200, kinds={A: ("flash", 600)}, blocks={(A, None, 500, 200)}),
    # category apparel covers the shoes line (ancestor); 2000 × 10% = 200; books untouched
    row("category scope covers sub-categories",
        [line(A, 2000, cats=("shoes", "apparel")), line(B, 1000, cats=("books",))],
        [promo("pct", "percent_off", scope=("category", "apparel"), percent_bp=1000)],
        total=2800, discounts={A: 200, B: 0}),
    # brand nike only: 300 off the nike line
    row("brand scope", [line(A, 1000, brand="nike"), line(B, 1000, brand="adidas")],
        [promo("amt", "amount_off", scope=("brand", "nike"), amount_cents=300)],
        total=1700, discounts={A: 300, B: 0}),
    # funded by m2 with a store scope: only m2's line takes the 500
    row("merchant-funded stays on its lines",
        [line(A, 1000, merchant="m1"), line(B, 1000, merchant="m2")],
        [promo("m2off", "amount_off", merchant="m2", amount_cents=500)],
        total=1500, discounts={A: 0, B: 500}),
    # item lane: 2 units of 3000, buy 1 get 1 → 3000 left; the order offer needs 5000 on
    # what is left → not met. Alone: bxgy 3000, amt 5500 → bxgy alone, 3000
    row("threshold measured after the item lane", [line(A, 3000, 2)],
        [promo("bxgy", "buy_x_get_y", buy=1, get=1),
         promo("amt", "amount_off", amount_cents=500, min_spend_cents=5000)],
        total=3000, applied={"bxgy"}, rejected={"amt": "threshold_not_met"}),
    # exclusive 20% = 2000 beats stacked 1000 + 800 = 1800 → 8000
    row("exclusive wins", [line(A, 10000)],
        [promo("ex", "percent_off", percent_bp=2000, exclusive=True),
         promo("o1", "amount_off", amount_cents=1000), promo("o2", "amount_off",
                                                            amount_cents=800)],
        total=8000, applied={"ex"}, rejected={"o1": "exclusive_conflict",
                                              "o2": "exclusive_conflict"}),
    # exclusive 15% = 1500 < stacked 1800 → 10000 − 1800 = 8200
    row("stacking beats exclusive", [line(A, 10000)],
        [promo("ex", "percent_off", percent_bp=1500, exclusive=True),
         promo("o1", "amount_off", amount_cents=1000), promo("o2", "amount_off",
                                                            amount_cents=800)],
        total=8200, applied={"o1", "o2"}, rejected={"ex": "exclusive_conflict"}),
    # one per group: 700 beats 500 → 9300
    row("one offer per group", [line(A, 10000)],
        [promo("g500", "amount_off", amount_cents=500, group="g"),
         promo("g700", "amount_off", amount_cents=700, group="g")],
        total=9300, applied={"g700"}, rejected={"g500": "group_conflict"}),
    # promotion and coupon in one group, both 500 → same total → fewer coupons: keep it
    row("tie keeps the coupon for later", [line(A, 10000)],
        [promo("p", "amount_off", amount_cents=500, group="g"),
         promo("c", "amount_off", amount_cents=500, group="g", coupon="w1")],
        total=9500, applied={"p"}, rejected={"c": "group_conflict"}),
    # engine chooses: both coupons, 500 + 300 → 9200
    row("best coupons chosen by the engine", [line(A, 10000)],
        [promo("c1", "amount_off", amount_cents=500, coupon="w1"),
         promo("c2", "amount_off", amount_cents=300, coupon="w2")],
        total=9200, applied={"c1", "c2"}),
    # shopper chose w2 only: 300 off → 9700; w1 is not a candidate, "zz" is unknown
    row("chosen coupons only", [line(A, 10000)],
        [promo("c1", "amount_off", amount_cents=500, coupon="w1"),
         promo("c2", "amount_off", amount_cents=300, coupon="w2")],
        chosen_coupons=frozenset({"w2", "zz"}),
        total=9700, applied={"c2"}, rejected={"": "not_in_wallet"}),
    # chosen coupon needs 20000, cart is 10000 → rejected, full price
    row("chosen coupon cannot apply", [line(A, 10000)],
        [promo("c3", "amount_off", amount_cents=900, min_spend_cents=20000, coupon="w3")],
        chosen_coupons=frozenset({"w3"}), total=10000, applied=set(),
        rejected={"c3": "threshold_not_met"}),
    # 400 over 1000:1000 → 200/200; a's headroom 1000−900 = 100 → the other 100 to b
    row("floor caps a line, the rest goes to the other",
        [line(A, 1000, floor=900), line(B, 1000)],
        [promo("amt", "amount_off", amount_cents=400)],
        total=1600, discounts={A: 100, B: 300}, blocks=set()),
    # headrooms 100 and 50 → 150 given, 250 blocked; missed 100:150 → blocks 100 and 150,
    # reaching 900−100 = 800 and 950−150 = 800; 2000 − 150 = 1850
    row("floors block what no line can take",
        [line(A, 1000, floor=900), line(B, 1000, floor=950)],
        [promo("amt", "amount_off", amount_cents=400)],
        total=1850, discounts={A: 100, B: 50},
        blocks={(A, "amt", 800, 100), (B, "amt", 800, 150)}),
    # fees 500 each (goods 3000, 2000 < 5000); goods 5000 ≥ 4000 → both fees off → 5000
    row("free shipping takes every fee",
        [line(A, 3000, merchant="m1"), line(B, 2000, merchant="m2")],
        [promo("fs", "free_shipping", min_spend_cents=4000)],
        shipping_fee=fee_under(5000, 500), total=5000,
        shipping={"m1": (500, 500), "m2": (500, 500)}),
    # cap 600 over fees 500:500 → 300/300; 5000 + 1000 − 600 = 5400
    row("free shipping capped",
        [line(A, 3000, merchant="m1"), line(B, 2000, merchant="m2")],
        [promo("fs", "free_shipping", cap_cents=600)],
        shipping_fee=fee_under(5000, 500), total=5400,
        shipping={"m1": (500, 300), "m2": (500, 300)}),
    # goods 3000 → no fee; 200 off → 2800 < 3000 → fee 500 → 3300 > 3000: keep nothing
    row("a discount that brings a fee is not better", [line(A, 3000)],
        [promo("amt", "amount_off", amount_cents=200)],
        shipping_fee=fee_under(3000, 500), total=3000, applied=set(),
        rejected={"amt": "not_better"}, shipping={"m1": (0, 0)}),
    # same, with free shipping: 2800 + 500 − 500 = 2800 beats 3000
    row("free shipping kept for the fee a discount brings", [line(A, 3000)],
        [promo("amt", "amount_off", amount_cents=200),
         promo("fs", "free_shipping")],
        shipping_fee=fee_under(3000, 500), total=2800, applied={"amt", "fs"},
        shipping={"m1": (500, 500)}),
    # m2's free shipping only covers m2's fee: 5000 + 500 + 500 − 500 = 5500
    row("merchant free shipping",
        [line(A, 3000, merchant="m1"), line(B, 2000, merchant="m2")],
        [promo("fs2", "free_shipping", merchant="m2")],
        shipping_fee=fee_under(5000, 500), total=5500,
        shipping={"m1": (500, 0), "m2": (500, 500)}),
    # m1's line is digital: only m2 ships; 1000 + 2000 + 500
    row("no fee for a merchant that ships nothing",
        [line(A, 1000, merchant="m1", shippable=False), line(B, 2000, merchant="m2")],
        shipping_fee=fee_under(5000, 500), total=3500, shipping={"m2": (500, 0)}),
    # card matches, 2000 ≥ 1000 → 300 off
    row("payment channel matches", [line(A, 2000)],
        [promo("pay", "payment_instant", channel="card", amount_cents=300,
               min_spend_cents=1000)], payment_channel="card", total=1700),
    # paid by wallet → nothing
    row("payment channel mismatch", [line(A, 2000)],
        [promo("pay", "payment_instant", channel="card", amount_cents=300)],
        payment_channel="wallet", total=2000, applied=set(),
        rejected={"pay": "wrong_payment_channel"}),
    # amount_off 600 → 1400 < 1500 → the payment offer fails after it; alone 1700 vs 1400
    row("payment threshold after the order lane", [line(A, 2000)],
        [promo("amt", "amount_off", amount_cents=600),
         promo("pay", "payment_instant", channel="card", amount_cents=300,
               min_spend_cents=1500)],
        payment_channel="card", total=1400, applied={"amt"},
        rejected={"pay": "threshold_not_met"}),
    # priority 1 percent first: 10000 − 1000 = 9000 < 9500 → the 500 fails → 9000 is best
    # of {pct} 9000, {amt} 9500, both 9000 (amt takes nothing)
    row("higher priority applies first", [line(A, 10000)],
        [promo("pct", "percent_off", percent_bp=1000, priority=1),
         promo("amt", "amount_off", amount_cents=500, min_spend_cents=9500)],
        total=9000, applied={"pct"}, rejected={"amt": "threshold_not_met"}),
    # amt first (priority 5): 10000 − 500 = 9500, then 10% of 9500 = 950 → 8550
    row("priority reversed", [line(A, 10000)],
        [promo("pct", "percent_off", percent_bp=1000, priority=1),
         promo("amt", "amount_off", amount_cents=500, min_spend_cents=9500, priority=5)],
        total=8550, applied={"pct", "amt"}, discounts={A: 1450}),
]


@pytest.mark.parametrize("r", ROWS, ids=[r.name for r in ROWS])
def test_table(r: Row):
    out = price(r.req)
    assert out.total_cents == r.total
    if r.applied is not None:
        assert {a.promotion_id for a in out.applied} == r.applied
    if r.discounts is not None:
        assert {ln.sku_id: ln.discount_cents for ln in out.lines} == r.discounts
    got_rejected = {x.promotion_id: x.reason for x in out.rejected}
    for pid, reason in r.rejected.items():
        assert got_rejected.get(pid) == reason, (pid, out.rejected)
    if r.kinds is not None:
        assert {ln.sku_id: (ln.price_kind, ln.unit_price_cents) for ln in out.lines} == r.kinds
    if r.shipping is not None:
        assert {s.merchant_id: (s.fee_cents, s.discount_cents) for s in out.shipping} == (
            r.shipping)
    if r.blocks is not None:
        assert {(b.sku_id, b.promotion_id, b.attempted_unit_cents, b.blocked_cents)
                for b in out.floor_blocks} == r.blocks
    assert sum(a.gift_value_cents for a in out.applied) == r.gift


def test_at_least_thirty_rows():
    assert len(ROWS) >= 30


def test_best_coupons_ranks_savings():
    # w1 500 off, w2 300 off, w3 needs 20000: ranked 500, 300, 0 (threshold_not_met);
    # without coupons 10000, so totals 9500 and 9700
    req, _ = R([line(A, 10000)], [
        promo("c2", "amount_off", amount_cents=300, coupon="w2"),
        promo("c3", "amount_off", amount_cents=900, min_spend_cents=20000, coupon="w3"),
        promo("c1", "amount_off", amount_cents=500, coupon="w1"),
    ])
    got = [(c.coupon_id, c.saving_cents, c.total_cents, c.reason) for c in best_coupons(req)]
    assert got == [("w1", 500, 9500, None), ("w2", 300, 9700, None),
                   ("w3", 0, 10000, "threshold_not_met")]


def test_best_coupons_measures_against_the_best_without_coupons():
    # a 700 promotion and a 500 coupon share a group: the coupon saves nothing over it
    req, _ = R([line(A, 10000)], [
        promo("p", "amount_off", amount_cents=700, group="g"),
        promo("c", "amount_off", amount_cents=500, group="g", coupon="w1"),
    ])
    (only,) = best_coupons(req)
    assert (only.saving_cents, only.total_cents, only.reason) == (0, 9300, "group_conflict")
