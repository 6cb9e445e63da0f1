"""The Promoters dashboard page over a hand-made published warehouse (the mart of
_promoters.yml), and its summaries by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "promoters.py"
MART_YAML = REPO_ROOT / "dbt_project/models/marts/promoters/_promoters.yml"
SPEC = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))["models"][0]
COLUMNS = [c["name"] for c in SPEC["columns"]]
# (promoter, day, bound, orders, gmv, accrued, level2, held, reversed, matured, net, cur)
ROWS = [
    ("P1", date(2025, 3, 10), 2, 2, 20_000, 1_000, 0, 0, 0, 0, 1_000, "USD"),
    ("P1", date(2025, 3, 11), 0, 1, 10_000, 500, 0, 0, 400, 0, 100, "USD"),
    ("P2", date(2025, 3, 11), 1, 1, 5_000, 250, 50, 250, 0, 0, 250, "USD"),
]


@pytest.fixture
def promoters_warehouse(warehouse, settings_env):  # noqa: F811
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in SPEC["columns"])
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_promoter_performance ({ddl})")
        conn.execute("insert into marts.fct_promoter_performance by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_for_everyone_then_one_promoter(promoters_warehouse):
    app = _run()
    # GMV 350.00; net 10.00 + 1.00 + 2.50 = 13.50, 13.50 / 350.00 = 3.86%
    tiles = {m.label: m.value for m in app.metric}
    assert (tiles["Bound buyers"], tiles["Referred orders"], tiles["GMV"],
            tiles["Net commission"], tiles["Cost share"], tiles["Held"]) == (
        "3", "4", "$350.00", "$13.50", "3.86%", "$2.50")
    assert list(app.dataframe[0].value["promoter_id"]) == ["P1", "P2"]
    app.selectbox[0].select("P2").run()
    tiles = {m.label: m.value for m in app.metric}
    assert (tiles["GMV"], tiles["Net commission"], tiles["Cost share"]) == (
        "$50.00", "$2.50", "5.00%")
    assert list(app.dataframe[0].value["promoter_id"]) == ["P2"]


def test_per_promoter_by_hand():
    from dashboards import promoters_data

    got = promoters_data.per_promoter(pd.DataFrame(ROWS, columns=COLUMNS)) \
        .set_index("promoter_id")
    assert got.loc["P1", "gmv_cents"] == 30_000 and got.loc["P1", "orders"] == 3
    assert got.loc["P1", "cost_share"] == pytest.approx(1_100 / 30_000)
    assert promoters_data.per_promoter(pd.DataFrame(columns=COLUMNS)).empty


def test_a_warehouse_without_the_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the promoters mart existed" in " ".join(i.value for i in app.info)
