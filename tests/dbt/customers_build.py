"""The customers story (customers_story.py) built once per test process, with dbt build of
the customer marts and everything they read."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt import customers_story as story
from tests.dbt.mart_builds import built_once

SELECTORS = ("+path:models/marts/customers",)


def warehouse() -> Path:
    return built_once("customers", story.build_oltp, story.landings(), SELECTORS)


def rows(sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse()), read_only=True) as conn:
        return conn.execute(sql).fetchall()
