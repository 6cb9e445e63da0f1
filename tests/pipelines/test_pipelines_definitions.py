"""The one Definitions entry loads, with every asset, check, schedule and sensor."""

import dagster as dg
from dagster._core.utils import make_new_run_id

from pipelines.automation import newest_landed_file
from pipelines.definitions import defs
from transactional_api.events import contract as c
from transactional_api.events.lake import land

MARTS = (
    "fct_orders", "fct_order_items", "dim_users", "dim_products", "fct_daily_kpis",
    "fct_sessions", "fct_funnel_daily", "fct_product_interactions", "dim_user_tags",
    "dim_skus", "dim_warehouses", "fct_daily_stock_positions", "fct_stock_alerts",
    "fct_daily_searches", "fct_sub_orders", "fct_fulfilment", "fct_payments",
    "fct_payments_by_channel", "fct_refunds", "fct_payment_reconciliation", "fct_after_sales",
)
OLTP = ("users", "categories", "products", "skus", "stock_levels", "orders", "order_items",
        "payments", "merchants", "brands", "warehouses", "bundle_components",
        "presale_allotments", "product_status_changes")


def _asset_keys() -> set[str]:
    return {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}


def test_definitions_are_loadable():
    dg.Definitions.validate_loadable(defs)


def test_every_asset_is_present():
    keys = _asset_keys()
    expected = {
        "raw_events", *(f"oltp/{t}" for t in OLTP), *(f"marts/{m}" for m in MARTS),
        "staging/stg_flywheel__events", "intermediate/int_events_sessionized",
        "recommender_model", "recommendation_bundle", "reco_offline_evaluation",
        "published_features",
        "published_warehouse",
        "published_hot_searches", "staging/stg_flywheel__stock_movements",
        "staging/stg_flywheel__searches",
    }
    assert expected <= keys


def test_assets_are_grouped_by_folder():
    graph = defs.resolve_asset_graph()
    groups = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["raw_events"] == groups["oltp/orders"] == "ingest"
    assert groups["marts/fct_orders"] == groups["staging/stg_flywheel__events"] == "transform"
    assert groups["recommender_model"] == groups["recommendation_bundle"] == "ml"
    assert groups["reco_offline_evaluation"] == "ml"
    assert groups["published_features"] == groups["published_warehouse"] == "serve"
    assert groups["published_hot_searches"] == "serve"


def test_dbt_sources_depend_on_the_ingest_assets():
    graph = defs.resolve_asset_graph()
    parents = {p.to_user_string() for p in graph.get(dg.AssetKey(["staging",
               "stg_flywheel__events"])).parent_keys}
    assert parents == {"raw_events"}
    orders = graph.get(dg.AssetKey(["staging", "stg_oltp__orders"])).parent_keys
    assert {p.to_user_string() for p in orders} == {"oltp/orders"}
    model_parents = graph.get(dg.AssetKey("recommender_model")).parent_keys
    assert dg.AssetKey(["marts", "fct_product_interactions"]) in model_parents
    bundle_parents = graph.get(dg.AssetKey("recommendation_bundle")).parent_keys
    assert {dg.AssetKey(["marts", m]) for m in ("fct_product_interactions", "fct_sessions",
                                                "fct_order_items")} <= bundle_parents
    evaluation_parents = graph.get(dg.AssetKey("reco_offline_evaluation")).parent_keys
    assert {dg.AssetKey(["marts", m]) for m in ("fct_product_interactions",
                                                "fct_order_items")} <= evaluation_parents
    # the dashboards read the published copy: it is taken after the evaluation writes
    copy_parents = graph.get(dg.AssetKey("published_warehouse")).parent_keys
    assert dg.AssetKey("reco_offline_evaluation") in copy_parents
    hot_parents = graph.get(dg.AssetKey("published_hot_searches")).parent_keys
    assert hot_parents == {dg.AssetKey(["marts", "fct_daily_searches"])}
    for table in ("merchants", "warehouses", "stock_levels"):
        staged = graph.get(dg.AssetKey(["staging", f"stg_oltp__{table}"])).parent_keys
        assert staged == {dg.AssetKey(["oltp", table])}


def test_dbt_tests_are_asset_checks():
    checks = {(k.asset_key.to_user_string(), k.name)
              for k in defs.resolve_asset_graph().asset_check_keys}
    assert ("marts/fct_orders", "unique_fct_orders_order_id") in checks
    # every mart has its primary-key tests as checks
    for mart in MARTS:
        assert any(a == f"marts/{mart}" and n.startswith(("unique_", "unique_combination"))
                   for a, n in checks), mart


def test_schedule_and_sensor_target_the_full_job():
    assert defs.resolve_schedule_def("flywheel_hourly").job_name == "flywheel_job"
    assert defs.resolve_sensor_def("new_lake_files").job_name == "flywheel_job"
    job = defs.resolve_job_def("flywheel_job")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} >= {
        "raw_events", "marts/fct_orders", "published_features"}


def test_sensor_requests_a_run_only_for_newer_files(flywheel_env):
    sensor = defs.resolve_sensor_def("new_lake_files")
    lake = flywheel_env.resolved_lake_dir
    instance = dg.DagsterInstance.ephemeral()
    with dg.build_sensor_context(instance=instance) as ctx:
        assert isinstance(sensor.evaluate_tick(ctx).skip_message, str)  # empty lake

    land(lake, [c.to_record(c.PageView(anonymous_id="a", payload={"page": "/"}))])
    first = newest_landed_file(lake)
    with dg.build_sensor_context(instance=instance) as ctx:
        result = sensor.evaluate_tick(ctx)
    assert [r.run_key for r in result.run_requests] == [first]
    assert result.cursor == first

    with dg.build_sensor_context(instance=instance, cursor=first) as ctx:
        assert not sensor.evaluate_tick(ctx).run_requests

    land(lake, [c.to_record(c.Search(anonymous_id="a", payload={"query": "mug",
                                                                 "results_count": 3}))])
    second = newest_landed_file(lake)
    assert second != first
    with dg.build_sensor_context(instance=instance, cursor=first) as ctx:
        result = sensor.evaluate_tick(ctx)
    assert [r.run_key for r in result.run_requests] == [second]


def test_sensor_waits_while_a_run_is_in_progress(flywheel_env):
    sensor = defs.resolve_sensor_def("new_lake_files")
    land(flywheel_env.resolved_lake_dir,
         [c.to_record(c.PageView(anonymous_id="a", payload={"page": "/"}))])
    instance = dg.DagsterInstance.ephemeral()
    instance.add_run(dg.DagsterRun(job_name="flywheel_job", run_id=make_new_run_id(),
                                   status=dg.DagsterRunStatus.STARTED))
    with dg.build_sensor_context(instance=instance) as ctx:
        result = sensor.evaluate_tick(ctx)
    assert not result.run_requests
    assert result.cursor is None  # the new file is still ahead of the cursor
