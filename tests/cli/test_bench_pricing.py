"""`flywheel bench pricing`: its promotion and coupon mix as the admin API takes it, and
the whole bench at a tiny size (it starts its own API, seeds, quotes before and after the
promotions) so it never rots. Nothing here asserts speed."""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import get_args

import pytest

from transactional_api.cli.bench_pricing import coupon_bodies, promotion_bodies
from transactional_api.cli.main import main
from transactional_api.pricing.admin_schemas import PARAMS, PromotionIn, PromotionKind
from transactional_api.pricing.coupon_schemas import Kind as CouponKind
from transactional_api.pricing.coupon_schemas import TemplateIn
from transactional_api.pricing.coupon_templates import check_params


def _shop(lines: int = 50) -> dict:
    row = {"product": "p", "sku": "s", "price": 1000, "quantity": 1}
    return {"currency": "USD", "gift": "gift-sku", "cats": [f"c{i}" for i in range(10)],
            "brands": [f"b{i}" for i in range(5)],
            "cart": [{**row, "product": f"p{i}", "sku": f"s{i}"} for i in range(lines)],
            "off_cart": [{**row, "product": f"x{i}", "sku": f"y{i}"} for i in range(10)]}


def test_the_promotion_mix_is_realistic_and_valid_for_the_admin_api():
    bodies = promotion_bodies(_shop(), 100, random.Random(1))
    assert len(bodies) == 100
    for b in bodies:  # what POST /v1/admin/promotions would refuse fails here
        PromotionIn.model_validate(b)
        PARAMS[b["kind"]].model_validate(b["params"])
    kinds = Counter(b["kind"] for b in bodies)
    assert set(kinds) == set(get_args(PromotionKind))  # every kind at least once
    scopes = Counter(b["scope"]["kind"] for b in bodies)
    assert scopes["store"] < 15 and scopes["category"] + scopes["product"] > 70
    assert sum(b["exclusive"] for b in bodies if "exclusive" in b) == 2
    groups = {b["stacking_group"] for b in bodies} - {None}
    assert len(groups) >= 4
    thresholds = [b for b in bodies if b["params"].get("min_spend_cents")
                  or b["kind"] == "full_reduction"]
    assert len(thresholds) >= 5
    # product deals mostly aim at products no cart line is in (the loader skips them)
    product_ids = [b["scope"]["ids"][0] for b in bodies if b["scope"]["kind"] == "product"]
    assert sum(p.startswith("x") for p in product_ids) > len(product_ids) / 2
    channels = {b["params"]["channel"] for b in bodies if b["kind"] == "payment_instant"}
    assert channels == {"card", "wallet"}


def test_a_smaller_mix_keeps_its_size():
    assert len(promotion_bodies(_shop(5), 8, random.Random(1))) == 8


def test_the_coupons_are_every_kind_and_valid_templates():
    bodies = coupon_bodies(_shop(), 10)
    assert len(bodies) == 10
    for b in bodies:
        TemplateIn.model_validate(b)
        check_params(b["kind"], b["params"])
    assert {b["kind"] for b in bodies} == set(get_args(CouponKind))


@pytest.mark.slow
def test_bench_pricing_reports_quotes_before_and_after_the_promotions(capsys):
    assert main(["bench", "pricing", "--quotes", "20", "--warmup", "2", "--lines", "5",
                 "--promotions", "14", "--coupons", "3", "--concurrency", "2",
                 "--json"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["bench"] == "pricing" and figures["errors"] == 0
    assert (figures["quotes"], figures["lines"], figures["promotions"], figures["coupons"],
            figures["concurrency"], figures["workers"]) == (20, 5, 14, 3, 2, 1)
    for key in ("reference_ms", "inside_api_ms", "http_ms"):
        q = figures[key]
        assert 0 < q["p50"] <= q["p95"] <= q["p99"] <= q["max"]
    # the pricing inside the API is a part of the request the client timed
    assert figures["inside_api_ms"]["p50"] < figures["http_ms"]["p50"]
    assert figures["p50_ratio"] == pytest.approx(
        figures["inside_api_ms"]["p50"] / figures["reference_ms"]["p50"])
    assert figures["p99_ratio"] == pytest.approx(
        figures["inside_api_ms"]["p99"] / figures["reference_ms"]["p99"])
    # the reference had nothing to apply; afterwards the seeded promotions do apply
    assert figures["reference_applied"] == 0
    assert 0 < figures["applied_promotions"] <= 14
    assert figures["applied_coupons"] <= 3 and figures["discount_cents"] > 0
    assert figures["target_p99_ms"] == 5.0
    assert figures["inside_api_p99_under_target"] == (figures["inside_api_ms"]["p99"] <= 5.0)
    assert "with promotions vs none" in out
