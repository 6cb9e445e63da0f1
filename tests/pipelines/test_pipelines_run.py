"""`python -m pipelines.run` end to end on the shop story, twice, with a real Redis."""

import json

import duckdb
import redis

from pipelines import run
from tests.dbt import shop_story as story
from transactional_api.events.lake import land
from transactional_api.recommendations import keys
from transactional_api.search.keys import HOT_SEARCHES


def test_run_materializes_everything_and_is_repeatable(flywheel_env, redis_url, capsys):
    story.build_oltp(flywheel_env.resolved_database_url)
    first, second = story.story_events()
    land(flywheel_env.resolved_lake_dir, first + second)

    assert run.main([]) == 0
    out = capsys.readouterr().out
    assert "materialized raw_events" in out
    assert "materialized marts/fct_orders" in out
    assert "materialized published_features" in out
    assert "marts.fct_orders" in out and "5" in out

    with duckdb.connect(str(flywheel_env.published_warehouse_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM marts.fct_orders").fetchone()[0] == 5
        raw_rows = conn.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert "p1" in [pid for pid, _ in json.loads(client.get(keys.POPULAR))]
    assert client.hget(keys.user_tags("u2"), "rfm_segment")
    # The story's searches up to its last search day: "mug" once (storefront, DAY1) and
    # twice (API, DAY2); "kettle" once each day; the filter-only search is no suggestion.
    assert json.loads(client.get(HOT_SEARCHES)) == [
        {"query": "mug", "searches": 3}, {"query": "kettle", "searches": 2}]

    assert run.main([]) == 0  # nothing new landed: same warehouse, same features
    with duckdb.connect(str(flywheel_env.published_warehouse_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == raw_rows
    assert client.hget(keys.user_tags("u2"), "rfm_segment")
    client.close()


def test_run_exits_non_zero_when_a_step_fails(flywheel_env, capsys):
    story.build_oltp(flywheel_env.resolved_database_url)
    assert run.main([]) == 1  # no Redis configured: publishing features fails
    assert "STEP FAILED published_features" in capsys.readouterr().out


def test_run_can_skip_features_without_redis(flywheel_env, capsys):
    story.build_oltp(flywheel_env.resolved_database_url)
    assert run.main(["--skip-features"]) == 0
    out = capsys.readouterr().out
    assert "materialized published_warehouse" in out
    assert "published_features" not in out
    assert "published_hot_searches" not in out
