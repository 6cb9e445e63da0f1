"""Train the recommenders on marts.fct_product_interactions and keep the result on disk.

The artifact (popular items, item neighbours, per-user lists) is a JSON file under the var
dir, written aside and renamed, so the serve step always reads a whole model.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.resources import WarehouseResource
from recommender.cooccurrence import item_cooccurrence, user_recommendations
from recommender.evaluate import hit_rate_at_k
from recommender.popularity import popular_items
from transactional_api.config import Settings

INTERACTION_COLUMNS = (
    "visitor_key", "user_id", "session_key", "product_id", "interaction_type", "weight",
    "occurred_at",
)
POPULAR_LIMIT = 50
TOP_K = 20


def model_path() -> Path:
    return (Settings().var_dir / "models" / "recommender.json").resolve()


def read_interactions(warehouse: WarehouseResource) -> pd.DataFrame:
    with warehouse.connect(read_only=True) as conn:
        return conn.execute(
            f"SELECT {', '.join(INTERACTION_COLUMNS)} FROM marts.fct_product_interactions"
        ).df()


def train(interactions: pd.DataFrame) -> dict[str, Any]:
    neighbours = item_cooccurrence(interactions, top_k=TOP_K)
    return {
        "popular": popular_items(interactions, limit=POPULAR_LIMIT),
        "item_recos": neighbours,
        "user_recos": user_recommendations(interactions, neighbours, top_k=TOP_K),
    }


def write_json_atomically(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or model_path()).read_text(encoding="utf-8"))


@dg.asset(
    group_name="ml",
    kinds={"python", "scipy"},
    deps=[dg.AssetKey(["marts", "fct_product_interactions"])],
    description="Popularity and session co-occurrence recommendations, as a JSON artifact.",
)
def recommender_model(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    interactions = read_interactions(warehouse)
    model = train(interactions)
    model["trained_on"] = int(len(interactions))
    path = model_path()
    write_json_atomically(path, model)
    metrics = hit_rate_at_k(interactions, k=10) if not interactions.empty else {}
    context.log.info(
        f"recommender_model: {len(interactions)} interactions, "
        f"{len(model['item_recos'])} items with neighbours, {len(model['user_recos'])} users"
    )
    return dg.MaterializeResult(
        metadata={
            "path": str(path),
            "interactions": len(interactions),
            "popular_items": len(model["popular"]),
            "items_with_neighbours": len(model["item_recos"]),
            "users_with_recos": len(model["user_recos"]),
            **{f"hit_rate@10/{name}": float(value) for name, value in metrics.items()},
        }
    )
