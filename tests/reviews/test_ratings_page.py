"""The Ratings page over a small hand-made fct_product_ratings (its columns from the dbt
contract, so the table cannot drift from what dbt builds), on the dashboards' KPI
warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import ratings_data
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dashboards" / "pages" / "ratings.py"
CONTRACT = ROOT / "dbt_project" / "models" / "marts" / "reviews" / "_reviews.yml"
# product, name, category, merchant, (published, pending, rejected, stars sum, average),
# histogram 1..5, replied, (category published, average), (merchant published, average)
ROWS = [
    ("p1", "Mug", ("c1", "Kitchen"), ("self-operated", "Self-operated"), (3, 1, 1, 13, 4.33),
     (0, 0, 0, 2, 1), 1, (11, 4.18), (4, 3.75)),
    ("p2", "Teapot", ("c1", "Kitchen"), ("m2", "Nordic Goods"), (8, 0, 0, 33, 4.13),
     (0, 1, 1, 2, 4), 2, (11, 4.18), (8, 4.13)),
    ("p3", "Gift card", ("c0", "Home"), ("self-operated", "Self-operated"), (1, 1, 0, 2, 2.0),
     (0, 1, 0, 0, 0), 0, (1, 2.0), (4, 3.75)),
    ("p5", "Lamp", ("c0", "Home"), ("self-operated", "Self-operated"), (0, 2, 0, 0, None),
     (0, 0, 0, 0, 0), 0, (1, 2.0), (4, 3.75)),
]


def _frame() -> pd.DataFrame:
    out = []
    for pid, name, (cat, cat_name), (mer, mer_name), counts, stars, replied, c, m in ROWS:
        published, pending, rejected, total, avg = counts
        out.append({
            "product_id": pid, "product_name": name, "category_id": cat,
            "category_name": cat_name, "merchant_id": mer, "merchant_name": mer_name,
            "reviews_submitted": published + pending + rejected, "reviews_pending": pending,
            "reviews_published": published, "reviews_rejected": rejected,
            "rating_sum": total, "rating_avg": avg,
            **{f"rating_{s}": n for s, n in zip(range(1, 6), stars, strict=True)},
            "reviews_replied": replied, "last_submitted_at": None,
            "category_reviews_published": c[0], "category_rating_avg": c[1],
            "merchant_reviews_published": m[0], "merchant_rating_avg": m[1]})
    return pd.DataFrame(out)


@pytest.fixture
def ratings_warehouse(warehouse, settings_env):  # noqa: F811 (fixtures imported above)
    [model] = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))["models"]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in model["columns"])
    frame = _frame()  # noqa: F841 (read by DuckDB by name)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_product_ratings ({ddl})")
        conn.execute("insert into marts.fct_product_ratings by name select * from frame")
    return warehouse


def _rows(chart) -> list[dict]:
    return [row for dataset in chart.proto.datasets
            for row in pa.ipc.open_stream(dataset.data.data).read_pandas().to_dict("records")]


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_ratings_page_tiles_charts_and_tables(ratings_warehouse):
    app = _run()
    # 3 + 8 + 1 published; 13 + 33 + 2 = 48 stars over 12 = 4.00; 3 answered of 12
    assert {m.label: m.value for m in app.metric} == {
        "Published reviews": "12", "Average rating": "4.00 ★",
        "Waiting for moderation": "4", "Rejected": "1", "Answered": "25.00%"}
    charts = list(app.get("vega_lite_chart"))
    assert len(charts) == 3
    assert {r["stars"]: r["reviews"] for r in _rows(charts[0])} == {1: 0, 2: 2, 3: 1, 4: 4,
                                                                    5: 5}
    assert [(r["merchant_name"], r["rating_avg"]) for r in _rows(charts[1])] == [
        ("Nordic Goods", 4.13), ("Self-operated", 3.75)]
    assert [(r["category_name"], r["reviews_published"]) for r in _rows(charts[2])] == [
        ("Kitchen", 11), ("Home", 1)]
    assert len(app.get("download_button")) == 3
    best, worst = (t.value for t in app.dataframe)
    # the lamp has no published review: in neither table
    assert best["product_name"].tolist() == ["Mug", "Teapot", "Gift card"]
    assert worst["product_name"].tolist() == ["Gift card", "Teapot", "Mug"]


def test_ratings_page_of_an_older_warehouse_asks_for_a_pipeline_run(warehouse):  # noqa: F811
    app = _run()
    assert "flywheel pipeline run" in app.info[0].value
    assert not app.metric


def test_average_matches_the_shop_and_the_mart():
    assert ratings_data.average(48, 12) == 4.0
    assert ratings_data.average(33, 8) == 4.13  # half up
    assert ratings_data.average(13, 3) == 4.33
    assert ratings_data.average(0, 0) is None


def test_ratings_page_with_only_pending_reviews(warehouse, settings_env):  # noqa: F811
    frame = _frame()
    pending = frame[frame["product_id"] == "p5"]  # noqa: F841 (read by DuckDB by name)
    [model] = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))["models"]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in model["columns"])
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_product_ratings ({ddl})")
        conn.execute("insert into marts.fct_product_ratings by name select * from pending")
    app = _run()
    tiles = {m.label: m.value for m in app.metric}
    assert (tiles["Published reviews"], tiles["Average rating"], tiles["Answered"]) == (
        "0", "–", "–")
    assert tiles["Waiting for moderation"] == "2"
    assert all(t.value.empty for t in app.dataframe)
