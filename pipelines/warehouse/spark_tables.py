"""Spark's marts read by DuckDB: the interface every reader of marts keeps on Spark.

The recommender, the publishing steps and the dashboards read `marts.*` from the DuckDB
warehouse file (and its published copy). On Spark, dbt writes the marts as Parquet tables
under <spark dir>/warehouse/marts.db/<name>/ (partitioned ones in <day column>=…/ folders);
after each build `import_marts` replaces the DuckDB file's marts with them, in one
transaction, so those readers work unchanged and never need a Java runtime. Columns come
back in the order and with the types of the marts' contracts (dbt's manifest): Spark moves
partition columns last and stores timestamps as UTC instants. A partitioned mart without
rows has no Parquet file at all; its contract gives it its columns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

SCHEMA = "marts"


def table_dir(spark_dir: Path, schema: str, name: str) -> Path:
    """Where Spark keeps a managed table of the default catalog."""
    return spark_dir / "warehouse" / f"{schema}.db" / name


def duckdb_type(data_type: str) -> str:
    """A contract's data type (rendered for either engine) as DuckDB names it."""
    text = data_type.strip().lower()
    array = re.fullmatch(r"array<(.+)>", text)
    if array:
        return f"{duckdb_type(array[1])}[]"
    if text.endswith("[]"):
        return f"{duckdb_type(text[:-2])}[]"
    return {"string": "varchar", "int": "integer", "long": "bigint"}.get(text, text)


def mart_columns(manifest_path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each mart's contract columns (name, DuckDB type), in the contract's order."""
    manifest = json.loads(manifest_path.read_text())
    marts: dict[str, list[tuple[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] != SCHEMA:
            continue
        columns = node["columns"].values()
        missing = [c["name"] for c in columns if not c.get("data_type")]
        if missing:
            raise ValueError(f"mart {node['name']} declares no data_type for {missing}")
        marts[node["alias"]] = [(c["name"], duckdb_type(c["data_type"])) for c in columns]
    return marts


def select_table(spark_dir: Path, name: str, columns: list[tuple[str, str]]) -> str:
    """DuckDB SELECT of a Spark mart with its contract's columns (no row: nothing read)."""
    folder = table_dir(spark_dir, SCHEMA, name)
    if not any(folder.rglob("*.parquet")):
        return "select " + ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns) \
            + " where false"
    casts = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
    files = str(folder / "**" / "*.parquet").replace("'", "''")
    return (f"select {casts} from read_parquet('{files}', hive_partitioning = true, "
            "union_by_name = true)")


def import_marts(conn: duckdb.DuckDBPyConnection, spark_dir: Path,
                 manifest_path: Path) -> dict[str, int]:
    """Replace the marts schema's tables with Spark's; rows per mart."""
    marts = mart_columns(manifest_path)
    # Spark's Parquet timestamps are UTC instants; the marts hold naive UTC.
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.execute("BEGIN TRANSACTION")
    try:
        for name, columns in sorted(marts.items()):
            conn.execute(f'CREATE OR REPLACE TABLE {SCHEMA}."{name}" AS '
                         + select_table(spark_dir, name, columns))
        rows = {name: conn.execute(f'SELECT count(*) FROM {SCHEMA}."{name}"').fetchone()[0]
                for name in marts}
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return rows
