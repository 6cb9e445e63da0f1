"""simulate(): load the plan, replay it against the API day by day, settle payments."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tqdm import tqdm

from transactional_api.simulator.aftercare import Aftercare, reconcile
from transactional_api.simulator.campaigns import record_campaign_costs
from transactional_api.simulator.catalog import (
    build_demo_catalog,
    build_olist_catalog,
    load_catalog,
)
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.marketplace import Marketplace
from transactional_api.simulator.members import SimMembers
from transactional_api.simulator.operations import Operations
from transactional_api.simulator.plays import Plays
from transactional_api.simulator.promotions import DemoOffers, SimPromotions
from transactional_api.simulator.reach import SimReach
from transactional_api.simulator.recommendations import SimRecommendations
from transactional_api.simulator.shoppers import Plan, PlannedProduct, plan_simulation
from transactional_api.simulator.showcase import load_showcase
from transactional_api.simulator.visits import TrackedOrder, VisitRunner

log = logging.getLogger(__name__)

PAID_STATUSES = frozenset({"paid", "preparing", "shipped", "delivered", "completed",
                           "after_sales"})


@dataclass
class SimulationSummary:
    shoppers: int
    days: int
    visits: int
    events_sent: int
    events_accepted: int
    events_rejected: int
    registrations: int
    orders: int
    payment_attempts: int
    paid_orders: int
    cancellations: int
    expired: int
    shipped: int
    completed: int
    intercepted: int
    previews: int
    returns: int
    invoices: int
    wallet_gifts: int
    payments_by_channel: dict[str, int]
    reconciliation_mismatches: int
    still_pending: int
    requests: int
    elapsed_seconds: float
    reviews: int = 0
    code_sign_ins: dict[str, int] | None = None  # by method: email_code, phone_code
    shares: int = 0
    welcome_gifts: int = 0
    points_orders: int = 0  # orders placed paying part with points
    points_spent: int = 0
    reach_clicks: int = 0
    reach_purchases: int = 0  # orders paid after a reach message's click
    coupon_claims: int = 0  # claimable and shipping coupons claimed (demo offers)
    new_user_coupons: int = 0
    codes_redeemed: int = 0
    best_coupon_asks: int = 0
    recommendations_shown: int = 0  # recommended items seen (recommendation_shown events)
    recommendation_clicks: int = 0
    recommendation_cart_adds: int = 0  # clicked items then put in the cart
    plays: dict[str, Any] = field(default_factory=dict)  # group buys, mall, flash sale, ...
    marketplace: dict[str, Any] = field(default_factory=dict)  # merchants, suppliers, ...

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def planned_catalog(client: ApiClient) -> list[PlannedProduct]:
    """The shop's products in an order that does not depend on server-assigned ids."""
    slugs = {c["id"]: c.get("slug") or c["name"] for c in client.get("/v1/categories")["items"]}
    products = sorted(client.all_products(), key=lambda p: (p["name"], p["id"]))
    return [
        PlannedProduct(
            product_id=p["id"],
            category=slugs.get(p["category_id"], str(p["category_id"])),
            name=p["name"],
            sku_ids=tuple(s["id"] for s in sorted(p["skus"], key=lambda s: s["code"])),
        )
        for p in products
        # virtual goods take a recipient, not a cart line: shoppers buy them elsewhere
        if p.get("skus") and p["skus"][0].get("kind") != "virtual"
    ]


def ensure_catalog(client: ApiClient, *, admin_token: str, seed: int,
                   olist: Path | None = None, clock: datetime | None = None) -> int:
    """Load a catalog when the shop has none; returns the number of products created."""
    page = client.get("/v1/products", params={"limit": 1})
    if page.get("total", len(page["items"])) > 0:
        return 0
    spec = build_olist_catalog(olist, seed) if olist else build_demo_catalog(seed)
    created = load_catalog(client, admin_token=admin_token, spec=spec, clock=clock)["products"]
    load_showcase(client, admin_token=admin_token, clock=clock or datetime.now(UTC))
    return created


def _order_status(client: ApiClient, order: TrackedOrder) -> str:
    return client.get(f"/v1/orders/{order.order_id}", token=order.token)["status"]


def wait_for_payments(client: ApiClient, orders: list[TrackedOrder],
                      timeout: float = 30.0) -> list[TrackedOrder]:
    """Poll until every order meant to be paid is paid (callbacks are async); returns laggards."""
    waiting = [o for o in orders if o.expect_paid and not o.cancelled]
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        waiting = [o for o in waiting if _order_status(client, o) not in PAID_STATUSES]
        if waiting:
            time.sleep(0.05)
    return waiting


def simulate(
    api_url: str,
    shoppers: int,
    days: int,
    seed: int,
    admin_email: str | None = None,
    admin_password: str | None = None,
    progress: bool = True,
    *,
    olist: Path | None = None,
    now: datetime | None = None,
    payment_timeout: float = 30.0,
    offers: DemoOffers | None = None,
) -> SimulationSummary:
    started = time.monotonic()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    with ApiClient(api_url) as client:
        client.wait_healthy()
        admin_token = None
        if admin_email and admin_password:
            admin_token = client.login(admin_email, admin_password)
            ensure_catalog(client, admin_token=admin_token, seed=seed, olist=olist,
                           clock=now - timedelta(days=days))
        catalog = planned_catalog(client)
        market = Marketplace(client, admin_token, seed)  # after the shoppers' catalog
        market.onboard(clock=now - timedelta(days=days))
        if not catalog:
            raise RuntimeError("the shop has no products; pass admin credentials to load one")
        plan = plan_simulation(seed=seed, shoppers=shoppers, days=days, catalog=catalog, now=now)
        record_campaign_costs(client, admin_token=admin_token, plan=plan, seed=seed)
        members = SimMembers(client, admin_token, seed)
        promos = SimPromotions(client, seed, offers)
        runner = VisitRunner(client, random.Random(f"events:{seed}"), members=members,
                             promotions=promos,
                             recommendations=SimRecommendations(client, seed, catalog))
        fulfilment = Operations(client, admin_token, seed,
                                run_tag=f"{seed}-{plan.day_ends[-1]:%Y%m%d%H%M%S}")
        aftercare = Aftercare(client, admin_token, seed)
        reach = SimReach(client, admin_token, seed, runner=runner, catalog=catalog)
        plays = Plays(client, admin_token, seed, catalog, runner)
        plays.setup(plan.day_ends[0] - timedelta(days=1), plan.day_ends[-1])
        market.supply(catalog, plan.day_ends[0] - timedelta(days=1), plan.day_ends[-1])
        market.sell(plan.day_ends[0] - timedelta(hours=23))
        _replay(plan, runner, fulfilment, aftercare, shoppers, progress, reach, plays)
        plays.finish(plan.shoppers)
        market.accept_suggestion()
        laggards = wait_for_payments(client, runner.orders, payment_timeout)
        mismatches = reconcile(client, admin_token, list(plan.day_ends))
        if laggards:
            log.warning("%d orders still unpaid after %.0fs", len(laggards), payment_timeout)
        paid = sum(
            1 for o in runner.orders
            if o.expect_paid and not o.cancelled and o not in laggards
        )
        c = runner.counters
        return SimulationSummary(
            shoppers=shoppers, days=days, visits=c.visits, events_sent=c.events_sent,
            events_accepted=c.events_accepted, events_rejected=c.events_rejected,
            registrations=c.registrations, orders=c.orders,
            payment_attempts=c.payment_attempts, paid_orders=paid,
            cancellations=c.cancellations, expired=fulfilment.expired,
            shipped=fulfilment.shipped_count, completed=fulfilment.completed,
            intercepted=fulfilment.intercepted, previews=c.previews,
            returns=aftercare.returns, invoices=aftercare.invoices,
            wallet_gifts=aftercare.gifts, payments_by_channel=dict(c.by_channel),
            reconciliation_mismatches=mismatches,
            still_pending=len(laggards), requests=client.requests_sent,
            elapsed_seconds=round(time.monotonic() - started, 2),
            reviews=aftercare.reviewer.reviews,
            code_sign_ins=dict(members.counters.code_sign_ins),
            shares=members.counters.shares, welcome_gifts=members.counters.welcome_gifts,
            points_orders=members.counters.points_orders,
            points_spent=members.counters.points_spent,
            reach_clicks=reach.clicked, reach_purchases=reach.purchases,
            coupon_claims=promos.counters.claims,
            new_user_coupons=promos.counters.new_user_claims,
            codes_redeemed=promos.counters.codes_redeemed,
            best_coupon_asks=promos.counters.best_asked,
            recommendations_shown=runner.recommendations.counters.shown,
            recommendation_clicks=runner.recommendations.counters.clicked,
            recommendation_cart_adds=runner.recommendations.counters.added,
            plays=plays.summary(),
            marketplace=market.counters,
        )


def _replay(plan: Plan, runner: VisitRunner, fulfilment: Operations, aftercare: Aftercare,
            shoppers: int, progress: bool, reach: SimReach | None = None,
            plays: Plays | None = None) -> None:
    bar = tqdm(total=shoppers * len(plan.days), unit="visit", disable=not progress,
               desc="simulating")
    try:
        for day, day_end in enumerate(plan.day_ends):
            todays = [v for v in plan.visits if v.day == day]
            first_order = len(runner.orders)
            for visit in todays:
                runner.run(visit, plan.shoppers[visit.shopper])
                bar.update(1)
            bar.update(shoppers - len(todays))  # slots where the shopper stayed away
            if reach is not None:  # before the day's operations: its clicks may buy
                reach.end_of_day(plan.shoppers, day, day_end)
            if plays is not None:
                plays.end_of_day(plan.shoppers, day, day_end - timedelta(days=1), day_end)
            day_orders = runner.orders[first_order:]
            wait_for_payments(runner.client, day_orders, timeout=10.0)
            fulfilment.end_of_day(day_orders, day_end)
            aftercare.end_of_day(fulfilment.shipped_today, day_end)
            bar.set_postfix(orders=len(runner.orders), events=runner.counters.events_sent)
    finally:
        bar.close()
