"""The offline evaluation of the list models (recommender/offline) on every pipeline run.

Each run appends one row per model to ml.reco_offline_evaluation, so the Recommendations
page shows the latest figures beside popularity and their history, and rewrites the
markdown report under the var dir. The warehouse is read, closed, then opened again to
write: DuckDB takes one writer per file, and dbt or another asset may need it in between.
"""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.resources import WarehouseResource
from recommender.offline import report
from recommender.offline.evaluate import evaluate, time_split
from recommender.offline.warehouse import Frames, read
from transactional_api.config import Settings

TABLE = "ml.reco_offline_evaluation"
K = 10
TEST_FRACTION = 0.2
# Below this many users with history before the cut and new products after it, the
# figures are noise: the run logs why and writes nothing.
MIN_USERS = 5
MARTS = ("fct_product_interactions", "fct_order_items", "dim_products", "fct_customer_rfm",
         "fct_sub_orders")
COLUMNS = ["evaluated_at", "cut", "k", "model", "hr", "mrr", "ndcg", "coverage",
           "popularity_bias", "users_with_list", "users", "train_interactions",
           "test_interactions", "catalog_size"]
DDL = f"""
create table if not exists {TABLE} (
    evaluated_at timestamptz not null,
    cut timestamptz not null,
    k integer not null,
    model varchar not null,
    hr double not null,
    mrr double not null,
    ndcg double not null,
    coverage double not null,
    popularity_bias double not null,
    users_with_list double not null,
    users integer not null,
    train_interactions bigint not null,
    test_interactions bigint not null,
    catalog_size integer not null,
    primary key (evaluated_at, model)
)
"""


def report_path() -> Path:
    return (Settings().var_dir / "reports" / "reco_offline_evaluation.md").resolve()


def too_little_data(frames: Frames, *, test_fraction: float = TEST_FRACTION) -> str | None:
    """Why the warehouse cannot be evaluated yet, or None when it can."""
    try:
        split = time_split(frames.interactions, test_fraction=test_fraction)
    except ValueError as exc:  # no interactions at all
        return str(exc)
    if len(split.targets) < MIN_USERS:
        return (f"{len(split.targets)} users with history before the cut "
                f"({split.cut.isoformat()}) and new products after it; at least "
                f"{MIN_USERS} are needed")
    return None


def rows(result: dict, evaluated_at: datetime) -> pd.DataFrame:
    """One row per model of an evaluate() result, in the table's columns."""
    k = result["k"]
    frame = pd.DataFrame([
        {"evaluated_at": evaluated_at, "cut": pd.Timestamp(result["cut"]), "k": k,
         "model": name, "hr": f[f"hr@{k}"], "mrr": f[f"mrr@{k}"], "ndcg": f[f"ndcg@{k}"],
         "coverage": f["coverage"], "popularity_bias": f["popularity_bias"],
         "users_with_list": f["users_with_list"], "users": result["users"],
         "train_interactions": result["train_interactions"],
         "test_interactions": result["test_interactions"],
         "catalog_size": result["catalog_size"]}
        for name, f in result["models"].items()
    ], columns=COLUMNS)
    for column in ("evaluated_at", "cut"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def append(warehouse: WarehouseResource, frame: pd.DataFrame) -> int:
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists ml")
        conn.execute(DDL)
        conn.register("evaluation_rows", frame)
        try:
            conn.execute(f"insert into {TABLE} by name select * from evaluation_rows")
        finally:
            conn.unregister("evaluation_rows")
    return len(frame)


@dg.asset(
    group_name="ml",
    kinds={"python", "duckdb"},
    deps=[dg.AssetKey(["marts", m]) for m in MARTS],
    description="Time-split offline evaluation of every list model beside popularity "
    f"(HR/MRR/NDCG@{K}, catalog coverage, popularity bias), appended per run to {TABLE}, "
    "with a markdown report under <var>/reports/.",
)
def reco_offline_evaluation(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(read_only=True) as conn:
        frames = read(conn, name=str(warehouse.resolved_path()))
    reason = too_little_data(frames)
    if reason is not None:
        context.log.warning(f"reco_offline_evaluation: nothing written, too little data: "
                            f"{reason}")
        return dg.MaterializeResult(metadata={"rows_written": 0, "skipped": reason})
    result = evaluate(frames.interactions, orders=frames.orders, segments=frames.segments,
                      regions=frames.regions, catalog_size=frames.catalog_size, k=K,
                      test_fraction=TEST_FRACTION, progress=context.log.info)
    evaluated_at = datetime.now(UTC)
    written = append(warehouse, rows(result, evaluated_at))
    path = report.write(result, report_path())
    context.log.info(f"reco_offline_evaluation: {written} rows appended to {TABLE}, "
                     f"report {path}")
    return dg.MaterializeResult(metadata={
        "rows_written": written, "users": result["users"], "cut": result["cut"],
        "report": str(path), "evaluated_at": evaluated_at.isoformat(),
        **{f"hr@{K}/{name}": f[f"hr@{K}"] for name, f in result["models"].items()},
        **{f"ndcg@{K}/{name}": f[f"ndcg@{K}"] for name, f in result["models"].items()},
    })
