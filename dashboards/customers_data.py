"""Queries and pure arithmetic behind the Customers page (marts of models/marts/customers),
on the published warehouse like every dashboard query.

The date range selects customers by acquisition: those whose first paid order falls in it
(cohort months overlapping it, for the cohort marts). Scores and predictions stay as of the
marts' own as-of date, the latest paid day in the warehouse.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

# rfm_segment -> label, in the order of the R x FM table (best first)
SEGMENTS = {
    "champions": "Champions", "loyal": "Loyal", "potential_loyalist": "Potential Loyalist",
    "new": "New", "promising": "Promising", "need_attention": "Need Attention",
    "about_to_sleep": "About to Sleep", "at_risk": "At Risk",
    "cant_lose_them": "Can't Lose Them", "hibernating": "Hibernating", "lost": "Lost",
}


def _month_start(day: date) -> date:
    return day.replace(day=1)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def rfm(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_customer_rfm of the customers first paid in [start, end]."""
    return _query(
        path,
        """
        select user_id, as_of_date, first_paid_date, last_paid_date, recency_days, frequency,
               monetary_cents, r_score, f_score, m_score, fm_score, rfm_segment,
               rfm_segment_name
        from marts.fct_customer_rfm
        where first_paid_date between ? and ?
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def lifetime_value(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_customer_lifetime_value of the customers first paid in [start, end]."""
    return _query(
        path,
        """
        select user_id, as_of_date, first_paid_date, paid_orders, purchase_days,
               historical_clv_cents, p_alive, expected_purchases_12m, expected_spend_cents,
               predicted_clv_12m_cents, clv_model_status
        from marts.fct_customer_lifetime_value
        where first_paid_date between ? and ?
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cohorts(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_customer_cohorts of the cohort months overlapping [start, end]."""
    return _query(
        path,
        """
        select cohort_month, months_since_first_order, activity_month, cohort_customers,
               active_customers, retention_rate
        from marts.fct_customer_cohorts
        where cohort_month between ? and ?
        order by cohort_month, months_since_first_order
        """,
        [_month_start(start), end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def repurchase(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_customer_repurchase of the cohort months overlapping [start, end]."""
    return _query(
        path,
        """
        select cohort_month, first_time_buyers, eligible_buyers, repurchased_within_90d,
               repurchased_so_far, repurchase_rate_90d
        from marts.fct_customer_repurchase
        where cohort_month between ? and ?
        order by cohort_month
        """,
        [_month_start(start), end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def clv_fit(path: str, version: int) -> pd.DataFrame:
    """fct_customer_clv_fit: the BG/NBD and Gamma-Gamma parameters (one row, or none)."""
    return _query(path, "select * from marts.fct_customer_clv_fit")


def rfm_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """Customers per (R, FM) cell, all 25 cells (empty ones at 0), with each cell's share
    of the customers and the segment the table gives it (from the rows, else blank)."""
    counts = frame.groupby(["r_score", "fm_score"]).size()
    segment = frame.groupby(["r_score", "fm_score"])["rfm_segment_name"].first()
    total = max(len(frame), 1)
    rows = []
    for r in range(5, 0, -1):
        for fm in range(1, 6):
            customers = int(counts.get((r, fm), 0))
            rows.append({"r_score": r, "fm_score": fm, "customers": customers,
                         "share": customers / total, "segment": segment.get((r, fm), "")})
    return pd.DataFrame(rows)


def segment_sizes(frame: pd.DataFrame) -> pd.DataFrame:
    """Customers and net revenue per segment, every segment listed in table order."""
    grouped = frame.groupby("rfm_segment").agg(customers=("user_id", "size"),
                                               monetary_cents=("monetary_cents", "sum"))
    rows = [{"rfm_segment": key, "segment": label,
             "customers": int(grouped["customers"].get(key, 0)),
             "monetary_cents": int(grouped["monetary_cents"].get(key, 0))}
            for key, label in SEGMENTS.items()]
    out = pd.DataFrame(rows)
    out["share"] = out["customers"] / max(int(out["customers"].sum()), 1)
    return out


def repurchase_rate(frame: pd.DataFrame) -> float | None:
    """Over several cohort months: repurchased within 90 days / eligible, summed first."""
    eligible = int(frame["eligible_buyers"].sum()) if len(frame) else 0
    return None if eligible == 0 else int(frame["repurchased_within_90d"].sum()) / eligible


def value_histogram(frame: pd.DataFrame, bins: int = 20) -> pd.DataFrame:
    """Customers per bin of historical and of predicted 12-month value, in currency units.

    Bins are equal-width from 0 (or the lowest value, if negative) to the 99th percentile of
    both measures; the last bin also takes everything above it, so one big spender does not
    squeeze the rest into the first bar. Customers without a prediction are left out of the
    predicted measure."""
    columns = {"Historical": "historical_clv_cents",
               "Predicted, 12 months": "predicted_clv_12m_cents"}
    values = {label: frame[column].dropna().astype("float64").to_numpy() / 100
              for label, column in columns.items()}
    pooled = np.concatenate([v for v in values.values()]) if values else np.array([])
    if pooled.size == 0:
        return pd.DataFrame(columns=["measure", "bin_start", "bin_end", "customers"])
    low, high = min(0.0, float(pooled.min())), float(np.quantile(pooled, 0.99))
    if high <= low:
        high = low + 1.0
    edges = np.linspace(low, high, bins + 1)
    rows = []
    for label, data in values.items():
        index = np.clip(np.searchsorted(edges, data, side="right") - 1, 0, bins - 1)
        counts = np.bincount(index, minlength=bins)
        rows += [{"measure": label, "bin_start": float(edges[i]), "bin_end": float(edges[i + 1]),
                  "customers": int(counts[i])} for i in range(bins)]
    return pd.DataFrame(rows)
