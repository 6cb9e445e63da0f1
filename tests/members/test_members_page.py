"""The Members dashboard page over a hand-made published warehouse (marts of _members.yml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards.components import DATE_RANGE_KEY
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "members.py"
MEMBERS_YAML = REPO_ROOT / "dbt_project/models/marts/members/_members.yml"
D1, D2 = date(2025, 3, 1), date(2025, 3, 2)


def _ddl(model: str) -> str:
    doc = yaml.safe_load(MEMBERS_YAML.read_text(encoding="utf-8"))
    spec = next(m for m in doc["models"] if m["name"] == model)
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


def _frames() -> dict[str, pd.DataFrame]:
    cols = ["activity_date", "level", "members", "upgrades_in", "downgrades_in",
            "upgrades_out", "downgrades_out"]
    # Mar 1: one of three members moves up to silver; Mar 2: back down at a period end
    levels = pd.DataFrame([(D1, "regular", 2, 0, 0, 1, 0), (D1, "silver", 1, 1, 0, 0, 0),
                           (D2, "regular", 3, 0, 1, 0, 0), (D2, "silver", 0, 0, 0, 0, 1)],
                          columns=cols)
    points = pd.DataFrame([(D1, 500, 0, 0, 0, 500, 500, 3), (D2, 0, 120, 30, 0, -150, 350, 2)],
                          columns=["activity_date", "points_earned", "points_spent",
                                   "points_expired", "points_reversed", "net_points",
                                   "points_outstanding", "active_members"])
    return {"fct_member_levels_daily": levels, "fct_points_daily": points}


@pytest.fixture
def members_warehouse(warehouse, settings_env):  # noqa: F811
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        for table, frame in _frames().items():  # noqa: B007 (frame is read by DuckDB)
            conn.execute(f"create table marts.{table} ({_ddl(table)})")
            conn.execute(f"insert into marts.{table} by name select * from frame")
    return warehouse


def _run(date_range: tuple[date, date] | None = None) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    if date_range:
        app.session_state[DATE_RANGE_KEY] = date_range
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_charts_and_downloads(members_warehouse):
    app = _run()
    tiles = {m.label: m.value for m in app.metric}
    assert tiles == {"Members": "3", "Above the first level": "0", "Upgrades": "1",
                     "Downgrades": "1", "Points outstanding": "350",
                     "Points earned / spent": "500 / 120"}
    assert len(app.get("vega_lite_chart")) == 4  # distribution, movement, flow, outstanding
    assert len(app.get("download_button")) == 4


def test_the_date_range_applies(members_warehouse):
    tiles = {m.label: m.value for m in _run((D1, D1)).metric}
    assert (tiles["Members"], tiles["Above the first level"], tiles["Downgrades"],
            tiles["Points outstanding"]) == ("3", "1", "0", "500")


def test_a_warehouse_without_the_member_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the members' marts existed" in " ".join(i.value for i in app.info)
