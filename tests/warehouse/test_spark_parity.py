"""The same dbt models on DuckDB and on Spark give the same marts, row for row.

A simulated week of shoppers is landed once. The product and page views of the day before
yesterday are held back; both engines build every mart in full; then the held-back files
land (two days late) and both run the daily incremental build of the last day, whose
3-day lookback must pick them up. After each build every mart of the marts schema is
compared between the engines: integers (all money is integer cents), strings, dates and
timestamps equal, doubles equal to 1e-9 relative. The Spark side is also checked against
what the OLTP and the lake say, worked out here without the models.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipelines.warehouse.engine import spark_missing
from tests.warehouse import engines
from transactional_api.config import Settings

pytestmark = [
    # the first test builds every mart on both engines (about 7 minutes on a quiet machine)
    pytest.mark.timeout(2700),
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]

LATE_TYPES = ("page_view", "product_view")


def _landed_days(lake: Path) -> list[date]:
    return sorted({date.fromisoformat(p.name.removeprefix("date="))
                   for p in lake.glob("*/date=*") if not p.parent.name.startswith("_")})


def _hold_back(lake: Path, day: date, aside: Path) -> list[Path]:
    """Move the day's files of LATE_TYPES out of the lake; their lake-relative paths."""
    moved = []
    for event_type in LATE_TYPES:
        for path in sorted((lake / event_type / f"date={day}").glob("part-*.jsonl")):
            rel = path.relative_to(lake)
            (aside / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, aside / rel)
            moved.append(rel)
    return moved


def _product_views(files: list[Path]) -> int:
    """Distinct product_view events in landed files, counted from the JSON lines."""
    ids = set()
    for path in files:
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record["event_type"] == "product_view":
                ids.add(record["event_id"])
    return len(ids)


@pytest.fixture(scope="module")
def builds(simulated_week, tmp_path_factory):
    """Both engines' marts after the full build and after the late day's incremental run,
    with what the test needs to check them by hand."""
    work = tmp_path_factory.mktemp("parity")
    lake = work / "lake"
    shutil.copytree(simulated_week.lake, lake)
    days = _landed_days(lake)
    late_day, last_day = days[-1] - timedelta(days=2), days[-1]
    held = _hold_back(lake, late_day, work / "held")
    assert held, f"no page or product views on {late_day}"
    common = {"lake_dir": lake, "database_url": simulated_week.database_url}
    duck = Settings(var_dir=work / "duckdb", warehouse="duckdb", **common)
    spark = Settings(var_dir=work / "spark", warehouse="spark", **common)
    engines.ingest(duck)
    full = {s.warehouse: engines.marts(engines.build(s)) for s in (duck, spark)}
    for rel in held:
        shutil.move(work / "held" / rel, lake / rel)
    engines.ingest(duck)
    window = {"run_from": last_day.isoformat(), "run_to": last_day.isoformat()}
    daily = {s.warehouse: engines.marts(engines.build(s, window=window)) for s in (duck, spark)}
    views = _product_views(sorted((lake / "product_view" / f"date={late_day}").glob("*.jsonl")))
    return {"full": full, "daily": daily, "late_day": late_day, "late_day_views": views}


def test_every_mart_is_equal_on_both_engines_after_a_full_build(builds):
    full = builds["full"]
    assert len(full["duckdb"]) >= 40, sorted(full["duckdb"])
    assert engines.differences(full["duckdb"], full["spark"]) == {}


def test_every_mart_is_equal_after_the_incremental_run_that_takes_late_events(builds):
    daily = builds["daily"]
    assert engines.differences(daily["duckdb"], daily["spark"]) == {}


def _views_on(marts: dict, day: date) -> int:
    columns, rows = marts["fct_product_views_daily"]
    when, views = columns.index("activity_date"), columns.index("product_views")
    return sum(row[views] for row in rows if row[when] == day)


def test_spark_counts_the_late_views_in_their_own_day(builds):
    # Held back, the day had no product view; landed late, every one of them counts there.
    assert builds["late_day_views"] > 0
    assert _views_on(builds["full"]["spark"], builds["late_day"]) == 0
    assert _views_on(builds["daily"]["spark"], builds["late_day"]) == builds["late_day_views"]


def test_spark_daily_gmv_equals_the_oltp_to_the_cent(builds, simulated_week):
    engine = create_engine(simulated_week.database_url)
    with engine.connect() as conn:
        paid = {date.fromisoformat(day): (int(n), int(gmv)) for day, n, gmv in conn.execute(
            # GMV: the orders' value before points, which are a means of payment
            text("SELECT substr(paid_at, 1, 10), count(*), "
                 "sum(total_cents + points_discount_cents) FROM orders "
                 "WHERE paid_at IS NOT NULL GROUP BY 1")).all()}
    engine.dispose()
    assert paid, "the simulated week paid no order"
    kpis = builds["daily"]["spark"]["fct_daily_kpis"]
    columns, rows = kpis
    day, orders, gmv = (columns.index(c) for c in ("kpi_date", "paid_orders", "gmv_cents"))
    marts = {r[day]: (r[orders], r[gmv]) for r in rows if r[orders]}
    assert marts == paid
