"""What `flywheel demo --once` reports: one number per stage of the loop."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.events import lake
from transactional_api.events.models import OutboxEvent
from transactional_api.inventory import service as inventory
from transactional_api.orders.models import Order
from transactional_api.recommendations import keys
from transactional_api.search.keys import HOT_SEARCHES

MARTS = ("fct_orders", "fct_order_items", "dim_users", "dim_products", "fct_daily_kpis",
         "fct_sessions", "fct_funnel_daily", "fct_product_interactions", "dim_user_tags",
         "dim_skus", "fct_daily_stock_positions", "fct_stock_alerts", "fct_daily_searches",
         "fct_sub_orders", "fct_payments_by_channel", "fct_refunds", "fct_fulfilment",
         "fct_after_sales", "fct_payment_reconciliation",
         # the data platform's analytics (issue 9)
         "fct_funnel_sessions_daily", "fct_funnel_users_daily", "dim_visitors",
         "fct_attribution", "fct_campaign_roi", "fct_channel_contribution",
         "fct_product_abc", "fct_slow_movers", "fct_daily_revenue", "fct_customer_rfm",
         "fct_customer_cohorts", "fct_customer_lifetime_value", "fct_metric_anomalies",
         "fct_alerts", "fct_member_levels_daily", "fct_points_daily", "fct_user_auto_tags",
         "fct_reach_campaigns", "fct_risk_decisions_daily", "fct_user_risk_scores",
         # promotions and coupons (issue 12)
         "dim_promotions", "dim_coupon_templates", "fct_coupon_templates_daily",
         "fct_promotion_cost_daily", "fct_promotion_orders", "fct_price_floor_blocks_daily",
         # recommendations (issue 13)
         "fct_recommendation_performance_daily", "fct_recommendation_ab_daily",
         # growth plays (issue 14)
         "fct_flash_sales", "fct_group_buys", "fct_group_buy_fission",
         "fct_points_mall_redemptions", "fct_promoter_performance",
         "fct_landing_page_performance", "fct_slot_performance",
         # marketplace and supply chain (issue 15)
         "fct_merchant_performance", "fct_supplier_performance", "fct_sku_daily_demand",
         "fct_stock_cover", "fct_settlement_statements", "fct_merchant_settlement",
         # credit, currencies, languages and cross-border (issue 16)
         "fct_credit_book", "fct_credit_lines", "fct_installment_uptake",
         "fct_credit_funders", "fct_sales_by_market", "fct_translation_coverage",
         "fct_cross_border_orders")

# Runs in a child interpreter: transactional_api itself never imports duckdb.
_COUNT_MARTS = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {}
for name in sys.argv[2:]:
    try:
        out[name] = con.execute(f'select count(*) from marts.{name}').fetchone()[0]
    except duckdb.Error:
        out[name] = None
print(json.dumps(out))
"""


def oltp_counts(settings: Settings) -> dict[str, int]:
    engine = make_engine(settings.resolved_database_url)
    try:
        with Session(engine) as s:
            orders = s.scalar(select(func.count()).select_from(Order)) or 0
            paid, gmv = s.execute(
                select(func.count(), func.coalesce(func.sum(Order.total_cents), 0))
                .where(Order.paid_at.is_not(None))
            ).one()
            unpublished = s.scalar(
                select(func.count()).select_from(OutboxEvent)
                .where(OutboxEvent.published_at.is_(None))
            ) or 0
            shop = _catalog_counts(s)
            s.rollback()
    finally:
        engine.dispose()
    return {"orders": orders, "paid_orders": int(paid), "gmv_cents": int(gmv),
            "outbox_unpublished": unpublished, **shop}


def _catalog_counts(s: Session) -> dict[str, int | bool]:
    def products(status: str) -> int:
        return catalog.search_products(session=s, q=None, category_id=None, status=status,
                                       limit=1, offset=0)[1]

    return {"products_listed": products("listed"),
            "products_in_review": products("pending_review"),
            "locations": len(inventory.list_warehouses(session=s)),
            "low_stock_alerts": len(inventory.low_stock(session=s)),
            "stock_ledger_consistent": not inventory.ledger_mismatches(session=s)}


def outbox_pending(settings: Settings) -> int:
    return oltp_counts(settings)["outbox_unpublished"]


def landed_events(lake_dir: Path) -> int:
    total = 0
    for path in lake.landed_files(lake_dir):
        with path.open("rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def mart_counts(warehouse: Path) -> dict[str, int | None]:
    if not warehouse.exists():
        return {}
    done = subprocess.run([sys.executable, "-c", _COUNT_MARTS, str(warehouse), *MARTS],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["duckdb failed"]}
    return json.loads(done.stdout)


def published_features(redis_url: str | None) -> dict[str, Any]:
    if not redis_url:
        return {}
    client = redis.Redis.from_url(redis_url)
    try:
        prefix = keys.POPULAR.rsplit(":reco:", 1)[0]
        counts = {"item_recos": 0, "user_recos": 0, "user_tags": 0, "popular": 0,
                  "hot_searches": 0}
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            name = key.decode()
            if name == keys.POPULAR:
                counts["popular"] = len(json.loads(client.get(key) or b"[]"))
            elif name == HOT_SEARCHES:
                counts["hot_searches"] = len(json.loads(client.get(key) or b"[]"))
            elif ":reco:item:" in name:
                counts["item_recos"] += 1
            elif ":reco:user:" in name:
                counts["user_recos"] += 1
            elif ":tags:user:" in name:
                counts["user_tags"] += 1
        counts.update(_bundle(client))
        return counts
    except redis.RedisError as exc:
        return {"error": str(exc)}  # type: ignore[dict-item]
    finally:
        client.close()


def _bundle(client: redis.Redis) -> dict[str, Any]:
    """The recommendation bundle serving now: its version and what it holds."""
    current = client.get(keys.RECO_CURRENT)
    if current is None:
        return {"reco_version": "none"}
    meta = {k.decode(): v.decode() for k, v in client.hgetall(
        keys.reco_meta(current.decode())).items()}
    return {"reco_version": current.decode(), "reco_lists": meta.get("lists", "0"),
            "reco_high_potential_users": meta.get("high_potential_users", "0")}


def demo_summary(settings: Settings, redis_url: str | None) -> dict[str, Any]:
    warehouse = settings.published_warehouse_path
    if not warehouse.exists():
        warehouse = settings.resolved_warehouse_path
    return {
        "oltp": oltp_counts(settings),
        "events_landed": landed_events(settings.resolved_lake_dir),
        "marts": mart_counts(warehouse),
        "features": published_features(redis_url),
    }


def format_summary(summary: dict[str, Any]) -> str:
    o = summary["oltp"]
    lines = [
        f"{'orders':<32} {o['orders']}",
        f"{'paid orders':<32} {o['paid_orders']}",
        f"{'GMV':<32} {o['gmv_cents'] / 100:.2f}",
        f"{'events landed':<32} {summary['events_landed']}",
        f"{'outbox pending':<32} {o['outbox_unpublished']}",
        f"{'products listed / in review':<32} {o['products_listed']} / "
        f"{o['products_in_review']}",
        f"{'stock locations':<32} {o['locations']}",
        f"{'low-stock alerts open':<32} {o['low_stock_alerts']}",
        f"{'stock ledger consistent':<32} {o['stock_ledger_consistent']}",
    ]
    lines += [f"{'marts.' + name:<32} {n}" for name, n in summary["marts"].items()]
    lines += [f"{'redis ' + name:<32} {n}" for name, n in summary["features"].items()]
    return "\n".join(lines)
