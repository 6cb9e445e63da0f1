"""Dagster asset checks beside the dbt tests (which dagster-dbt shows as checks already).

- Source freshness of the landed events and of the OLTP snapshot, with the thresholds and
  loaded_at_field the dbt sources declare (models/staging/_staging.yml), so
  `dbt source freshness` and the Dagster UI agree.
- The marts against the OLTP, to the cent: every order of the snapshot is in fct_orders,
  and per day the paid orders and GMV of fct_daily_kpis are the snapshot's own count and
  sum of total_cents + points_discount_cents (GMV is the value before points, which are a
  means of payment) of orders paid that day (paid = paid_at set, dated by paid_at's UTC
  day, the definition fct_orders documents). An incremental run that missed a day, or a
  model that lost or doubled an order, fails here.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.resources import WarehouseResource
from pipelines.transform.dbt import dbt_project

_PERIODS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1),
            "day": timedelta(days=1)}
MAX_LISTED = 10  # mismatching days named in a check's metadata


@dataclass(frozen=True)
class Freshness:
    relation: str  # schema.table in the warehouse
    loaded_at_field: str
    warn_after: timedelta | None
    error_after: timedelta | None


def _after(spec: dict | None) -> timedelta | None:
    if not spec or spec.get("count") is None:
        return None
    return spec["count"] * _PERIODS[spec["period"]]


def source_freshness(manifest: Path, source: str, table: str) -> Freshness:
    """The freshness a dbt source table declares, from the parsed manifest."""
    node = json.loads(manifest.read_text())["sources"][f"source.flywheel.{source}.{table}"]
    config = node.get("config") or {}
    freshness = config.get("freshness") or node.get("freshness") or {}
    return Freshness(
        relation=f"{node['schema']}.{node['name']}",
        loaded_at_field=config.get("loaded_at_field") or node["loaded_at_field"],
        warn_after=_after(freshness.get("warn_after")),
        error_after=_after(freshness.get("error_after")),
    )


def evaluate_freshness(conn: duckdb.DuckDBPyConnection, spec: Freshness,
                       now: datetime) -> dg.AssetCheckResult:
    newest = conn.execute(
        f"SELECT max({spec.loaded_at_field}) FROM {spec.relation}").fetchone()[0]
    if newest is None:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata={"newest": "no rows"})
    age = now.replace(tzinfo=None) - newest  # the warehouse keeps naive UTC
    meta = {"newest": newest.isoformat(), "age_hours": round(age.total_seconds() / 3600, 2)}
    if spec.error_after is not None and age > spec.error_after:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata=meta)
    if spec.warn_after is not None and age > spec.warn_after:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                   metadata=meta)
    return dg.AssetCheckResult(passed=True, metadata=meta)


def _freshness_check(asset: dg.AssetKey, source: str, table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset, name="source_freshness",
        description=f"dbt source freshness of {source}.{table} (its warn_after/error_after "
                    "in models/staging/_staging.yml)",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        spec = source_freshness(dbt_project.manifest_path, source, table)
        with warehouse.connect(read_only=True) as conn:
            return evaluate_freshness(conn, spec, datetime.now(UTC))

    return _check


def daily_gmv_mismatches(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    """Days whose paid orders or GMV differ between the OLTP snapshot and fct_daily_kpis."""
    rows = conn.execute("""
        WITH oltp AS (
            SELECT CAST(paid_at AS DATE) AS day, count(*) AS paid_orders,
                   sum(total_cents + points_discount_cents) AS gmv_cents
            FROM oltp.orders WHERE paid_at IS NOT NULL GROUP BY 1
        ),
        mart AS (
            SELECT kpi_date AS day, paid_orders, gmv_cents FROM marts.fct_daily_kpis
            WHERE paid_orders <> 0 OR gmv_cents <> 0
        )
        SELECT coalesce(oltp.day, mart.day) AS day,
               coalesce(oltp.paid_orders, 0), coalesce(mart.paid_orders, 0),
               coalesce(oltp.gmv_cents, 0), coalesce(mart.gmv_cents, 0)
        FROM oltp FULL OUTER JOIN mart ON oltp.day = mart.day
        WHERE coalesce(oltp.paid_orders, 0) <> coalesce(mart.paid_orders, 0)
           OR coalesce(oltp.gmv_cents, 0) <> coalesce(mart.gmv_cents, 0)
        ORDER BY 1
    """).fetchall()
    return [{"day": str(d), "oltp_paid_orders": int(op), "mart_paid_orders": int(mp),
             "oltp_gmv_cents": int(og), "mart_gmv_cents": int(mg)}
            for d, op, mp, og, mg in rows]


def order_totals(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(OLTP snapshot, fct_orders) for: orders, paid orders, GMV in cents."""
    oltp = conn.execute(
        "SELECT count(*), count(paid_at), coalesce(sum(total_cents + points_discount_cents) "
        "FILTER "
        "(WHERE paid_at IS NOT NULL), 0) FROM oltp.orders").fetchone()
    mart = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_paid), coalesce(sum(gmv_cents) FILTER "
        "(WHERE is_paid), 0) FROM marts.fct_orders").fetchone()
    names = ("orders", "paid_orders", "gmv_cents")
    return {n: (int(o), int(m)) for n, o, m in zip(names, oltp, mart, strict=True)}


@dg.asset_check(
    asset=dg.AssetKey(["marts", "fct_daily_kpis"]), name="gmv_matches_oltp",
    description="Per day, paid orders and GMV (cents) equal the OLTP snapshot's orders paid "
                "that day and the sum of their total_cents.",
)
def gmv_matches_oltp(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as conn:
        mismatches = daily_gmv_mismatches(conn)
        totals = order_totals(conn)
    return dg.AssetCheckResult(
        passed=not mismatches,
        metadata={"mismatching_days": len(mismatches),
                  "first_mismatches": mismatches[:MAX_LISTED],
                  "oltp_gmv_cents": totals["gmv_cents"][0]},
    )


@dg.asset_check(
    asset=dg.AssetKey(["marts", "fct_orders"]), name="orders_match_oltp",
    description="fct_orders has every order of the OLTP snapshot once, the same paid orders "
                "and the same GMV to the cent.",
)
def orders_match_oltp(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as conn:
        totals = order_totals(conn)
    return dg.AssetCheckResult(
        passed=all(o == m for o, m in totals.values()),
        metadata={f"{name}_{side}": value for name, pair in totals.items()
                  for side, value in zip(("oltp", "mart"), pair, strict=True)},
    )


CHECKS = [
    _freshness_check(dg.AssetKey("raw_events"), "raw", "events"),
    _freshness_check(dg.AssetKey(["oltp", "orders"]), "oltp", "orders"),
    gmv_matches_oltp,
    orders_match_oltp,
]
