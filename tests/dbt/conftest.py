"""Builds the shop story into a throwaway warehouse and runs `dbt build` once per module
(dbt invocations are slow)."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.dbt import order_flow_oltp
from tests.dbt import order_flow_story as flow
from tests.dbt import shop_story as story


@pytest.fixture(scope="module")
def story_warehouse(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    work = tmp_path_factory.mktemp("story")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url)
    story.load_warehouse(warehouse, work / "lake", oltp_url, list(story.story_events()))
    result = story.dbt_build(warehouse, work)
    assert result.returncode == 0, result.stdout[-4000:]
    conn = duckdb.connect(str(warehouse), read_only=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def flow_warehouse(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The order-flow story (order_flow_story.py) built into its own warehouse."""
    work = tmp_path_factory.mktemp("flow")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    order_flow_oltp.build_oltp(oltp_url)
    story.load_warehouse(warehouse, work / "lake", oltp_url, list(flow.story_events()))
    result = story.dbt_build(warehouse, work)
    assert result.returncode == 0, result.stdout[-6000:]
    conn = duckdb.connect(str(warehouse), read_only=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def empty_shop_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """A shop with tables but no rows and no events: dbt build must still pass."""
    work = tmp_path_factory.mktemp("empty")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    story.load_warehouse(warehouse, work / "lake", oltp_url, [])
    return story.dbt_build(warehouse, work), warehouse
