"""The warehouse engine the dbt models run on: DuckDB (the embedded default) or Spark.

FLYWHEEL_WAREHOUSE (transactional_api.config.Settings.warehouse) picks it. The ingest is the
same on both: landed events compacted into Parquet parts in the lake (pipelines/ingest),
the OLTP snapshot in the warehouse file and as Parquet beside the lake (oltp_parquet.py).
DuckDB reads them through the raw and oltp schemas the ingest writes; Spark through tables
dbt registers over the same files (dbt_project/macros/cross_engine/lake_sources.sql).
"""
