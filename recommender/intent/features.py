"""Features of the UCI Online Shoppers file (Sakar et al., 2019), as a sklearn transformer.

Derived columns are row-wise (no statistics), so they leak nothing across folds; the
one-hot encoder and scaler sit in the same Pipeline and are fitted on training folds only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

LABEL = "Revenue"
PAGE_KINDS = ("Administrative", "Informational", "ProductRelated")
COUNTS = [*PAGE_KINDS, *(f"{kind}_Duration" for kind in PAGE_KINDS)]
RATES = ["BounceRates", "ExitRates", "SpecialDay"]
CATEGORICAL = ["Month", "VisitorType", "OperatingSystems", "Browser", "Region", "TrafficType"]
REQUIRED = [*COUNTS, *RATES, "PageValues", *CATEGORICAL, "Weekend"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _as_bool(values: pd.Series) -> pd.Series:
    if values.dtype == bool:
        return values
    return values.astype(str).str.strip().str.lower().isin({"true", "1", "yes"})


def derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric view of a shoppers frame: log1p counts/durations, ratios, flags.

    Missing numbers (some copies of the file have a few) read as 0, row by row.
    """
    numbers = [*COUNTS, *RATES, "PageValues"]
    frame = frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce").fillna(0.0)
                            for c in numbers})
    out = pd.DataFrame(index=frame.index)
    for column in COUNTS:
        out[f"log_{column}"] = np.log1p(frame[column].astype(float).clip(lower=0))
    for kind in PAGE_KINDS:
        pages = frame[kind].astype(float)
        seconds = frame[f"{kind}_Duration"].astype(float).clip(lower=0)
        out[f"log_{kind}_per_page"] = np.log1p(np.where(pages > 0, seconds / pages.clip(1), 0))
    pages = sum(frame[kind].astype(float) for kind in PAGE_KINDS)
    seconds = sum(frame[f"{kind}_Duration"].astype(float).clip(lower=0) for kind in PAGE_KINDS)
    out["log_pages"] = np.log1p(pages)
    out["log_seconds"] = np.log1p(seconds)
    out["product_share"] = np.where(pages > 0, frame["ProductRelated"] / pages.clip(1), 0.0)
    for column in RATES:
        out[column] = frame[column].astype(float)
    out["bounce_x_exit"] = out["BounceRates"] * out["ExitRates"]
    # PageValues is by far the strongest signal; a page with any value is a step change.
    values = frame["PageValues"].astype(float).clip(lower=0)
    out["log_PageValues"] = np.log1p(values)
    out["has_PageValues"] = (values > 0).astype(float)
    out["PageValues_per_product_page"] = np.log1p(
        np.where(frame["ProductRelated"] > 0, values / frame["ProductRelated"].clip(1), 0))
    out["Weekend"] = _as_bool(frame["Weekend"]).astype(float)
    for column in CATEGORICAL:
        out[column] = frame[column].astype(str)
    return out


def numeric_columns() -> list[str]:
    probe = pd.DataFrame({c: [0] for c in REQUIRED}).assign(Weekend=False)
    return [c for c in derive(probe).columns if c not in CATEGORICAL]


def preprocessor(*, scale: bool = False) -> list[tuple[str, object]]:
    """Pipeline steps: derive, then one-hot categoricals (ids seen < 20 times pooled)."""
    encoder = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=20,
                            sparse_output=False)
    numeric = StandardScaler() if scale else "passthrough"
    columns = ColumnTransformer(
        [("categorical", encoder, CATEGORICAL), ("numeric", numeric, numeric_columns())],
        verbose_feature_names_out=False,
    )
    return [("derive", FunctionTransformer(derive, validate=False)), ("columns", columns)]


def split_label(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    missing = [c for c in [*REQUIRED, LABEL] if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    return frame[REQUIRED], _as_bool(frame[LABEL]).astype(int)
