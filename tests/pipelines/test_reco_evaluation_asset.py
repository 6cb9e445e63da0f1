"""The offline-evaluation asset: marts in, one row per model appended to
ml.reco_offline_evaluation per run and a markdown report; too little data writes nothing and
still succeeds."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines.ml.reco_evaluation import MIN_USERS, TABLE, reco_offline_evaluation, report_path
from pipelines.resources import WarehouseResource
from recommender import synthetic

DAY = pd.Timestamp("2026-02-02", tz="UTC")


def _write(path, frames: dict[str, pd.DataFrame]) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for name, frame in frames.items():
            conn.register("frame", frame)
            conn.execute(f"CREATE OR REPLACE TABLE marts.{name} AS SELECT * FROM frame")
            conn.unregister("frame")


def _synthetic(path) -> synthetic.Behaviour:
    b = synthetic.make(6_000, items=80, users=120, categories=4, seed=5)
    lines = b.orders.rename(columns={"ordered_at": "created_at"}).assign(is_paid=True)
    _write(path, {"fct_product_interactions": b.interactions, "fct_order_items": lines,
                  "dim_products": b.products})
    return b


def _interaction(who: str, product: str, at: pd.Timestamp, *, signed_in: bool = True) -> dict:
    return {"visitor_key": f"v-{who}", "user_id": who if signed_in else None,
            "session_key": f"s-{who}-{at:%d}", "product_id": product,
            "interaction_type": "view", "weight": 1, "occurred_at": at}


def _materialize():
    return dg.materialize([reco_offline_evaluation], raise_on_error=False,
                          resources={"warehouse": WarehouseResource()})


def _table(path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(f"select * from {TABLE} order by evaluated_at, model").df()


def test_rows_per_model_appended_on_each_run_with_the_report(flywheel_env):
    path = flywheel_env.resolved_warehouse_path
    b = _synthetic(path)
    first = _materialize()
    assert first.success
    runs = _table(path)
    models = set(runs["model"])
    # orders give fbt, signed-in users give als; no segment or region marts here
    assert {"popularity", "trending", "viewed_together", "fbt", "als"} == models
    assert runs["evaluated_at"].nunique() == 1
    assert (runs["k"] == 10).all()
    assert (runs["catalog_size"] == len(b.products)).all()
    for column in ("hr", "mrr", "ndcg", "coverage", "popularity_bias"):
        assert runs[column].between(0, 1).all(), column
    assert (runs["mrr"] <= runs["hr"]).all()  # 1/rank of the first hit is at most 1

    # the cut leaves the last fifth of the time span; users are counted independently here
    at = b.interactions["occurred_at"]
    cut = (at.min() + (at.max() - at.min()) * 0.8).floor("s")
    assert (pd.to_datetime(runs["cut"], utc=True) == cut).all()
    who = b.interactions["user_id"].fillna("visitor:" + b.interactions["visitor_key"])
    before = b.interactions[at < cut].groupby(who[at < cut])["product_id"].agg(set)
    after = b.interactions[at >= cut].groupby(who[at >= cut])["product_id"].agg(set)
    users = sum(1 for u, items in after.items() if u in before and items - before[u])
    assert users >= MIN_USERS
    assert (runs["users"] == users).all()

    report = report_path()
    assert report.is_file()
    text = report.read_text(encoding="utf-8")
    assert "| popularity |" in text and f"{users:,} users" in text

    second = _materialize()
    assert second.success
    both = _table(path)
    assert len(both) == 2 * len(runs)
    assert both["evaluated_at"].nunique() == 2
    # the same marts give the same figures: the second run is a copy of the first
    latest = both[both["evaluated_at"] == both["evaluated_at"].max()]
    pd.testing.assert_frame_equal(
        latest.drop(columns="evaluated_at").reset_index(drop=True),
        runs.drop(columns="evaluated_at").reset_index(drop=True))
    meta = second.asset_materializations_for_node("reco_offline_evaluation")[0].metadata
    assert meta["rows_written"].value == len(models)


def test_figures_worked_out_by_hand(flywheel_env):
    """Five users view x on day one, a visitor views p1 ten times and p2 five; on day two
    each user views p1. Popularity (x excluded as history) ranks p1 first for everyone."""
    t0 = DAY
    rows = [_interaction(f"u{i}", "x", t0 + pd.Timedelta(minutes=i)) for i in range(5)]
    rows += [_interaction("w", "p1", t0 + pd.Timedelta(hours=1, minutes=i), signed_in=False)
             for i in range(10)]
    rows += [_interaction("w", "p2", t0 + pd.Timedelta(hours=2, minutes=i), signed_in=False)
             for i in range(5)]
    rows += [_interaction(f"u{i}", "p1", t0 + pd.Timedelta(days=1, minutes=i))
             for i in range(5)]
    products = pd.DataFrame({"product_id": ["x", "p1", "p2", "p3"], "category_id": "c"})
    path = flywheel_env.resolved_warehouse_path
    _write(path, {"fct_product_interactions": pd.DataFrame(rows), "dim_products": products})

    assert _materialize().success
    runs = _table(path).set_index("model")
    popularity = runs.loc["popularity"]
    assert popularity["users"] == 5
    assert (popularity["hr"], popularity["mrr"], popularity["ndcg"]) == (1.0, 1.0, 1.0)
    # every list is [p1, p2] (x excluded): 2 of the 4 products shown
    assert popularity["coverage"] == pytest.approx(0.5)
    # train popularity (interaction counts) x 5, p1 10, p2 5: percentiles p1 3/3, p2 2/3
    assert popularity["popularity_bias"] == pytest.approx((1 + 2 / 3) / 2, abs=1e-6)
    # co-viewed with x by nobody else: viewed_together has nothing to offer
    assert runs.loc["viewed_together", "hr"] == 0.0


@pytest.mark.parametrize("interactions", [0, 3])
def test_too_little_data_writes_nothing_and_succeeds(flywheel_env, interactions):
    rows = [_interaction("u1", f"p{i}", DAY + pd.Timedelta(hours=i))
            for i in range(interactions)]
    frame = pd.DataFrame(rows, columns=list(_interaction("u", "p", DAY)))
    frame = frame.astype({"occurred_at": "datetime64[ns, UTC]"})
    path = flywheel_env.resolved_warehouse_path
    _write(path, {"fct_product_interactions": frame})

    result = _materialize()
    assert result.success
    meta = result.asset_materializations_for_node("reco_offline_evaluation")[0].metadata
    assert meta["rows_written"].value == 0
    assert "skipped" in meta
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute("select table_schema, table_name from information_schema.tables "
                              "where table_schema = 'ml'").fetchall()
    assert tables == []
    assert not report_path().exists()
