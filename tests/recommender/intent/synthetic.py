"""Shoppers frames with the UCI Online Shoppers columns and a known, learnable signal."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS = ["Feb", "Mar", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def shoppers(rows: int, *, seed: int, signal: float = 1.0) -> pd.DataFrame:
    """Buying odds rise with product pages and page value (signal=0: pure noise, ~15%)."""
    rng = np.random.default_rng(seed)
    product_pages = rng.poisson(20, rows)
    page_values = np.where(rng.random(rows) < 0.25, rng.gamma(2.0, 15.0, rows), 0.0)
    logit = -2.3 + signal * (1.2 * (page_values > 0) + 0.04 * page_values
                             + 0.02 * (product_pages - 20) - 0.8)
    bought = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({
        "Administrative": rng.poisson(2, rows),
        "Administrative_Duration": rng.exponential(60, rows),
        "Informational": rng.poisson(0.5, rows),
        "Informational_Duration": rng.exponential(20, rows),
        "ProductRelated": product_pages,
        "ProductRelated_Duration": product_pages * rng.exponential(40, rows),
        "BounceRates": rng.uniform(0, 0.2, rows),
        "ExitRates": rng.uniform(0, 0.2, rows),
        "PageValues": page_values,
        "SpecialDay": rng.choice([0.0, 0.2, 0.8], rows, p=[0.9, 0.05, 0.05]),
        "Month": rng.choice(MONTHS, rows),
        "OperatingSystems": rng.integers(1, 5, rows),
        "Browser": rng.integers(1, 6, rows),
        "Region": rng.integers(1, 10, rows),
        "TrafficType": rng.integers(1, 12, rows),
        "VisitorType": rng.choice(["Returning_Visitor", "New_Visitor", "Other"], rows,
                                  p=[0.85, 0.14, 0.01]),
        "Weekend": rng.random(rows) < 0.25,
        "Revenue": bought,
    })
