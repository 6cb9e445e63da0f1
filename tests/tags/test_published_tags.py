"""Tags from the warehouse visible through the API: rows of marts.fct_user_auto_tags go
through the real publish asset into the real Redis, and the API serves them with the time
they were computed, manual tags beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import redis
import yaml

from pipelines.ml.recommender_model import model_path, write_json_atomically
from pipelines.resources import RedisResource, WarehouseResource
from pipelines.serve.features import published_features
from tests.pipelines.conftest import flywheel_env, redis_url  # noqa: F401 (fixtures)
from tests.tags.conftest import shopper
from transactional_api.tags import keys

TAGS_YAML = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/tags/_tags.yml"
COMPUTED = datetime(2025, 6, 30, 12, 0)


def _ddl() -> str:
    spec = yaml.safe_load(TAGS_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


def _warehouse(settings, rows: list[tuple[str, str, str]]) -> None:
    """The marts the publish reads, with these (user, tag, value) automatic tags."""
    with duckdb.connect(str(settings.resolved_warehouse_path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.execute("create or replace table marts.dim_user_tags (user_id varchar, "
                     "rfm_segment varchar, recency_days bigint, frequency bigint, "
                     "monetary_cents bigint, r_score integer, f_score integer, m_score integer)")
        conn.execute(f"create or replace table marts.fct_user_auto_tags ({_ddl()})")
        for user_id, tag, value in rows:
            conn.execute("insert into marts.fct_user_auto_tags values (?, ?, ?, ?, ?)",
                         [user_id, tag, value, COMPUTED, COMPUTED.date()])


def _publish() -> None:
    write_json_atomically(model_path(), {"popular": [], "item_recos": {}, "user_recos": {}})
    result = dg.materialize([published_features], resources={
        "warehouse": WarehouseResource(), "redis_store": RedisResource()})
    assert result.success


def test_warehouse_tags_reach_me_and_the_admin_view(flywheel_env, redis_url, api,  # noqa: F811
                                                    admin):
    token, uid = shopper(api)
    _, other = shopper(api)
    _warehouse(flywheel_env, [(uid, "dormant_90d", "true"), (uid, "rfm_segment", "at_risk"),
                              (uid, "member_level", "silver"), (other, "dormant_90d", "true")])
    _publish()
    admin.post("/v1/admin/tags", json={"name": "wholesale"})
    admin.post("/v1/admin/tags/wholesale/transitions", json={"action": "activate"})
    admin.put(f"/v1/admin/users/{uid}/tags/wholesale", json={})

    with api.client(token) as me:
        served = me.get("/v1/me").json()["user_tags"]
    computed = datetime(2025, 6, 30, 12, tzinfo=UTC)
    automatic = {t["name"]: (t["value"], datetime.fromisoformat(t["computed_at"]))
                 for t in served if t["kind"] == "automatic"}
    assert automatic == {"dormant_90d": ("true", computed), "rfm_segment": ("at_risk", computed),
                         "member_level": ("silver", computed)}
    assert [t["name"] for t in served if t["kind"] == "manual"] == ["wholesale"]
    assert admin.get(f"/v1/admin/users/{uid}/tags").json()["tags"] == served

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert client.smembers(keys.tag_members("dormant_90d")) == {uid, other}

    # the next build no longer tags the user: the publish removes the stale tags
    _warehouse(flywheel_env, [(other, "dormant_90d", "true")])
    _publish()
    assert [t for t in admin.get(f"/v1/admin/users/{uid}/tags").json()["tags"]
            if t["kind"] == "automatic"] == []
    assert client.smembers(keys.tag_members("dormant_90d")) == {other}
    assert not client.exists(keys.tag_members("rfm_segment"))
    client.close()


def test_a_retired_automatic_tag_is_not_served(flywheel_env, redis_url, api,  # noqa: F811
                                               admin):
    _, uid = shopper(api)
    _warehouse(flywheel_env, [(uid, "price_sensitive", "true"), (uid, "high_potential", "true")])
    _publish()
    assert admin.post("/v1/admin/tags/price_sensitive/transitions",
                      json={"action": "retire"}).status_code == 200
    served = admin.get(f"/v1/admin/users/{uid}/tags").json()["tags"]
    assert [t["name"] for t in served] == ["high_potential"]
