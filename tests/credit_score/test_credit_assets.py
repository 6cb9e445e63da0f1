"""The two Dagster assets on a warehouse file holding simulated histories: the model is
trained (from the warehouse itself: it holds enough overdue bills) and every user's score
lands in Redis, readable by the API."""

import dagster as dg
import redis

from pipelines.ml import credit_histories, credit_score
from pipelines.resources import RedisResource, WarehouseResource
from transactional_api.credit import scoring


def test_train_then_publish(tmp_path, redis_server, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    warehouse = tmp_path / "warehouse.duckdb"
    conn = credit_histories.generate(300, months=18, seed=3)
    conn.execute(f"attach '{warehouse}' as w")
    conn.execute("copy from database memory to w")
    users = conn.execute("select count(*) from staging.stg_oltp__users").fetchone()[0]
    conn.close()
    result = dg.materialize(
        [credit_score.credit_score_model, credit_score.published_credit_scores],
        resources={"warehouse": WarehouseResource(path=str(warehouse)),
                   "redis_store": RedisResource(url=redis_server.url)})
    assert result.success
    trained = result.asset_materializations_for_node("credit_score_model")[0].metadata
    assert trained["trained_on"].value == "warehouse"
    published = result.asset_materializations_for_node("published_credit_scores")[0].metadata
    assert published["scores"].value == users
    assert credit_score.model_path().is_relative_to((tmp_path / "var").resolve())
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        keys = list(client.scan_iter(match=scoring.score_key("*")))
        assert len(keys) == users
        read = scoring.read_score(client, keys[0].split(":")[-1])
        assert read is not None and read.model == credit_score.MODEL_NAME
    finally:
        client.close()
