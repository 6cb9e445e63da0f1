"""The Languages dashboard page and its data functions over a hand-made published
warehouse (the mart of _translations.yml)."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import languages_data
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "languages.py"
MART_YAML = REPO_ROOT / "dbt_project/models/marts/translations/_translations.yml"
AS_OF = datetime(2025, 6, 30, 12, 0)
COLUMNS = ["entity_type", "lang", "entities", "translated_entities", "coverage_share",
           "translated_fields", "recent_changes", "recent_created", "recent_updated",
           "recent_deleted", "recent_window_days", "as_of_at"]
# pt-BR: 6 of 10 products, 2 of 4 categories, 0 of 0 landing pages -> 8 of 14
# es: 1 of 10 products, 0 of 4 categories -> 1 of 14; 5 changes (3 created, 1 up, 1 del)
ROWS = [
    ("product", "pt-BR", 10, 6, 0.6, 9, 4, 4, 0, 0, 30, AS_OF),
    ("category", "pt-BR", 4, 2, 0.5, 2, 0, 0, 0, 0, 30, AS_OF),
    ("landing_page", "pt-BR", 0, 0, None, 0, 0, 0, 0, 0, 30, AS_OF),
    ("product", "es", 10, 1, 0.1, 1, 5, 3, 1, 1, 30, AS_OF),
    ("category", "es", 4, 0, 0.0, 0, 0, 0, 0, 0, 30, AS_OF),
    ("landing_page", "es", 0, 0, None, 0, 0, 0, 0, 0, 30, AS_OF),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


def _ddl() -> str:
    spec = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def coverage_warehouse(warehouse, settings_env):  # noqa: F811
    frame = _frame()  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_translation_coverage ({_ddl()})")
        conn.execute("insert into marts.fct_translation_coverage by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_per_language_weighs_every_type_by_its_entities():
    got = languages_data.per_language(_frame()).set_index("lang")
    assert list(got.index) == ["pt-BR", "es"]  # best covered first
    assert got.loc["pt-BR", "coverage_share"] == pytest.approx(8 / 14)
    assert got.loc["es", "coverage_share"] == pytest.approx(1 / 14)
    assert (got.loc["es", "recent_changes"], got.loc["es", "recent_deleted"]) == (5, 1)
    assert got.loc["pt-BR", "translated_fields"] == 11


def test_matrix_and_gaps():
    wide = languages_data.matrix(_frame())
    assert list(wide.index) == ["product", "category", "landing_page"]
    assert list(wide.columns) == ["es", "pt-BR"]
    assert wide.loc["category", "pt-BR"] == 0.5
    assert math.isnan(wide.loc["landing_page", "es"])
    missing = languages_data.gaps(_frame())
    assert list(missing.itertuples(index=False, name=None)) == [
        ("product", "es", 9), ("category", "es", 4), ("product", "pt-BR", 4),
        ("category", "pt-BR", 2)]


def test_an_empty_mart_gives_empty_summaries():
    empty = _frame().iloc[0:0]
    assert languages_data.per_language(empty).empty
    assert languages_data.matrix(empty).empty
    assert languages_data.gaps(empty).empty


def test_tiles_tables_and_chart(coverage_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Languages": "2", "Best covered": "pt-BR 57.14%", "Texts": "12",
        "Changes, 30 days": "9"}
    by_language = app.dataframe[0].value
    assert list(by_language["lang"]) == ["pt-BR", "es"]
    assert list(by_language["coverage"]) == ["57.14%", "7.14%"]
    assert len(app.get("vega_lite_chart")) == 1
    assert list(app.dataframe[1].value["missing"]) == [9, 4, 4, 2]


def test_a_warehouse_without_the_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the translation coverage mart existed" in " ".join(
        i.value for i in app.info)
