"""Purchases -> one row per customer in Fader, Hardie and Lee's (2005) notation.

x (frequency): repeat purchases, counted on distinct days (purchases on one day are one
transaction); t_x (recency): time from the first purchase to the last; T (age): time from
the first purchase to the end of the calibration period; both in periods of `period_days`
(7: weeks). monetary: the mean value of the repeat days (the first day excluded, as the
Gamma-Gamma model wants it), NaN when x = 0. Purchases after the calibration end are left
out; customers whose first purchase is after it are not in the summary at all.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary")


def calibration_summary(purchases: pd.DataFrame, *, calibration_end: date,
                        period_days: float = 7.0) -> pd.DataFrame:
    """purchases: customer_id, purchase_date (date or timestamp; the day counts), amount."""
    if period_days <= 0:
        raise ValueError("period_days must be positive")
    days = pd.to_datetime(purchases["purchase_date"]).dt.normalize()
    frame = pd.DataFrame({"customer_id": purchases["customer_id"].to_numpy(), "day": days,
                          "amount": purchases["amount"].astype("float64").to_numpy()})
    frame = frame[frame["day"] <= pd.Timestamp(calibration_end)]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS})
    daily = (frame.groupby(["customer_id", "day"], sort=True)["amount"].sum()
             .reset_index())
    per = daily.groupby("customer_id", sort=True).agg(
        first=("day", "min"), last=("day", "max"), days=("day", "size"),
        total=("amount", "sum"), first_amount=("amount", "first"),
    )
    x = (per["days"] - 1).astype("float64")
    end = pd.Timestamp(calibration_end)
    repeat_total = per["total"] - per["first_amount"]
    return pd.DataFrame({
        "customer_id": per.index.to_numpy(),
        "frequency": x.to_numpy(),
        "recency": ((per["last"] - per["first"]).dt.days / period_days).to_numpy(),
        "T": ((end - per["first"]).dt.days / period_days).to_numpy(),
        "monetary": np.where(x > 0, repeat_total / x.where(x > 0, 1.0), np.nan),
    })
