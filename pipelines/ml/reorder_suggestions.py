"""Reorder suggestions per SKU and location from the demand forecast, the stock cover and
procurement's contracts (pipelines/ml/reorder_policy.py has the rule), into
ml.reorder_suggestions, replaced whole each run. Only (SKU, location)s that need an order
now are rows. Contracts and units on order are read from the OLTP through the API's
replenishment.supply (procurement's public functions); pipelines/serve/reorder.py
publishes the table to Redis for the API."""

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import numpy as np
import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from pipelines.ml.demand_forecast import FORECAST
from pipelines.ml.reorder_policy import reorder
from pipelines.resources import WarehouseResource
from pipelines.serve.anomaly_alerts import oltp_sessions
from transactional_api.config import Settings
from transactional_api.replenishment import supply

TABLE = "ml.reorder_suggestions"
COVER = dg.AssetKey(["marts", "fct_stock_cover"])
COLUMNS = ["suggestion_id", "as_of", "sku_id", "location_id", "supplier_id", "on_hand",
           "on_order", "mean_daily_demand", "sigma_daily", "lead_time_days", "review_days",
           "moq", "service_level", "safety_stock", "reorder_point", "quantity",
           "days_of_cover", "forecast_model", "generated_at"]


def supply_terms(pairs: list[tuple[str, str]]
                 ) -> tuple[dict[str, supply.Terms], dict[tuple[str, str], int]]:
    """Contract terms per SKU and units on order per (SKU, location), from the OLTP. None
    of either while procurement's tables or functions are missing (logged by the caller)."""
    terms: dict[str, supply.Terms] = {}
    on_order: dict[tuple[str, str], int] = {}
    with oltp_sessions() as sessions, sessions() as session:
        for sku in sorted({sku for sku, _ in pairs}):
            found = supply.terms_for(session=session, sku_id=sku)
            if found is not None:
                terms[sku] = found
        for sku, location in pairs:
            on_order[(sku, location)] = supply.units_on_order(
                session=session, sku_id=sku, location_id=location)
    return terms, on_order


def read_inputs(warehouse: WarehouseResource) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warehouse.connect(read_only=True) as conn:
        forecast = conn.execute(
            f"select sku_id, warehouse_id, forecast_date, units, model, sigma from {FORECAST} "
            "order by sku_id, warehouse_id, forecast_date").df()
        cover = conn.execute(
            "select sku_id, warehouse_id, sellable, days_of_cover "
            "from marts.fct_stock_cover").df()
    return forecast, cover


def suggestions(forecast: pd.DataFrame, cover: pd.DataFrame, terms: dict[str, supply.Terms],
                on_order: dict[tuple[str, str], int], settings: Settings,
                generated_at: datetime) -> pd.DataFrame:
    """One row per (SKU, location) whose stock and open orders are at or below its reorder
    point. A SKU without a contract is suggested with the default lead time, MOQ 1 and no
    supplier (an operator sees the need; the API cannot order it)."""
    stock = {(r.sku_id, r.warehouse_id): r for r in cover.itertuples(index=False)}
    rows = []
    for (sku, location), series in forecast.groupby(["sku_id", "warehouse_id"], sort=True):
        contract = terms.get(sku)
        lead = contract.lead_time_days if contract else \
            settings.replenishment_default_lead_time_days
        moq = contract.moq if contract else 1
        level = stock.get((sku, location))
        available = max(0, int(level.sellable)) if level is not None else 0
        ordered = on_order.get((sku, location), 0)
        sigma = float(series["sigma"].iloc[0])
        result = reorder(forecast=series["units"].to_numpy(dtype=float), sigma=sigma,
                         available=available, on_order=ordered, lead_time_days=lead,
                         review_days=settings.replenishment_review_days, moq=moq,
                         service_level=settings.replenishment_service_level)
        if result.quantity <= 0:
            continue
        as_of: date = pd.Timestamp(series["forecast_date"].iloc[0]).date() - timedelta(days=1)
        cover_days = None if level is None or pd.isna(level.days_of_cover) \
            else float(level.days_of_cover)
        rows.append({
            "suggestion_id": f"{as_of.isoformat()}:{sku}:{location}", "as_of": as_of,
            "sku_id": sku, "location_id": location,
            "supplier_id": contract.supplier_id if contract else None,
            "on_hand": available, "on_order": ordered,
            "mean_daily_demand": round(result.mean_daily_demand, 4),
            "sigma_daily": round(sigma, 4), "lead_time_days": lead,
            "review_days": settings.replenishment_review_days, "moq": moq,
            "service_level": settings.replenishment_service_level,
            "safety_stock": round(result.safety_stock, 4),
            "reorder_point": round(result.reorder_point, 4), "quantity": result.quantity,
            "days_of_cover": cover_days, "forecast_model": str(series["model"].iloc[0]),
            "generated_at": generated_at})
    return pd.DataFrame(rows, columns=COLUMNS)


def write(warehouse: WarehouseResource, frame: pd.DataFrame) -> None:
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists ml")
        conn.register("suggestion_rows", frame)
        try:
            conn.execute(f"""
                create or replace table {TABLE} as
                select cast(suggestion_id as varchar) as suggestion_id,
                    cast(as_of as date) as as_of, cast(sku_id as varchar) as sku_id,
                    cast(location_id as varchar) as location_id,
                    cast(supplier_id as varchar) as supplier_id,
                    cast(on_hand as bigint) as on_hand, cast(on_order as bigint) as on_order,
                    cast(mean_daily_demand as double) as mean_daily_demand,
                    cast(sigma_daily as double) as sigma_daily,
                    cast(lead_time_days as integer) as lead_time_days,
                    cast(review_days as integer) as review_days, cast(moq as bigint) as moq,
                    cast(service_level as double) as service_level,
                    cast(safety_stock as double) as safety_stock,
                    cast(reorder_point as double) as reorder_point,
                    cast(quantity as bigint) as quantity,
                    cast(days_of_cover as double) as days_of_cover,
                    cast(forecast_model as varchar) as forecast_model,
                    cast(generated_at as timestamptz) as generated_at
                from suggestion_rows""")
        finally:
            conn.unregister("suggestion_rows")


@dg.asset(
    group_name="ml",
    kinds={"python", "duckdb", "sqlite"},
    deps=["demand_forecast", COVER],
    description="Reorder suggestions (reorder point with safety stock, quantity for lead "
    f"time + review period, at least the MOQ) per SKU and location, into {TABLE}.",
)
def reorder_suggestions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    forecast, cover = read_inputs(warehouse)
    pairs = sorted(set(zip(forecast["sku_id"], forecast["warehouse_id"], strict=True)))
    try:
        terms, on_order = supply_terms(pairs)
    except (ImportError, SQLAlchemyError) as exc:
        # an OLTP the API has not migrated to procurement yet: suggest without contracts
        context.log.warning(f"reorder_suggestions: no procurement terms ({exc})")
        terms, on_order = {}, {}
    frame = suggestions(forecast, cover, terms, on_order, Settings(), datetime.now(UTC))
    write(warehouse, frame)
    context.log.info(f"reorder_suggestions: {len(frame)} of {len(pairs)} series need an order")
    return dg.MaterializeResult(metadata={
        "suggestions": len(frame), "series": len(pairs),
        "units": int(np.sum(frame["quantity"])) if len(frame) else 0,
        "with_supplier": int(frame["supplier_id"].notna().sum()) if len(frame) else 0})
