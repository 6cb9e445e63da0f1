"""Frames for the offline evaluation, read from the warehouse's marts (DuckDB, read-only).

The only module of recommender/ that opens a database: the models themselves see frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.trending import user_regions


class WarehouseMissing(Exception):
    """The warehouse file or one of the marts the evaluation needs is not there."""


@dataclass
class Frames:
    interactions: pd.DataFrame
    orders: pd.DataFrame | None
    segments: dict[str, str]
    regions: dict[str, str]
    catalog_size: int | None


INTERACTIONS = """
    select visitor_key, user_id, session_key, product_id, interaction_type, weight, occurred_at
    from marts.fct_product_interactions
"""
ORDERS = """
    select order_id, product_id, user_id, created_at as ordered_at
    from marts.fct_order_items where is_paid
"""
SEGMENTS = "select user_id, rfm_segment from marts.fct_customer_rfm"
REGIONS = "select user_id, order_id, shipping_region from marts.fct_sub_orders"
CATALOG = "select count(*) from marts.dim_products"


def load(path: Path) -> Frames:
    import duckdb  # here only: the models never need it

    if not path.is_file():
        raise WarehouseMissing(
            f"no warehouse at {path}: run the pipelines first (flywheel pipeline run) "
            "or pass --warehouse"
        )
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseMissing(f"cannot open the warehouse {path}: {exc}") from exc
    try:
        return read(conn, name=str(path))
    finally:
        conn.close()


def read(conn, *, name: str = "the warehouse") -> Frames:
    """Frames from an open DuckDB connection (the caller opens and closes it: the pipelines
    wait for the file lock their own way)."""
    import duckdb

    try:
        interactions = conn.execute(INTERACTIONS).df()
    except duckdb.CatalogException as exc:
        raise WarehouseMissing(
            f"{name} has no marts.fct_product_interactions: build the marts first"
        ) from exc

    def optional(sql: str) -> pd.DataFrame | None:
        try:
            return conn.execute(sql).df()
        except duckdb.CatalogException:
            return None  # an optional mart not built yet: that model is left out

    orders = optional(ORDERS)
    segments_frame = optional(SEGMENTS)
    regions_frame = optional(REGIONS)
    catalog = optional(CATALOG)
    segments = (
        dict(zip(segments_frame["user_id"].astype(str), segments_frame["rfm_segment"],
                 strict=True))
        if segments_frame is not None else {}
    )
    regions = user_regions(regions_frame) if regions_frame is not None else {}
    catalog_size = int(catalog.iloc[0, 0]) if catalog is not None else None
    return Frames(interactions, orders, segments, regions, catalog_size or None)


def from_parquet(interactions: Path, orders: Path | None) -> Frames:
    """Frames from files (tests, or a warehouse exported elsewhere)."""
    for file in (interactions, orders):
        if file is not None and not file.is_file():
            raise WarehouseMissing(f"no such file: {file}")
    return Frames(
        pd.read_parquet(interactions),
        pd.read_parquet(orders) if orders is not None else None,
        {}, {}, None,
    )
