"""Snapshot of the OLTP tables into the warehouse's ``oltp`` schema.

Reads through SQLAlchemy (SQLite by default, PostgreSQL by URL) inside one read
transaction, so orders and their items come from the same moment, and replaces every
oltp.* table in one DuckDB transaction, so dbt never sees half a snapshot.
"""


import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import duckdb
import pyarrow as pa
import sqlalchemy as sa

from pipelines.resources import WarehouseResource
from pipelines.warehouse.oltp_parquet import write_snapshot_parquet
from transactional_api.config import Settings
from transactional_api.core.db import UTCDateTime
from transactional_api.core.models import Base

log = logging.getLogger(__name__)

SNAPSHOT_TABLES: tuple[str, ...] = (
    "users", "merchants", "brands", "categories", "products", "product_status_changes",
    "skus", "bundle_components", "warehouses", "stock_levels", "presale_allotments", "orders",
    "order_items", "sub_orders", "payments",
    # credit (issue 16): the plans' and bills' state, for the credit book's repaid figures
    "credit_plans", "credit_installments",
    # translation coverage (marts/translations): the texts' keys and what they translate
    "translation_texts", "landing_pages", "reach_campaigns",
)
# Credentials never leave the OLTP database.
# Secrets and request plumbing stay in the OLTP: nothing downstream may depend on them.
EXCLUDED_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash"}),
    "payments": frozenset({"card_token"}),
    # the shopper's street address is personal data; the region is what analysis needs
    "orders": frozenset({"idempotency_key", "request_fingerprint", "ship_to"}),
    # the warehouse measures which texts exist, not their wording (descriptions run long)
    "translation_texts": frozenset({"text"}),
}


def snapshot_columns(table: str) -> list[sa.Column]:
    excluded = EXCLUDED_COLUMNS.get(table, frozenset())
    return [c for c in Base.metadata.tables[table].columns if c.name not in excluded]


def _arrow_type(column: sa.Column) -> tuple[pa.DataType, str]:
    """Arrow and DuckDB types of a snapshot column.

    JSON columns land as JSON text (VARCHAR): staging parses what it needs, and the same
    text reads on any engine a later dbt target runs on.
    """
    if isinstance(column.type, UTCDateTime | sa.DateTime):
        return pa.timestamp("us"), "TIMESTAMP"
    if isinstance(column.type, sa.Date):
        return pa.date32(), "DATE"
    if isinstance(column.type, sa.Boolean):
        return pa.bool_(), "BOOLEAN"
    if isinstance(column.type, sa.Integer):
        return pa.int64(), "BIGINT"
    return pa.string(), "VARCHAR"


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _json_text(value: Any) -> str | None:
    # Keys sorted so an unchanged value gives the same text on every snapshot.
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _converter(column: sa.Column) -> Callable[[Any], Any]:
    """How one column's Python values become the values Arrow takes."""
    if isinstance(column.type, sa.JSON):
        return _json_text
    return _naive_utc


@contextmanager
def _snapshot_connection(url: str) -> Iterator[sa.Connection]:
    """One connection whose reads all see the same committed state."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_conn, _):
            # pysqlite would not open a transaction for SELECTs; take over BEGIN ourselves.
            dbapi_conn.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _deferred_begin(conn):
            # Deferred, not IMMEDIATE: in WAL mode this is a read snapshot that never blocks
            # the API's writers.
            conn.exec_driver_sql("BEGIN")

        options: dict[str, Any] = {}
    else:
        engine = sa.create_engine(url)
        options = {"isolation_level": "REPEATABLE READ"}
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**options) if options else conn
            with conn.begin():
                yield conn
    finally:
        engine.dispose()


def read_oltp(url: str) -> dict[str, pa.Table]:
    """Every snapshot table as an Arrow table (missing tables come back empty)."""
    tables: dict[str, pa.Table] = {}
    with _snapshot_connection(url) as conn:
        existing = set(sa.inspect(conn).get_table_names())
        for name in SNAPSHOT_TABLES:
            columns = snapshot_columns(name)
            schema = pa.schema([(c.name, _arrow_type(c)[0]) for c in columns])
            rows = conn.execute(sa.select(*columns)).all() if name in existing else []
            data = {}
            for i, column in enumerate(columns):
                convert = _converter(column)
                data[column.name] = [convert(r[i]) for r in rows]
            tables[name] = pa.Table.from_pydict(data, schema=schema)
    return tables


def write_snapshot(conn: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Replace every oltp.* table at once: readers see the old snapshot or the new one."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS oltp")
    conn.execute("BEGIN TRANSACTION")
    try:
        for name, table in tables.items():
            cols = snapshot_columns(name)
            ddl = ", ".join(f'"{c.name}" {_arrow_type(c)[1]}' for c in cols)
            conn.execute(f"CREATE OR REPLACE TABLE oltp.{name} ({ddl})")
            conn.register("incoming_snapshot", table)
            conn.execute(f"INSERT INTO oltp.{name} SELECT * FROM incoming_snapshot")
            conn.unregister("incoming_snapshot")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


@dg.multi_asset(
    name="oltp_snapshot",
    group_name="ingest",
    specs=[
        dg.AssetSpec(
            ["oltp", name], kinds={"duckdb", "sqlalchemy"},
            description=f"Snapshot of the OLTP table {name}, replaced on every run.",
        )
        for name in SNAPSHOT_TABLES
    ],
)
def oltp_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = Settings()
    tables = read_oltp(settings.resolved_database_url)
    with warehouse.connect() as conn:
        write_snapshot(conn, tables)
    # The same snapshot as Parquet beside the lake, for Spark (pipelines/warehouse): about
    # 0.2 s per million rows, less than the DuckDB copy, so every engine finds it.
    write_snapshot_parquet(settings.resolved_lake_dir, tables)
    for name, table in tables.items():
        context.log.info(f"oltp.{name}: {table.num_rows} rows")
        yield dg.MaterializeResult(
            asset_key=["oltp", name], metadata={"dagster/row_count": table.num_rows}
        )
