"""Swap in a fresh read-only copy of the warehouse for dashboards and the API.

Readers open the copy, never the pipelines' file, so a dashboard left open cannot hold the
DuckDB lock a pipeline run needs. The copy is written aside and renamed over the old one:
a reader opening it sees the previous build or this one, whole.
"""

import os
import shutil
import tempfile
from pathlib import Path

import dagster as dg

from pipelines.resources import WarehouseResource
from pipelines.transform.dbt import flywheel_dbt_assets
from transactional_api.config import Settings


def copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dg.asset(
    group_name="serve",
    kinds={"duckdb"},
    # after the assets that write the warehouse, so the copy holds what they wrote
    deps=[*flywheel_dbt_assets.keys, dg.AssetKey("reco_offline_evaluation"),
          dg.AssetKey("demand_forecast"), dg.AssetKey("reorder_suggestions")],
    description="Read-only copy of the warehouse (Settings.published_warehouse_path).",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    source = warehouse.resolved_path()
    with warehouse.connect() as conn:
        # Fold the write-ahead log into the file so the copy is complete on its own.
        conn.execute("CHECKPOINT")
    target = Settings().published_warehouse_path
    copy_atomically(source, target)
    context.log.info(f"published_warehouse: {source} -> {target}")
    return dg.MaterializeResult(
        metadata={"path": str(target), "bytes": target.stat().st_size}
    )
