"""Spark's marts read into the DuckDB file, without Spark: the files are laid out as Spark
writes a managed Parquet table (partitioned by a day, timestamps as UTC instants)."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pytest

from pipelines.warehouse.spark_tables import duckdb_type, import_marts, table_dir


def _manifest(path, columns: dict[str, list[tuple[str, str]]]):
    nodes = {f"model.flywheel.{name}": {
        "resource_type": "model", "schema": "marts", "name": name, "alias": name,
        "columns": {c: {"name": c, "data_type": t} for c, t in cols}}
        for name, cols in columns.items()}
    path.write_text(json.dumps({"nodes": nodes}))
    return path


@pytest.mark.parametrize(("declared", "duck"), [
    ("string", "varchar"), ("bigint", "bigint"), ("array<string>", "varchar[]"),
    ("varchar[]", "varchar[]"), ("timestamp", "timestamp"), ("int", "integer")])
def test_contract_types_read_as_duckdb_names_them(declared, duck):
    assert duckdb_type(declared) == duck


def test_a_partitioned_mart_comes_back_in_contract_order_with_naive_utc_times(tmp_path):
    spark = tmp_path / "spark"
    folder = table_dir(spark, "marts", "fct_daily")
    for day, cents in (("2025-03-01", 1250), ("2025-03-02", 99)):
        (folder / f"kpi_date={day}").mkdir(parents=True)
        # Spark writes the partition column in the folder name only, times with a zone
        with duckdb.connect() as conn:
            conn.execute("SET TimeZone = 'Europe/Paris'")
            conn.execute(
                f"COPY (SELECT {cents}::BIGINT AS gmv_cents, "
                f"TIMESTAMPTZ '{day} 23:30:00+00' AS last_paid_at) "
                f"TO '{folder}/kpi_date={day}/part-00000.snappy.parquet' (FORMAT parquet)")
    manifest = _manifest(tmp_path / "manifest.json", {"fct_daily": [
        ("kpi_date", "date"), ("gmv_cents", "bigint"), ("last_paid_at", "timestamp")]})
    with duckdb.connect() as conn:
        conn.execute("SET TimeZone = 'Asia/Tokyo'")  # the reader's zone must not matter
        assert import_marts(conn, spark, manifest) == {"fct_daily": 2}
        rel = conn.execute("select * from marts.fct_daily order by kpi_date")
        assert [d[0] for d in rel.description] == ["kpi_date", "gmv_cents", "last_paid_at"]
        assert rel.fetchall() == [
            (date(2025, 3, 1), 1250, datetime(2025, 3, 1, 23, 30)),
            (date(2025, 3, 2), 99, datetime(2025, 3, 2, 23, 30))]


def test_a_partitioned_mart_without_rows_gets_its_contract_columns(tmp_path):
    spark = tmp_path / "spark"
    table_dir(spark, "marts", "fct_quiet").mkdir(parents=True)  # Spark writes no file
    manifest = _manifest(tmp_path / "manifest.json", {"fct_quiet": [
        ("session_key", "string"), ("session_date", "date")]})
    with duckdb.connect() as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.fct_quiet as select 'stale' as session_key")
        assert import_marts(conn, spark, manifest) == {"fct_quiet": 0}
        columns = conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'fct_quiet' order by ordinal_position").fetchall()
        assert columns == [("session_key", "VARCHAR"), ("session_date", "DATE")]


def test_a_mart_without_declared_types_is_refused(tmp_path):
    manifest = _manifest(tmp_path / "manifest.json", {"fct_loose": [("x", "")]})
    with duckdb.connect() as conn, pytest.raises(ValueError, match="fct_loose"):
        import_marts(conn, tmp_path / "spark", manifest)
