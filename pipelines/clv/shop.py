"""The models on the shop's own paid orders: what the dbt Python models
int_customers_clv_fit and int_customers_clv_predicted return (they only read and call).

Input: int_customer_orders rows (user_id, paid_date, net_cents). Calibration runs through
as_of_date, the latest payment day in the warehouse (a build of the same data fits the
same), in weeks; purchases count on distinct days; a day's spend is its orders net of what
was given back, in currency units (dollars for USD) so gamma reads as the papers' does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.clv import bgnbd, gamma_gamma
from pipelines.clv.summary import SUMMARY_COLUMNS, calibration_summary

MIN_CUSTOMERS = 10  # fewer buyers than this fit nothing worth showing
HORIZON_WEEKS = 365 / 7  # "the next 12 months"
FIT_COLUMNS = {
    "as_of_date": "datetime64[us]", "fit_status": "string", "customers": "int64",
    "repeat_customers": "int64", "bgnbd_r": "float64", "bgnbd_alpha": "float64",
    "bgnbd_a": "float64", "bgnbd_b": "float64", "bgnbd_log_likelihood": "float64",
    "gamma_gamma_customers": "int64", "gamma_gamma_p": "float64", "gamma_gamma_q": "float64",
    "gamma_gamma_gamma": "float64", "gamma_gamma_log_likelihood": "float64",
}
PREDICTION_COLUMNS = {
    "user_id": "string", "purchase_days": "int64", "repeat_purchase_days": "int64",
    "recency_weeks": "float64", "age_weeks": "float64", "mean_repeat_spend_cents": "float64",
    "p_alive": "float64", "expected_purchases_12m": "float64",
    "expected_spend_cents": "float64", "predicted_clv_12m_cents": "Int64",
}


def summarise(orders: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.DataFrame]:
    if orders.empty:
        return None, pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS})
    as_of = pd.Timestamp(orders["paid_date"].max())
    purchases = pd.DataFrame({"customer_id": orders["user_id"].astype(str),
                              "purchase_date": pd.to_datetime(orders["paid_date"]),
                              "amount": orders["net_cents"].astype("float64") / 100})
    return as_of, calibration_summary(purchases, calibration_end=as_of, period_days=7)


def fit_table(orders: pd.DataFrame) -> pd.DataFrame:
    """One row: the parameters and log-likelihoods, or fit_status saying why there are none
    (too_few_customers, no_repeat_buyers; did_not_converge keeps what the optimiser found).
    No row at all without a paid order: there is no as-of date to fit at."""
    as_of, summary = summarise(orders)
    if as_of is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FIT_COLUMNS.items()})
    repeaters = int((summary["frequency"] > 0).sum())
    row: dict = dict.fromkeys(FIT_COLUMNS)
    row.update(as_of_date=as_of, customers=len(summary), repeat_customers=repeaters,
               gamma_gamma_customers=0)
    if len(summary) < MIN_CUSTOMERS:
        row["fit_status"] = "too_few_customers"
    elif repeaters == 0:
        row["fit_status"] = "no_repeat_buyers"
    else:
        bg = bgnbd.fit(summary["frequency"], summary["recency"], summary["T"])
        row.update(fit_status="fitted" if bg.converged else "did_not_converge",
                   bgnbd_r=bg.params.r, bgnbd_alpha=bg.params.alpha, bgnbd_a=bg.params.a,
                   bgnbd_b=bg.params.b, bgnbd_log_likelihood=bg.log_likelihood)
        if gamma_gamma.usable(summary["frequency"], summary["monetary"]).any():
            gg = gamma_gamma.fit(summary["frequency"], summary["monetary"])
            row.update(gamma_gamma_customers=gg.customers, gamma_gamma_p=gg.params.p,
                       gamma_gamma_q=gg.params.q, gamma_gamma_gamma=gg.params.gamma,
                       gamma_gamma_log_likelihood=gg.log_likelihood)
    return pd.DataFrame([row]).astype(FIT_COLUMNS)


def prediction_table(orders: pd.DataFrame, fit: pd.DataFrame) -> pd.DataFrame:
    """One row per buyer: expected_purchases_12m = BG/NBD E[Y(t) | x, t_x, T] with t = 365
    days; expected_spend_cents = Gamma-Gamma E[M | x, m] per purchase day (the population
    mean for someone who has not come back); predicted_clv_12m_cents = their product rounded
    to a cent, undiscounted; p_alive = P(still a customer). NULL where a model is missing."""
    _, summary = summarise(orders)
    x, t_x, age, mean = (summary[c].to_numpy(dtype="float64")
                         for c in ("frequency", "recency", "T", "monetary"))
    purchases = spend = alive = np.full(len(summary), np.nan)
    row = fit.iloc[0] if len(fit) else None
    if row is not None and not pd.isna(row["bgnbd_r"]):
        params = bgnbd.BgNbdParams(*(float(row[f"bgnbd_{k}"]) for k in ("r", "alpha", "a", "b")))
        purchases = bgnbd.expected_purchases(params, HORIZON_WEEKS, x, t_x, age)
        alive = bgnbd.p_alive(params, x, t_x, age)
        if not pd.isna(row["gamma_gamma_p"]):
            spend_params = gamma_gamma.GammaGammaParams(
                *(float(row[f"gamma_gamma_{k}"]) for k in ("p", "q", "gamma")))
            spend = gamma_gamma.expected_spend(spend_params, x, mean) * 100
    value = np.round(purchases * spend)
    # A short history can fit a degenerate model whose predictions run off to infinity
    # (the demo's week did): no prediction is better than an absurd one.
    value[~np.isfinite(value) | (np.abs(value) >= 2.0 ** 62)] = np.nan
    return pd.DataFrame({
        "user_id": summary["customer_id"].astype(str).to_numpy(),
        "purchase_days": x + 1, "repeat_purchase_days": x, "recency_weeks": t_x,
        "age_weeks": age, "mean_repeat_spend_cents": mean * 100, "p_alive": alive,
        "expected_purchases_12m": purchases, "expected_spend_cents": spend,
        "predicted_clv_12m_cents": pd.array(
            [pd.NA if np.isnan(v) else int(v) for v in value], dtype="Int64"),
    }).astype(PREDICTION_COLUMNS)
