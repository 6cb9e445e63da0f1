"""The Tags dashboard page over a hand-made published warehouse (the mart of _tags.yml)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "tags.py"
TAGS_YAML = REPO_ROOT / "dbt_project/models/marts/tags/_tags.yml"
AT = datetime(2025, 3, 14, 18, 30)


def _ddl() -> str:
    spec = yaml.safe_load(TAGS_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def tags_warehouse(warehouse, settings_env):  # noqa: F811
    rows = [("u1", "dormant_90d", "true"), ("u2", "dormant_90d", "true"),
            ("u1", "price_sensitive", "true"), ("u3", "high_potential", "true"),
            ("u1", "rfm_segment", "lost"), ("u2", "rfm_segment", "lost"),
            ("u3", "rfm_segment", "potential_loyalist"), ("u3", "member_level", "gold")]
    frame = pd.DataFrame([(*r, AT, AT.date()) for r in rows],  # noqa: F841 (read by DuckDB)
                         columns=["user_id", "tag", "tag_value", "computed_at", "as_of_date"])
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_user_auto_tags ({_ddl()})")
        conn.execute("insert into marts.fct_user_auto_tags by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_counts_per_tag_and_value(tags_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "High potential": "1", "Dormant 90 days": "2", "Price sensitive": "1",
        "Frequent returners": "0"}
    assert "as of 2025-03-14" in app.caption[0].value
    assert len(app.get("vega_lite_chart")) == 3  # per tag, per segment, per level
    assert len(app.get("download_button")) == 3


def test_summaries_by_hand():
    from dashboards import tags_data

    counts = pd.DataFrame({"tag": ["rfm_segment", "rfm_segment", "dormant_90d"],
                           "tag_value": ["lost", "champions", "true"], "users": [2, 5, 4],
                           "computed_at": [AT] * 3, "as_of_date": [date(2025, 3, 14)] * 3})
    assert tags_data.values_of(counts, "rfm_segment").to_dict("records") == [
        {"tag_value": "champions", "users": 5}, {"tag_value": "lost", "users": 2}]
    assert tags_data.flag_frame(counts).set_index("tag")["users"].to_dict() == {
        "high_potential": 0, "dormant_90d": 4, "price_sensitive": 0, "frequent_returner": 0}


def test_a_warehouse_without_the_tags_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the tags mart existed" in " ".join(i.value for i in app.info)
