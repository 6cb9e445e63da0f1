"""THE acceptance test of replenishment: the pipelines over a simulated quarter (13 weeks of
paid sub-orders with a weekday pattern and a trend, landed as events, built by dbt) forecast
each SKU and location, beat the seasonal naive forecast on the two held-back weeks, and
publish reorder suggestions to Redis for the SKUs whose stock runs short."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest
import redis

from pipelines.ml import reorder_suggestions as reorder_asset
from pipelines.ml.demand_forecast import demand_forecast
from pipelines.ml.reorder_suggestions import reorder_suggestions
from pipelines.resources import RedisResource, WarehouseResource
from pipelines.serve.reorder import published_reorder_suggestions
from tests.replenishment import quarter_story as story
from tests.replenishment.test_demand_marts import built
from transactional_api.replenishment import keys
from transactional_api.replenishment.supply import Terms

CONTRACTS = {"sku-a": Terms("sup-1", lead_time_days=5, moq=24),
             "sku-b": Terms("sup-1", lead_time_days=10, moq=50),
             "sku-c": Terms("sup-2", lead_time_days=7, moq=10)}


@pytest.fixture(scope="module")
def quarter(redis_server, tmp_path_factory):
    path = built()
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.delete(keys.SUGGESTIONS)
    mp = pytest.MonkeyPatch()
    mp.setenv("FLYWHEEL_VAR_DIR", str(tmp_path_factory.mktemp("var")))
    mp.setattr(reorder_asset, "supply_terms",
               lambda pairs: (CONTRACTS, {p: 0 for p in pairs}))
    result = dg.materialize(
        [demand_forecast, reorder_suggestions, published_reorder_suggestions],
        resources={"warehouse": WarehouseResource(path=str(path)),
                   "redis_store": RedisResource(url=redis_server.url)})
    mp.undo()
    assert result.success
    with duckdb.connect(str(path), read_only=True) as conn:
        accuracy = conn.execute("select * from ml.fct_forecast_accuracy").df()
    yield accuracy, json.loads(client.get(keys.SUGGESTIONS))
    client.close()


def test_the_forecast_beats_the_naive_one_on_the_held_back_weeks(quarter):
    accuracy, _ = quarter
    assert len(accuracy) == len(story.SERIES)
    assert set(accuracy["model"]) == {"holt_winters"} and set(accuracy["horizon"]) == {14}
    held_back = {(s, w): int(story.UNITS[(s, w)][-14:].sum()) for s, w in story.SERIES}
    assert {(r.sku_id, r.warehouse_id): r.actual_units
            for r in accuracy.itertuples()} == held_back
    weights = accuracy["actual_units"]
    model = (accuracy["wape"] * weights).sum() / weights.sum()
    naive = (accuracy["naive_wape"] * weights).sum() / weights.sum()
    assert model < naive
    assert (accuracy["wape"] < accuracy["naive_wape"]).sum() >= len(accuracy) / 2


def test_suggestions_for_the_short_skus_respect_lead_time_safety_stock_and_moq(quarter):
    _, published = quarter
    by_key = {(s["sku_id"], s["location_id"]): s for s in published["suggestions"]}
    # sku-a runs short at both locations; 2,000 units of sku-c last far beyond its cycle
    assert {("sku-a", "main"), ("sku-a", "north")} <= set(by_key)
    assert ("sku-c", "main") not in by_key
    assert published["as_of"] == story.day(story.DAYS - 1).isoformat()
    for (sku, location), s in by_key.items():
        terms = CONTRACTS[sku]
        assert s["supplier_id"] == terms.supplier_id and s["moq"] == terms.moq
        assert s["lead_time_days"] == terms.lead_time_days and s["review_days"] == 7
        assert s["quantity"] >= terms.moq
        assert s["on_hand"] == story.STOCK[(sku, location)][0] - story.STOCK[(sku, location)][1]
        assert s["on_hand"] <= s["reorder_point"]  # why it is suggested
        # after the order the stock covers the lead time and the review period
        assert s["on_hand"] + s["quantity"] >= s["mean_daily_demand"] * (
            s["lead_time_days"] + s["review_days"]) * 0.9
        assert s["safety_stock"] > 0
    # the forecast follows the story's rate (trend and weekdays) into the lead time
    base, growth = story.SERIES[("sku-a", "main")]
    days = range(story.DAYS, story.DAYS + 5)
    true_rate = sum(base * (1 + growth * i) * story.WEEKDAY[story.day(i).weekday()]
                    for i in days) / 5
    assert by_key[("sku-a", "main")]["mean_daily_demand"] == pytest.approx(true_rate, rel=0.3)
