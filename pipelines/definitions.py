"""The one Dagster entry point: `dagster dev -m pipelines.definitions`."""

import dagster as dg

from pipelines.automation import flywheel_job, hourly_schedule, new_lake_files_sensor
from pipelines.checks import CHECKS
from pipelines.ingest.events import raw_events
from pipelines.ingest.oltp import oltp_snapshot
from pipelines.ml.credit_score import credit_score_model, published_credit_scores
from pipelines.ml.demand_forecast import demand_forecast
from pipelines.ml.reco_bundle import recommendation_bundle
from pipelines.ml.reco_evaluation import reco_offline_evaluation
from pipelines.ml.recommender_model import recommender_model
from pipelines.ml.reorder_suggestions import reorder_suggestions
from pipelines.resources import RedisResource, WarehouseResource
from pipelines.serve.anomaly_alerts import metric_anomaly_alerts, payment_failure_spikes_sensor
from pipelines.serve.features import published_features
from pipelines.serve.hot_searches import published_hot_searches
from pipelines.serve.reach import reach_audience_campaigns
from pipelines.serve.reorder import published_reorder_suggestions
from pipelines.serve.warehouse_copy import published_warehouse
from pipelines.transform.dbt import dbt_resource, flywheel_dbt_assets

ASSETS = [
    raw_events, oltp_snapshot, flywheel_dbt_assets, recommender_model, published_features,
    published_hot_searches, published_warehouse, metric_anomaly_alerts,
    reach_audience_campaigns, recommendation_bundle, reco_offline_evaluation,
    # replenishment (issue 15)
    demand_forecast, reorder_suggestions, published_reorder_suggestions,
    # credit score (issue 16)
    credit_score_model, published_credit_scores,
]

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[flywheel_job],
    schedules=[hourly_schedule],
    sensors=[new_lake_files_sensor, payment_failure_spikes_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": dbt_resource(),
        "redis_store": RedisResource(),
    },
    # DuckDB takes one writing process per file: run steps one after another, in process.
    executor=dg.in_process_executor,
)
