"""Pure helpers of the Stock & search page (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CHART_ROWS = 15
QUERY_COLUMNS = ["search_query", "searches", "zero_result_searches", "avg_results_count"]


@dataclass(frozen=True)
class SearchSummary:
    searches: int
    zero_result_searches: int

    @property
    def zero_result_rate(self) -> float:
        return self.zero_result_searches / self.searches if self.searches else 0.0


def search_summary(queries: pd.DataFrame) -> SearchSummary:
    """Totals over every search, filter-only ones (empty query) included."""
    if queries.empty:
        return SearchSummary(0, 0)
    return SearchSummary(
        searches=int(queries["searches"].sum()),
        zero_result_searches=int(queries["zero_result_searches"].sum()),
    )


def _typed(queries: pd.DataFrame) -> pd.DataFrame:
    # An empty query is a search with filters only: nothing a shopper typed.
    return queries[queries["search_query"].str.len() > 0]


def top_searches(queries: pd.DataFrame, limit: int = CHART_ROWS) -> pd.DataFrame:
    """The most searched typed queries, most first (ties alphabetical)."""
    typed = _typed(queries)
    return (
        typed.sort_values(["searches", "search_query"], ascending=[False, True])
        .head(limit)
        .reset_index(drop=True)[QUERY_COLUMNS]
    )


def zero_result_queries(queries: pd.DataFrame, limit: int = CHART_ROWS) -> pd.DataFrame:
    """Typed queries that found nothing at least once, most zero-result searches first."""
    typed = _typed(queries)
    missing = typed[typed["zero_result_searches"] > 0]
    return (
        missing.sort_values(["zero_result_searches", "search_query"], ascending=[False, True])
        .head(limit)
        .reset_index(drop=True)[QUERY_COLUMNS]
    )


def sku_options(positions: pd.DataFrame, alerts: pd.DataFrame) -> dict[str, str]:
    """Select-box label -> sku_id for the SKUs with positions, the ones still low first."""
    if positions.empty:
        return {}
    low = set(alerts.loc[alerts["is_still_low"].fillna(False).astype(bool), "sku_id"])
    skus = positions.drop_duplicates("sku_id").assign(
        still_low=lambda f: ~f["sku_id"].isin(low),  # False sorts first
        label=lambda f: [
            f"{_or(name, sku)} · {_or(code, sku)}"
            for name, code, sku in zip(f["product_name"], f["sku_code"], f["sku_id"],
                                       strict=True)
        ],
    )
    skus = skus.sort_values(["still_low", "label"])
    return dict(zip(skus["label"], skus["sku_id"], strict=True))


def _or(value: object, fallback: str) -> str:
    # A SKU missing from dim_skus still gets a label: its id.
    return fallback if value is None or pd.isna(value) or value == "" else str(value)


def trend_long(trend: pd.DataFrame) -> pd.DataFrame:
    """Daily positions as one row per day, location and measure, for a line chart."""
    return trend.melt(
        id_vars=["position_date", "location"],
        value_vars=["on_hand", "reserved", "sellable"],
        var_name="measure",
        value_name="units",
    ).assign(position_date=lambda f: pd.to_datetime(f["position_date"]))
