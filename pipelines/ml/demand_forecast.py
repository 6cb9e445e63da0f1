"""Demand forecasts per SKU and location from marts.fct_sku_daily_demand, on every run.

Writes two tables, replaced whole each run (they describe the latest data, not history):
- ml.fct_forecast_accuracy: per series, the model's and the seasonal naive's WAPE on the
  last HORIZON days, held back from the fit (pipelines/ml/forecasting.py);
- ml.demand_forecast: per series, units per day for the next FORECAST_DAYS days, fitted on
  the whole history, with the spread of its one-day errors (for the safety stock).
The warehouse is read, closed, then opened again to write (one DuckDB writer per file).
"""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from pipelines.ml import forecasting
from pipelines.resources import WarehouseResource

ACCURACY = "ml.fct_forecast_accuracy"
FORECAST = "ml.demand_forecast"
DEMAND = dg.AssetKey(["marts", "fct_sku_daily_demand"])
# long enough for any contract's lead time plus the review period
FORECAST_DAYS = 90


def read_demand(warehouse: WarehouseResource) -> pd.DataFrame:
    with warehouse.connect(read_only=True) as conn:
        return conn.execute(
            "select demand_date, sku_id, warehouse_id, units_paid "
            "from marts.fct_sku_daily_demand order by sku_id, warehouse_id, demand_date").df()


def write(warehouse: WarehouseResource, accuracy: pd.DataFrame, forecast: pd.DataFrame) -> None:
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists ml")
        conn.register("accuracy_rows", accuracy)
        conn.register("forecast_rows", forecast)
        try:
            conn.execute("begin")
            conn.execute(f"""
                create or replace table {ACCURACY} as
                select cast(model as varchar) as model, cast(sku_id as varchar) as sku_id,
                    cast(warehouse_id as varchar) as warehouse_id,
                    cast(wape as double) as wape, cast(naive_wape as double) as naive_wape,
                    cast(horizon as integer) as horizon,
                    cast(actual_units as bigint) as actual_units,
                    cast(train_days as integer) as train_days,
                    cast(evaluated_at as timestamptz) as evaluated_at
                from accuracy_rows""")
            conn.execute(f"""
                create or replace table {FORECAST} as
                select cast(sku_id as varchar) as sku_id,
                    cast(warehouse_id as varchar) as warehouse_id,
                    cast(forecast_date as date) as forecast_date,
                    cast(units as double) as units, cast(model as varchar) as model,
                    cast(sigma as double) as sigma
                from forecast_rows""")
            conn.execute("commit")
        finally:
            conn.unregister("accuracy_rows")
            conn.unregister("forecast_rows")


@dg.asset(
    group_name="ml",
    kinds={"python", "duckdb"},
    deps=[DEMAND],
    description="Holt-Winters demand forecast per SKU and location (weekday profile, damped "
    f"trend), scored against the seasonal naive on the last {forecasting.HORIZON} days "
    f"held back ({ACCURACY}), and the next {FORECAST_DAYS} days ({FORECAST}).",
)
def demand_forecast(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    demand = read_demand(warehouse)
    accuracy = forecasting.accuracy_rows(demand).assign(evaluated_at=datetime.now(UTC))
    forecast = forecasting.forecast_rows(demand, FORECAST_DAYS)
    write(warehouse, accuracy, forecast)
    model_wape = forecasting.total_wape(accuracy, "wape")
    naive_wape = forecasting.total_wape(accuracy, "naive_wape")
    context.log.info(f"demand_forecast: {len(accuracy)} series evaluated, WAPE "
                     f"{model_wape} vs naive {naive_wape}")
    return dg.MaterializeResult(metadata={
        "series_evaluated": len(accuracy),
        "series_forecast": int(forecast[["sku_id", "warehouse_id"]].drop_duplicates().shape[0]),
        "wape": model_wape if model_wape is not None else float("nan"),
        "naive_wape": naive_wape if naive_wape is not None else float("nan"),
    })
