"""The Recommendations page's offline-evaluation section over hand-made rows of
ml.reco_offline_evaluation (the table the pipelines append to, created with their DDL)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from streamlit.testing.v1 import AppTest

from pipelines.ml.reco_evaluation import COLUMNS, DDL, TABLE
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "pages" / "recommendations.py"
RUN0 = pd.Timestamp("2026-02-28 23:00", tz="UTC")  # at k=5: not comparable, not in history
RUN1 = pd.Timestamp("2026-03-01 02:00", tz="UTC")
RUN2 = pd.Timestamp("2026-03-02 02:00", tz="UTC")


def _row(at, model, hr, ndcg, *, k=10, users=40) -> dict:
    return {"evaluated_at": at, "cut": at - pd.Timedelta(days=2), "k": k, "model": model,
            "hr": hr, "mrr": ndcg / 2, "ndcg": ndcg, "coverage": 0.1, "popularity_bias": 0.7,
            "users_with_list": 1.0, "users": users, "train_interactions": 900,
            "test_interactions": 100, "catalog_size": 50}


RUNS = [
    _row(RUN0, "popularity", 0.9, 0.9, k=5),
    _row(RUN1, "popularity", 0.4, 0.2), _row(RUN1, "als", 0.6, 0.3),
    # latest: popularity first, then by NDCG: viewed_together (0.5) before als (0.35)
    _row(RUN2, "als", 0.8, 0.35, users=42), _row(RUN2, "popularity", 0.5, 0.25, users=42),
    _row(RUN2, "viewed_together", 0.75, 0.5, users=42),
]


def _publish(path, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema if not exists ml")
        conn.execute(DDL)
        conn.execute(f"insert into {TABLE} by name select * from frame")


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_latest_run_beside_popularity_and_the_history(warehouse, settings_env):  # noqa: F811
    _publish(settings_env.published_warehouse_path, RUNS)
    app = _run()
    # no online marts in this warehouse: that section says so, the offline one still shows
    infos = " ".join(i.value for i in app.info)
    assert "before the recommendation marts existed" in infos
    assert "No offline evaluation yet" not in infos
    latest = app.dataframe[0].value
    assert list(latest["model"]) == ["popularity", "viewed_together", "als"]
    assert list(latest["hr@10"]) == ["0.500", "0.750", "0.800"]
    # 0.75 / 0.5, 0.8 / 0.5; NDCG 0.5 / 0.25, 0.35 / 0.25
    assert list(latest["hr × popularity"]) == ["1.00×", "1.50×", "1.60×"]
    assert list(latest["ndcg × popularity"]) == ["1.00×", "2.00×", "1.40×"]
    caption = " ".join(c.value for c in app.caption)
    assert "2026-03-02 02:00" in caption and "42 users" in caption
    assert "2026-02-28 02:00" in caption  # the latest run's cut
    assert len(app.get("vega_lite_chart")) == 2  # bars of the latest run, history over runs
    assert app.selectbox[0].value == "ndcg"
    app.selectbox[0].select("coverage").run()
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == 2


def test_one_run_has_no_history_yet(warehouse, settings_env):  # noqa: F811
    _publish(settings_env.published_warehouse_path, [r for r in RUNS if r["evaluated_at"]
                                                     == RUN1])
    app = _run()
    assert list(app.dataframe[0].value["model"]) == ["popularity", "als"]
    assert len(app.get("vega_lite_chart")) == 1
    assert "from the second run" in " ".join(c.value for c in app.caption)


def test_no_table_yet_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "No offline evaluation yet" in " ".join(i.value for i in app.info)
    assert not app.get("vega_lite_chart")


def test_summaries_without_a_popularity_score_and_across_k():
    from dashboards.recommendations_data import (
        latest_offline_run,
        offline_bars,
        offline_history,
    )

    runs = pd.DataFrame([_row(RUN1, "popularity", 0.0, 0.0), _row(RUN1, "als", 0.3, 0.2)])
    latest = latest_offline_run(runs)
    assert list(latest["model"]) == ["popularity", "als"]
    assert latest["hr_vs_popularity"].isna().all()  # no multiple of zero
    bars = offline_bars(latest, 10)
    assert sorted(zip(bars["model"], bars["metric"], bars["value"], strict=True)) == [
        ("als", "HR@10", 0.3), ("als", "NDCG@10", 0.2),
        ("popularity", "HR@10", 0.0), ("popularity", "NDCG@10", 0.0)]
    history = offline_history(pd.DataFrame(RUNS), 10)
    assert set(history["evaluated_at"]) == {RUN1, RUN2}
    assert latest_offline_run(pd.DataFrame(columns=COLUMNS)).empty


def test_latest_run_without_popularity():
    from dashboards.recommendations_data import latest_offline_run

    rows = [r for r in RUNS if r["evaluated_at"] == RUN2 and r["model"] != "popularity"]
    latest = latest_offline_run(pd.DataFrame(rows))
    assert list(latest["model"]) == ["viewed_together", "als"]
    assert latest["ndcg_vs_popularity"].isna().all()
