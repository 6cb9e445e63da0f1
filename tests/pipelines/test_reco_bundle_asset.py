"""The training asset: marts in, one new version published; a failed run leaves the
previous version serving."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import redis

from pipelines.ml.reco_bundle import recommendation_bundle
from pipelines.resources import RedisResource, WarehouseResource
from recommender import synthetic
from transactional_api.recommendations import keys


def _warehouse(path, *, interactions: bool = True) -> synthetic.Behaviour:
    b = synthetic.make(6_000, items=80, users=120, categories=4, seed=5)
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        frames = {"dim_products": b.products,
                  "fct_sessions": synthetic.sessions_of(b.interactions)}
        if interactions:
            frames["fct_product_interactions"] = b.interactions
        for name, frame in frames.items():
            conn.register("frame", frame)
            conn.execute(f"CREATE OR REPLACE TABLE marts.{name} AS SELECT * FROM frame")
            conn.unregister("frame")
    return b


def _materialize():
    return dg.materialize([recommendation_bundle], raise_on_error=False, resources={
        "warehouse": WarehouseResource(), "redis_store": RedisResource()})


def test_the_asset_trains_from_the_marts_and_switches_the_pointer(flywheel_env, redis_url):
    b = _warehouse(flywheel_env.resolved_warehouse_path)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.delete(keys.RECO_CURRENT)
    result = _materialize()
    assert result.success
    version = client.get(keys.RECO_CURRENT)
    meta = result.asset_materializations_for_node("recommendation_bundle")[0].metadata
    assert meta["version"].value == version
    assert meta["lists/session_next"].value > 0
    # a product's next-click list is readable under the new version, with real products
    some = b.interactions["product_id"].value_counts().index[0]
    listed = json.loads(client.get(keys.reco_list(version, "session_next", some)))
    assert listed and {p for p, _ in listed} <= set(b.products["product_id"])
    assert client.ttl(keys.reco_list(version, "session_next", some)) > 0

    # the next run fails (its interactions mart is gone): the pointer stays
    with duckdb.connect(str(flywheel_env.resolved_warehouse_path)) as conn:
        conn.execute("DROP TABLE marts.fct_product_interactions")
    assert not _materialize().success
    assert client.get(keys.RECO_CURRENT) == version
    client.close()
