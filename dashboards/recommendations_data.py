"""Read-only queries and pure summaries behind the Recommendations page
(marts.fct_recommendation_performance_daily and marts.fct_recommendation_ab_daily), on the
published warehouse like every dashboard query (data.py). The queries raise
WarehouseUnavailable when the published warehouse predates the recommendation marts."""

from __future__ import annotations

import math
from datetime import date
from statistics import NormalDist

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

AB_COUNTS = ["exposed_visitors", "clicking_visitors", "impressions", "clicks",
             "converted_visitors", "orders", "gmv_cents", "attributed_gmv_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def performance_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select activity_date, placement, model, variant, lists_shown, impressions, clicks,
               exposed_users, exposed_visitors, attributed_orders, attributed_order_lines,
               attributed_gmv_cents, currency, attribution_hours
        from marts.fct_recommendation_performance_daily
        where activity_date between ? and ?
        order by activity_date, placement, model, variant
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def ab_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select activity_date, variant, exposed_visitors, clicking_visitors, impressions,
               clicks, converted_visitors, orders, gmv_cents, attributed_gmv_cents, currency
        from marts.fct_recommendation_ab_daily
        where activity_date between ? and ?
        order by activity_date, variant
        """,
        [start, end],
    )


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def by_model_placement(days: pd.DataFrame) -> pd.DataFrame:
    """Per day and model / placement (variants summed): impressions, clicks, CTR and
    attributed GMV, for the charts over time."""
    columns = ["activity_date", "series", "impressions", "clicks", "ctr",
               "attributed_gmv_cents"]
    if days.empty:
        return pd.DataFrame(columns=columns)
    grouped = days.assign(series=days["model"] + " / " + days["placement"]).groupby(
        ["activity_date", "series"], as_index=False)[
        ["impressions", "clicks", "attributed_gmv_cents"]].sum()
    grouped["ctr"] = _rate(grouped["clicks"], grouped["impressions"])
    return grouped[columns]


def per_model_placement(days: pd.DataFrame) -> pd.DataFrame:
    """One row per model and placement over the range."""
    keys = ["model", "placement"]
    counts = ["lists_shown", "impressions", "clicks", "attributed_orders",
              "attributed_gmv_cents"]
    if days.empty:
        return pd.DataFrame(columns=[*keys, *counts, "ctr"])
    grouped = days.groupby(keys, as_index=False)[counts].sum()
    grouped["ctr"] = _rate(grouped["clicks"], grouped["impressions"])
    return grouped.sort_values(["impressions", "model"], ascending=[False, True]) \
        .reset_index(drop=True)


def per_variant(ab: pd.DataFrame) -> pd.DataFrame:
    """One row per variant over the range: counts summed (visitors are visitor-days: one
    exposed on two days counts twice), CTR, conversion rate and GMV per exposed visitor."""
    if ab.empty:
        return pd.DataFrame(columns=["variant", *AB_COUNTS, "ctr", "conversion_rate",
                                     "gmv_per_exposed_visitor_cents"])
    grouped = ab.groupby("variant", as_index=False)[AB_COUNTS].sum()
    grouped["ctr"] = _rate(grouped["clicks"], grouped["impressions"])
    grouped["conversion_rate"] = _rate(grouped["converted_visitors"],
                                       grouped["exposed_visitors"])
    grouped["gmv_per_exposed_visitor_cents"] = _rate(grouped["gmv_cents"],
                                                     grouped["exposed_visitors"])
    return grouped.sort_values("variant").reset_index(drop=True)


def ctr_difference_interval(clicks_a: int, impressions_a: int, clicks_b: int,
                            impressions_b: int, confidence: float = 0.95
                            ) -> tuple[float, float, float] | None:
    """CTR(b) - CTR(a) with its two-proportion z-interval (Wald, unpooled standard error):
    diff +- z * sqrt(pa(1-pa)/na + pb(1-pb)/nb). None without impressions on either side."""
    if impressions_a <= 0 or impressions_b <= 0:
        return None
    pa, pb = clicks_a / impressions_a, clicks_b / impressions_b
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    se = math.sqrt(pa * (1 - pa) / impressions_a + pb * (1 - pb) / impressions_b)
    diff = pb - pa
    return diff, diff - z * se, diff + z * se


def against_control(variants: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Each variant's CTR difference to the control (the first variant by name) with its
    interval, and whether the interval excludes zero."""
    columns = ["variant", "control", "ctr_difference", "low", "high", "significant"]
    if len(variants) < 2:
        return pd.DataFrame(columns=columns)
    control = variants.iloc[0]
    rows = []
    for _, row in variants.iloc[1:].iterrows():
        interval = ctr_difference_interval(int(control["clicks"]), int(control["impressions"]),
                                           int(row["clicks"]), int(row["impressions"]),
                                           confidence)
        if interval is None:
            continue
        diff, low, high = interval
        rows.append((row["variant"], control["variant"], diff, low, high,
                     bool(low > 0 or high < 0)))
    return pd.DataFrame(rows, columns=columns)


# The offline evaluation the pipelines append per run (pipelines/ml/reco_evaluation.py);
# WarehouseUnavailable until its first run with enough data.
OFFLINE_METRICS = {"hr": "HR", "mrr": "MRR", "ndcg": "NDCG", "coverage": "Coverage",
                   "popularity_bias": "Popularity bias"}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def offline_runs(path: str, version: int) -> pd.DataFrame:
    frame = _query(
        path,
        """
        select evaluated_at, cut, k, model, hr, mrr, ndcg, coverage, popularity_bias, users
        from ml.reco_offline_evaluation
        order by evaluated_at, model
        """,
    )
    for column in ("evaluated_at", "cut"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def latest_offline_run(runs: pd.DataFrame) -> pd.DataFrame:
    """The newest run's rows, popularity first then by NDCG, with each model's HR and NDCG
    as a multiple of popularity's (None when popularity scored 0 or is missing)."""
    columns = ["model", *OFFLINE_METRICS, "users", "hr_vs_popularity",
               "ndcg_vs_popularity"]
    if runs.empty:
        return pd.DataFrame(columns=columns)
    latest = runs[runs["evaluated_at"] == runs["evaluated_at"].max()].copy()
    base = latest.loc[latest["model"] == "popularity"]
    for metric in ("hr", "ndcg"):
        reference = float(base[metric].iloc[0]) if len(base) else 0.0
        latest[f"{metric}_vs_popularity"] = (
            latest[metric] / reference if reference > 0 else None)
    latest["not_popularity"] = latest["model"] != "popularity"
    latest = latest.sort_values(["not_popularity", "ndcg", "model"],
                                ascending=[True, False, True])
    return latest[columns].reset_index(drop=True)


def offline_bars(latest: pd.DataFrame, k: int) -> pd.DataFrame:
    """HR@K and NDCG@K per model, long, for a grouped bar chart."""
    if latest.empty:
        return pd.DataFrame(columns=["model", "metric", "value"])
    long = latest.melt(id_vars="model", value_vars=["hr", "ndcg"], var_name="metric")
    long["metric"] = long["metric"].map({"hr": f"HR@{k}", "ndcg": f"NDCG@{k}"})
    return long[["model", "metric", "value"]]


def offline_history(runs: pd.DataFrame, k: int) -> pd.DataFrame:
    """Every run at list length k (runs at another k are not comparable), oldest first."""
    return runs[runs["k"] == k].sort_values(["evaluated_at", "model"]).reset_index(drop=True)
