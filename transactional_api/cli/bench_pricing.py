"""`flywheel bench pricing`: what a quote costs against many promotions and wallet coupons.

Starts a fresh API on a fresh var dir (bench_server.py), seeds through the API a catalog
of `--lines` products (5 merchants, 5 categories, 5 brands, floors on half the SKUs,
quantity tiers on a tenth) and a shopper, then measures the same `--lines`-line quote
(POST /v1/cart/quote) twice, from asyncio clients in this process (the API runs in its
own): first before any promotion exists (the reference, same run), then with
`--promotions` active promotions (the mix of pricing/engine/sample.py, made with the
admin API) and `--coupons` coupon templates granted to the shopper. Inside the API is the
quote's own Server-Timing (pricing;dur=…), over HTTP the client's latency. With --api the
running API's own promotions count too, so its reference is not promotion-free.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from transactional_api.cli.bench_server import bench_api

TARGET_P99_MS = 5.0
OFF_CART = 10  # products no cart line is in: targets of out-of-cart product promotions
_TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


def _q(values: list[float]) -> dict:
    # inclusive: on a short run p99 stays within what was measured
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 \
        else values * 99
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def _seed(api, lines: int, rng: random.Random) -> dict:
    """Merchants, categories (half of them empty), brands, products, a gift and a shopper."""
    run = uuid.uuid4().hex[:8]
    shop: dict = {"cart": [], "off_cart": []}
    with api.admin() as a:
        def made(path: str, body: dict) -> dict:
            return a.post(path, json=body).raise_for_status().json()

        merchants = [made("/v1/admin/merchants", {"name": f"Bench m{i}",
                                                  "slug": f"bench-{run}-m{i}"})["id"]
                     for i in range(5)]
        cats = [made("/v1/admin/categories", {"name": f"Bench c{i}",
                                              "slug": f"bench-{run}-c{i}"})["id"]
                for i in range(10)]
        brands = [made("/v1/admin/brands", {"name": f"Bench b{i} {run}",
                                            "slug": f"bench-{run}-b{i}"})["id"]
                  for i in range(5)]
        for i in range(lines + OFF_CART + 1):
            price = rng.randrange(300, 20000)
            p = made("/v1/admin/products", {
                "category_id": cats[rng.randrange(5)], "brand_id": brands[rng.randrange(5)],
                "merchant_id": merchants[i % 5], "name": f"Bench item {i}", "status": "listed",
                "skus": [{"code": f"B{run}-{i}", "name": "one", "price_cents": price,
                          "stock": 10_000}]})
            sku = p["skus"][0]
            row = {"product": p["id"], "sku": sku["id"], "price": price,
                   "quantity": rng.randint(1, 3)}
            shop["currency"] = sku["currency"]
            if i == lines + OFF_CART:
                shop["gift"] = sku["id"]
            elif i >= lines:
                shop["off_cart"].append(row)
                continue
            shop["cart"].append(row)
            if i % 2:
                a.put(f"/v1/admin/price-floors/{sku['id']}", json={
                    "floor_cents": price * 6 // 10, "basis": "cost"}).raise_for_status()
            if i % 10 == 3:
                a.put(f"/v1/admin/skus/{sku['id']}/prices/tiers", json={"tiers": [
                    {"min_quantity": 2, "unit_price_cents": price * 85 // 100}]}
                      ).raise_for_status()
    shop.update(cats=cats, brands=brands)
    with httpx.Client(base_url=api.url, timeout=60) as c:
        token = c.post("/v1/auth/register", json={
            "email": f"pricing-{run}@bench.local", "password": "bench-shopper-1"}
        ).raise_for_status().json()["token"]
        me = c.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    shop.update(token=token, user_id=me.raise_for_status().json()["id"])
    return shop


def promotion_bodies(shop: dict, n: int, rng: random.Random) -> list[dict]:
    """sample.py's mix: store-wide thresholds in stacking groups, every kind, two
    exclusives, then category deals (half on categories no line is in) and product deals
    (mostly on products not in the cart)."""
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(days=1)).isoformat(),
              "ends_at": (now + timedelta(days=30)).isoformat(), "currency": shop["currency"]}
    cart, cats, brands = shop["cart"], shop["cats"], shop["brands"]

    def promo(name, kind, params, scope=("store", []), group=None, **extra) -> dict:
        return {"name": name, "kind": kind, "params": params, "stacking_group": group,
                "scope": {"kind": scope[0], "ids": scope[1]}, **window, **extra}

    pair = cart[:2] if len(cart) >= 2 else shop["off_cart"][:2]
    out = [
        promo("Spend more save more", "full_reduction",
              {"tiers": [[20000, 1500], [50000, 5000], [100000, 12000]]},
              group="platform_order"),
        promo("5% off everything", "percent_off",
              {"percent_bp": 500, "cap_cents": 4000, "min_spend_cents": 10000},
              group="platform_order"),
        promo("Free tote over 300", "gift", {"gift_sku_id": shop["gift"],
                                             "gift_value_cents": 1500,
                                             "min_spend_cents": 30000}),
        promo("Free shipping over 150", "free_shipping", {"min_spend_cents": 15000},
              group="shipping"),
        promo("Card instant rebate", "payment_instant",
              {"channel": "card", "amount_cents": 1000, "min_spend_cents": 20000},
              group="payment"),
        promo("Wallet rebate", "payment_instant", {"channel": "wallet", "amount_cents": 1500},
              group="payment"),
        promo("Flash: 20% off a brand", "percent_off", {"percent_bp": 2000},
              ("brand", [brands[1]]), exclusive=True),
        promo("VIP night 12% off", "percent_off", {"percent_bp": 1200, "cap_cents": 10000},
              exclusive=True),
        promo("Bundle of two", "bundle_price",
              {"sku_ids": [r["sku"] for r in pair],
               "price_cents": sum(r["price"] for r in pair) * 8 // 10}),
        promo("Buy 2 get 1 in a category", "buy_x_get_y", {"buy": 2, "get": 1},
              ("category", [cats[0]]), group="item_deals"),
        promo("Second half price on a brand", "nth_item", {"n": 2, "percent_bp": 5000},
              ("brand", [brands[2]]), group="item_deals"),
        promo("5 off 80 on a brand", "amount_off",
              {"amount_cents": 500, "min_spend_cents": 8000}, ("brand", [brands[3]]),
              group="brand_deals"),
    ]
    k = 0
    while len(out) < n * 3 // 10:
        kind = rng.choice(["percent_off", "amount_off", "buy_x_get_y", "nth_item",
                           "full_reduction"])
        params = {"percent_off": {"percent_bp": rng.choice([500, 1000, 1500]),
                                  "cap_cents": 3000},
                  "amount_off": {"amount_cents": rng.choice([300, 500, 1000]),
                                 "min_spend_cents": rng.choice([0, 3000, 8000])},
                  "buy_x_get_y": {"buy": 2, "get": 1},
                  "nth_item": {"n": 2, "percent_bp": 5000},
                  "full_reduction": {"tiers": [[5000, 500], [10000, 1200]]}}[kind]
        out.append(promo(f"Category deal {k}", kind, params, ("category", [rng.choice(cats)]),
                         rng.choice([None, "category_deals", "item_deals", "item_deals"]),
                         priority=rng.randrange(3)))
        k += 1
    while len(out) < n:
        target = rng.choice(cart) if cart and k % 5 == 0 else rng.choice(shop["off_cart"])
        out.append(promo(f"Product deal {k}", "percent_off", {"percent_bp": 1000},
                         ("product", [target["product"]]), "item_deals"))
        k += 1
    return out[:n]


def coupon_bodies(shop: dict, n: int) -> list[dict]:
    """Every coupon kind in turn, some stacking together, some scoped."""
    out = []
    for c in range(n):
        kind, params, extra = [
            ("percent_off", {"percent_bp": 500 + 100 * c, "cap_cents": 2000 + 500 * c},
             {"stacking_group": "coupon_platform", "min_spend_cents": 10000 * (c // 5)}),
            ("full_reduction", {"tiers": [[5000 + 1000 * c, 500 + 100 * c]]},
             {"scope_kind": "category", "scope_ids": [shop["cats"][c % 5]]}),
            ("random_amount", {"min_cents": 100, "max_cents": 900},
             {"stacking_group": "coupon_platform"}),
            ("shipping", {"cap_cents": 800}, {}),
            ("new_user", {"amount_cents": 700},
             {"scope_kind": "brand", "scope_ids": [shop["brands"][c % 5]]}),
        ][c % 5]
        out.append({"name": f"Bench coupon {c}", "kind": kind, "params": params,
                    "currency": shop["currency"], "valid_days": 7, **extra})
    return out


def _create(api, promotions: list[dict], coupons: list[dict], user_id: str) -> None:
    with api.admin() as a:
        for i, body in enumerate(promotions, 1):
            pid = a.post("/v1/admin/promotions", json=body).raise_for_status().json()["id"]
            a.post(f"/v1/admin/promotions/{pid}/transitions",
                   json={"action": "activate"}).raise_for_status()
            if i % 25 == 0:
                print(f"  {i}/{len(promotions)} promotions active", flush=True)
        for body in coupons:
            base = "/v1/admin/coupon-templates"
            tid = a.post(base, json=body).raise_for_status().json()["id"]
            a.post(f"{base}/{tid}/transitions", json={"action": "activate"}
                   ).raise_for_status()
            a.post(f"{base}/{tid}/grant", json={"user_ids": [user_id]}).raise_for_status()


async def _load(url: str, token: str, body: dict, quotes: int, concurrency: int,
                label: str) -> dict:
    inside: list[float] = []
    latency: list[float] = []
    last: dict = {}
    errors = 0
    todo = iter(range(quotes))
    step = quotes // 4 if quotes >= 200 else 0  # progress on long runs

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors, last
        for n in todo:
            t0 = time.perf_counter()
            r = await client.post("/v1/cart/quote", json=body)
            latency.append((time.perf_counter() - t0) * 1000)
            if step and (n + 1) % step == 0:
                print(f"  {label}: {n + 1}/{quotes} quotes", flush=True)
            if r.status_code != 200:
                errors += 1
                continue
            found = dict(_TIMING.findall(r.headers.get("server-timing", "")))
            inside.append(float(found.get("pricing", 0.0)))
            last = r.json()

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    if not inside:
        raise SystemExit(f"no quote succeeded ({errors} errors)")
    return {"inside": _q(inside), "http": _q(latency), "errors": errors, "last": last}


def _measure(api, shop: dict, args, label: str) -> dict:
    body = {"items": [{"sku_id": r["sku"], "quantity": r["quantity"]} for r in shop["cart"]],
            "payment_channel": "card"}
    if args.warmup:  # also loads the active promotions into each worker's cache
        asyncio.run(_load(api.url, shop["token"], body, args.warmup, args.concurrency,
                          label + " warmup"))
    return asyncio.run(_load(api.url, shop["token"], body, args.quotes, args.concurrency,
                             label))


def cmd_bench_pricing(args: argparse.Namespace) -> int:
    from transactional_api.cli.bench import _admin_creds, _emit_json

    rng = random.Random(12)
    with bench_api(args.api, admin=_admin_creds(), workers=args.workers) as api:
        print(f"seeding {args.lines} products and a shopper on {api.url}", flush=True)
        shop = _seed(api, args.lines, rng)
        print(f"{args.quotes} quotes of {args.lines} lines, {args.concurrency} clients, "
              f"{args.workers} API workers", flush=True)
        ref = _measure(api, shop, args, "reference")
        print(f"creating {args.promotions} promotions and {args.coupons} coupons", flush=True)
        _create(api, promotion_bodies(shop, args.promotions, rng),
                coupon_bodies(shop, args.coupons), shop["user_id"])
        got = _measure(api, shop, args, "with promotions")
    applied = got["last"].get("applied", [])
    coupons_applied = sum(a["coupon_id"] is not None for a in applied)
    kinds = sorted({a["kind"] for a in applied})
    ratio50 = got["inside"]["p50"] / ref["inside"]["p50"]
    ratio99 = got["inside"]["p99"] / ref["inside"]["p99"]
    print(f"{'quote, ' + str(args.lines) + ' lines':34} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")
    for label, q in (("no promotions, in the API", ref["inside"]),
                     ("no promotions, over HTTP", ref["http"]),
                     ("with promotions, in the API", got["inside"]),
                     ("with promotions, over HTTP", got["http"])):
        print(f"{label:34} {q['p50']:8.3f} {q['p95']:8.3f} {q['p99']:8.3f} {q['max']:8.3f}")
    print(f"with promotions vs none, in the API: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x; "
          f"applied {len(applied) - coupons_applied} promotions and {coupons_applied} "
          f"coupons ({', '.join(kinds)}); {got['last'].get('combinations_evaluated', 0)} "
          f"combinations; target p99 {TARGET_P99_MS} ms in the API: "
          f"{'met' if got['inside']['p99'] <= TARGET_P99_MS else 'MISSED'}; "
          f"{ref['errors'] + got['errors']} errors", flush=True)
    _emit_json(args, {
        "bench": "pricing", "reference": "the same quote before any promotion",
        "quotes": args.quotes, "lines": args.lines, "promotions": args.promotions,
        "coupons": args.coupons, "concurrency": args.concurrency, "workers": args.workers,
        "reference_ms": ref["inside"], "reference_http_ms": ref["http"],
        "inside_api_ms": got["inside"], "http_ms": got["http"], "p50_ratio": ratio50,
        "p99_ratio": ratio99, "reference_applied": len(ref["last"].get("applied", [])),
        "applied_promotions": len(applied) - coupons_applied,
        "applied_coupons": coupons_applied, "applied_kinds": kinds,
        "combinations_evaluated": got["last"].get("combinations_evaluated", 0),
        "discount_cents": got["last"].get("discount_cents", 0),
        "errors": ref["errors"] + got["errors"], "target_p99_ms": TARGET_P99_MS,
        "inside_api_p99_under_target": got["inside"]["p99"] <= TARGET_P99_MS})
    return 1 if ref["errors"] or got["errors"] else 0


def add_bench_pricing(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("pricing", help="a many-line quote against many promotions")
    p.add_argument("--api", default=None,
                   help="measure a running API (default: start a fresh one)")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    for name, default in (("quotes", 1000), ("warmup", 50), ("lines", 50),
                          ("promotions", 100), ("coupons", 10), ("concurrency", 1)):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--workers", type=int, default=1,
                   help="API worker processes when the bench starts the API")
    p.set_defaults(func=cmd_bench_pricing)
