"""Train every storefront model from the marts and publish them to Redis as one version.

One asset rather than one per model: the bundle is switched in by one pointer, so the
storefront never serves lists of two different runs side by side; a failed run publishes
nothing and the previous version keeps serving (pipelines/serve/recommendations.py).
"""

import uuid
from datetime import UTC, datetime, timedelta

import dagster as dg
import duckdb
import pandas as pd

from pipelines.resources import RedisResource, WarehouseResource
from pipelines.serve.recommendations import publish_bundle
from recommender.bundle import Inputs, train_bundle
from recommender.offline.warehouse import INTERACTIONS, ORDERS, REGIONS, SEGMENTS
from recommender.trending import user_regions

CATEGORIES = "select product_id, category_id from marts.dim_products"
SESSIONS = "select * from marts.fct_sessions"
LIVE_HOURS = 24  # sessions scored for intent: those started in the last day of data
MARTS = ("fct_product_interactions", "fct_order_items", "dim_products",
         "fct_customer_rfm", "fct_sub_orders", "fct_sessions")


def _optional(conn, sql: str) -> pd.DataFrame | None:
    try:
        return conn.execute(sql).df()
    except duckdb.CatalogException:
        return None  # a mart not built yet: its model is left out


def read_inputs(warehouse: WarehouseResource) -> Inputs:
    with warehouse.connect(read_only=True) as conn:
        interactions = conn.execute(INTERACTIONS).df()
        orders = _optional(conn, ORDERS)
        categories = _optional(conn, CATEGORIES)
        segments = _optional(conn, SEGMENTS)
        regions = _optional(conn, REGIONS)
        sessions = _optional(conn, SESSIONS)
    live = None
    if sessions is not None and len(sessions):
        start = pd.to_datetime(sessions["session_start_at"], utc=True)
        live = sessions[start >= start.max() - timedelta(hours=LIVE_HOURS)]
    return Inputs(
        interactions=interactions, orders=orders,
        categories=_pairs(categories, "product_id", "category_id"),
        segments=_pairs(segments, "user_id", "rfm_segment"),
        regions=user_regions(regions) if regions is not None else {},
        sessions=sessions, live_sessions=live)


def _pairs(frame: pd.DataFrame | None, key: str, value: str) -> dict[str, str]:
    if frame is None:
        return {}
    frame = frame.dropna(subset=[key, value])
    return dict(zip(frame[key].astype(str), frame[value].astype(str), strict=True))


def new_version(now: datetime) -> str:
    return f"r{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:4]}"


@dg.asset(
    group_name="ml",
    kinds={"python", "scikitlearn", "redis"},
    # after published_features: it rewrites the tag hashes this run's high_intent tag joins
    deps=[*(dg.AssetKey(["marts", m]) for m in MARTS), "published_features"],
    description="Session next-item (VSTAN + sequential rules), bought and viewed together, "
    "ALS per user, popularity by segment/region/category, trending and purchase intent, "
    "trained from the marts and published to Redis as one version (atomic switch, TTL).",
)
def recommendation_bundle(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                          redis_store: RedisResource):
    inputs = read_inputs(warehouse)
    now = datetime.now(UTC)
    bundle, timings = train_bundle(inputs, now=now, version=new_version(now),
                                   progress=context.log.info)
    client = redis_store.client()
    try:
        published = publish_bundle(client, bundle)
    finally:
        client.close()
    lists = bundle["lists"]
    return dg.MaterializeResult(metadata={
        "version": bundle["version"], "interactions": bundle["interactions"],
        **{f"lists/{k}": len(v) for k, v in lists.items()},
        **{f"seconds/{k}": round(v, 3) for k, v in timings.items()},
        "high_potential_users": len(bundle["intent"]["high_potential_users"]),
        "intent_threshold": bundle["intent"]["threshold"],
        "previous_version": str(published["previous"]),
        "keys_written": published["lists"],
    })
