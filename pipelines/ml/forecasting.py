"""Daily demand forecasts per SKU and location, and their evaluation against a naive one.

Plain functions over numpy arrays and pandas frames (no Dagster): the asset in
demand_forecast.py reads the marts and writes the results.

The model is statsmodels' Holt-Winters exponential smoothing: a level with a damped additive
trend and an additive weekday profile (seasonal period 7), its smoothing weights fitted by
maximum likelihood on the series' own history. Why this and not a gradient-boosted model
over lag features: a quarter of daily sales per SKU is ~90 points, too few for a tree
model per series, and the weekday-plus-trend shape the shop's sales have is exactly what
Holt-Winters describes with four parameters; statsmodels is the maintained reference
implementation. Additive (not multiplicative) seasonality because slow movers have zero days.

The naive forecast is the seasonal naive: each future day gets the units of the same weekday
in the last observed week. Both are scored with WAPE = sum |actual - forecast| / sum actual
over the held-back days (the last `horizon` days), which the fit never sees.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEASON = 7
HORIZON = 14
MODEL = "holt_winters"
FALLBACK = "weekday_mean"
# Holt-Winters needs two full weeks to start its weekday profile and a few more to fit its
# weights; a shorter history gets the mean of each weekday instead.
MIN_FIT_DAYS = 4 * SEASON


@dataclass(frozen=True)
class Fit:
    model: str
    forecast: np.ndarray  # units per day for the horizon, never negative
    sigma: float  # standard deviation of the one-day-ahead errors in the history


def seasonal_naive(history: np.ndarray, horizon: int, season: int = SEASON) -> np.ndarray:
    """Each future day: the same weekday of the last observed week."""
    history = np.asarray(history, dtype=float)
    if len(history) < season:
        return np.full(horizon, history[-1] if len(history) else 0.0)
    last_week = history[-season:]
    return np.array([last_week[h % season] for h in range(horizon)], dtype=float)


def wape(actual: np.ndarray, forecast: np.ndarray) -> float | None:
    """Weighted absolute percentage error; None when nothing was sold (undefined)."""
    actual = np.asarray(actual, dtype=float)
    total = actual.sum()
    if total <= 0:
        return None
    return float(np.abs(actual - np.asarray(forecast, dtype=float)).sum() / total)


def _weekday_mean(history: np.ndarray, horizon: int) -> Fit:
    n = len(history)
    means = [history[i::SEASON].mean() if len(history[i::SEASON]) else 0.0
             for i in range(SEASON)]
    # day h of the horizon is position n + h of the series
    forecast = np.array([means[(n + h) % SEASON] for h in range(horizon)])
    fitted = np.array([means[i % SEASON] for i in range(n)])
    sigma = float(np.std(history - fitted)) if n > 1 else 0.0
    return Fit(FALLBACK, np.clip(forecast, 0, None), sigma)


def fit_forecast(history: np.ndarray, horizon: int) -> Fit:
    """Fit on the whole history and forecast the next `horizon` days."""
    history = np.asarray(history, dtype=float)
    if len(history) < MIN_FIT_DAYS or history.sum() == 0:
        return _weekday_mean(history, horizon)
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        # flat or tiny series fit fine but warn about convergence of the optimiser
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(
            history, trend="add", damped_trend=True, seasonal="add",
            seasonal_periods=SEASON, initialization_method="estimated",
        ).fit()
        forecast = np.asarray(fitted.forecast(horizon), dtype=float)
    if not np.all(np.isfinite(forecast)):
        return _weekday_mean(history, horizon)
    residuals = history - np.asarray(fitted.fittedvalues, dtype=float)
    return Fit(MODEL, np.clip(forecast, 0, None), float(np.std(residuals)))


@dataclass(frozen=True)
class Evaluation:
    model: str
    wape: float | None
    naive_wape: float | None
    horizon: int
    actual_units: int
    train_days: int


def evaluate(series: np.ndarray, horizon: int = HORIZON) -> Evaluation | None:
    """Hold back the last `horizon` days, fit on the rest, score both forecasts on them.
    None when the series is too short to hold anything back (under a week of history)."""
    series = np.asarray(series, dtype=float)
    train, test = series[:-horizon], series[-horizon:]
    if len(train) < SEASON:
        return None
    fit = fit_forecast(train, horizon)
    return Evaluation(fit.model, wape(test, fit.forecast),
                      wape(test, seasonal_naive(train, horizon)), horizon,
                      int(test.sum()), len(train))


def series_of(demand: pd.DataFrame) -> dict[tuple[str, str], tuple[pd.Timestamp, np.ndarray]]:
    """(sku_id, warehouse_id) -> (last day, daily units in date order) from rows of
    marts.fct_sku_daily_demand (zero-filled there, so each series is regular)."""
    out = {}
    ordered = demand.sort_values("demand_date")
    for (sku, warehouse), rows in ordered.groupby(["sku_id", "warehouse_id"], sort=True):
        out[(sku, warehouse)] = (pd.Timestamp(rows["demand_date"].iloc[-1]),
                                 rows["units_paid"].to_numpy(dtype=float))
    return out


def accuracy_rows(demand: pd.DataFrame, horizon: int = HORIZON) -> pd.DataFrame:
    """One row per series long enough to evaluate: model, sku, warehouse, wape, naive_wape,
    horizon, the held-back units and the training days."""
    rows = []
    for (sku, warehouse), (_, units) in series_of(demand).items():
        result = evaluate(units, horizon)
        if result is None:
            continue
        rows.append({"model": result.model, "sku_id": sku, "warehouse_id": warehouse,
                     "wape": result.wape, "naive_wape": result.naive_wape,
                     "horizon": result.horizon, "actual_units": result.actual_units,
                     "train_days": result.train_days})
    return pd.DataFrame(rows, columns=["model", "sku_id", "warehouse_id", "wape",
                                       "naive_wape", "horizon", "actual_units", "train_days"])


def forecast_rows(demand: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """The next `horizon` days per series, fitted on all of its history."""
    rows = []
    for (sku, warehouse), (last_day, units) in series_of(demand).items():
        fit = fit_forecast(units, horizon)
        for h, value in enumerate(fit.forecast, start=1):
            rows.append({"sku_id": sku, "warehouse_id": warehouse,
                         "forecast_date": (last_day + pd.Timedelta(days=h)).date(),
                         "units": float(value), "model": fit.model, "sigma": fit.sigma})
    return pd.DataFrame(rows, columns=["sku_id", "warehouse_id", "forecast_date", "units",
                                       "model", "sigma"])


def total_wape(accuracy: pd.DataFrame, column: str) -> float | None:
    """WAPE over every evaluated series together (each weighted by its held-back units)."""
    scored = accuracy.dropna(subset=[column])
    units = scored["actual_units"].sum()
    if units <= 0:
        return None
    return float((scored[column] * scored["actual_units"]).sum() / units)
