"""Serving: features reach a real Redis atomically, stale keys go; the warehouse copy swaps."""

import json

import dagster as dg
import duckdb
import pytest
import redis

from pipelines.ml.recommender_model import model_path, write_json_atomically
from pipelines.resources import RedisResource, WarehouseResource
from pipelines.serve.features import build_features, publish, published_features
from pipelines.serve.hot_searches import published_hot_searches, read_hot_searches
from pipelines.serve.warehouse_copy import published_warehouse
from transactional_api.recommendations import keys
from transactional_api.search.keys import HOT_SEARCHES

MODEL_A = {
    "popular": [["p1", 9.0], ["p2", 4.0]],
    "item_recos": {"p1": [["p2", 0.5]], "p2": [["p1", 0.5]]},
    "user_recos": {"u1": [["p2", 0.25]]},
}
MODEL_B = {"popular": [["p2", 3.0]], "item_recos": {"p2": [["p3", 0.9]]}, "user_recos": {}}
TAGS_A = [{"user_id": "u1", "rfm_segment": "champions", "r_score": 5, "f_score": 4,
           "m_score": 5, "recency_days": 0, "frequency": 3, "monetary_cents": 9000}]


def test_publish_replaces_every_feature_and_deletes_stale_keys(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.set("unrelated:key", "kept")
    publish(client, *build_features(MODEL_A, TAGS_A), {"published_at": "one"})
    assert json.loads(client.get(keys.POPULAR)) == [["p1", 9.0], ["p2", 4.0]]
    assert json.loads(client.get(keys.item_recos("p1"))) == [["p2", 0.5]]
    assert json.loads(client.get(keys.user_recos("u1"))) == [["p2", 0.25]]
    assert client.hgetall(keys.user_tags("u1"))["rfm_segment"] == "champions"

    counts = publish(client, *build_features(MODEL_B, []), {"published_at": "two"})
    assert counts["deleted"] == 3  # item p1, user recos u1, user tags u1 (item p2 rewritten)
    assert client.get(keys.item_recos("p1")) is None
    assert client.get(keys.user_recos("u1")) is None
    assert client.exists(keys.user_tags("u1")) == 0
    assert json.loads(client.get(keys.item_recos("p2"))) == [["p3", 0.9]]
    assert client.hgetall(keys.META) == {"published_at": "two"}
    assert client.get("unrelated:key") == "kept"
    client.close()


def test_published_features_asset_reads_model_and_user_tags(flywheel_env, redis_url):
    write_json_atomically(model_path(), MODEL_A)
    with duckdb.connect(str(flywheel_env.resolved_warehouse_path)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.execute(
            "CREATE TABLE marts.dim_user_tags AS SELECT 'u9' AS user_id, 3 AS recency_days, "
            "2 AS frequency, 4200 AS monetary_cents, 4 AS r_score, 3 AS f_score, "
            "3 AS m_score, 'loyal' AS rfm_segment")
    result = dg.materialize(
        [published_features],
        resources={"warehouse": WarehouseResource(), "redis_store": RedisResource()},
    )
    assert result.success
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert client.hgetall(keys.user_tags("u9")) == {
        "rfm_segment": "loyal", "recency_days": "3", "frequency": "2",
        "monetary_cents": "4200", "r_score": "4", "f_score": "3", "m_score": "3",
    }
    assert client.hget(keys.META, "user_tags") == "1"
    client.close()


def test_redis_is_required_with_a_clear_error(flywheel_env):
    with pytest.raises(RuntimeError, match="FLYWHEEL_REDIS_URL"):
        RedisResource().client()


def test_published_warehouse_is_a_whole_copy(flywheel_env):
    source = flywheel_env.resolved_warehouse_path
    with duckdb.connect(str(source)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.execute("CREATE TABLE marts.fct_orders AS SELECT range AS id FROM range(1000)")
    target = flywheel_env.published_warehouse_path
    for expected in (1000, 1001):
        assert dg.materialize(
            [published_warehouse], resources={"warehouse": WarehouseResource()}
        ).success
        with duckdb.connect(str(target), read_only=True) as copy:
            assert copy.execute("SELECT count(*) FROM marts.fct_orders").fetchone()[0] == expected
        with duckdb.connect(str(source)) as conn:
            conn.execute("INSERT INTO marts.fct_orders VALUES (1000)")
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def _daily_searches(warehouse_path, rows) -> None:
    with duckdb.connect(str(warehouse_path)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        conn.execute(
            "CREATE OR REPLACE TABLE marts.fct_daily_searches (search_date DATE, "
            "search_query VARCHAR, search_source VARCHAR, searches BIGINT, "
            "zero_result_searches BIGINT, avg_results_count DOUBLE)")
        for row in rows:
            conn.execute(
                "INSERT INTO marts.fct_daily_searches VALUES (?, ?, 'server', ?, 0, 1.0)", row)


def test_hot_searches_are_the_last_7_days_of_the_warehouse(flywheel_env):
    # The warehouse's latest search day is 03-20: the window is 03-14..03-20, whatever today is.
    _daily_searches(flywheel_env.resolved_warehouse_path, [
        ("2025-03-20", "mug", 2), ("2025-03-14", "mug", 1),  # 3 in the window
        ("2025-03-13", "mug", 50),  # one day too old
        ("2025-03-18", "teapot", 3),  # 3, ties with mug: alphabetical
        ("2025-03-19", "kettle", 4),
        ("2025-03-20", "", 99),  # filters only: no query to suggest
        ("2025-03-15", "spoon", 1),
    ])
    hot = read_hot_searches(WarehouseResource())
    assert hot == [{"query": "kettle", "searches": 4}, {"query": "mug", "searches": 3},
                   {"query": "teapot", "searches": 3}, {"query": "spoon", "searches": 1}]
    assert read_hot_searches(WarehouseResource(), limit=2) == hot[:2]


def test_published_hot_searches_replace_the_list_in_redis(flywheel_env, redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.set(HOT_SEARCHES, json.dumps([{"query": "old", "searches": 9}]))
    _daily_searches(flywheel_env.resolved_warehouse_path,
                    [("2025-03-20", "mug", 2), ("2025-03-19", "kettle", 5)])
    resources = {"warehouse": WarehouseResource(), "redis_store": RedisResource()}
    assert dg.materialize([published_hot_searches], resources=resources).success
    assert json.loads(client.get(HOT_SEARCHES)) == [
        {"query": "kettle", "searches": 5}, {"query": "mug", "searches": 2}]

    # No searches any more: the list empties rather than keeping stale suggestions.
    _daily_searches(flywheel_env.resolved_warehouse_path, [])
    assert dg.materialize([published_hot_searches], resources=resources).success
    assert json.loads(client.get(HOT_SEARCHES)) == []
    client.close()


def test_hot_searches_survive_a_features_publish(flywheel_env, redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.set(HOT_SEARCHES, json.dumps([{"query": "mug", "searches": 1}]))
    publish(client, *build_features(MODEL_B, []), {"published_at": "x"})
    assert json.loads(client.get(HOT_SEARCHES)) == [{"query": "mug", "searches": 1}]
    client.close()
