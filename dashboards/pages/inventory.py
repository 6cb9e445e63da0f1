"""Stock & search: positions per SKU and location, low-stock alerts, stock trends, and what
shoppers search for (and do not find)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, stock_search
from dashboards.components import require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the stock and search marts existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Stock & search")
st.caption(f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC)")

try:
    stock_day = data.latest_stock_day(path, version, end)
    alerts = data.latest_stock_alerts(path, version)
    queries = data.search_queries(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

# --- stock ------------------------------------------------------------------------------
st.header("Stock")
if stock_day is None:
    st.info(f"No stock positions up to {end:%Y-%m-%d}: no stock movement has been loaded yet.")
else:
    positions = data.stock_positions(path, version, stock_day)
    still_low = alerts[alerts["is_still_low"].fillna(False).astype(bool)]
    tiles = [
        ("SKU locations", kpis.format_count(len(positions)), "SKU x location pairs stocked."),
        ("On hand", kpis.format_count(int(positions["on_hand"].sum())),
         "Units physically at the locations at the end of the day."),
        ("Reserved", kpis.format_count(int(positions["reserved"].sum())),
         "Units held for orders not paid yet."),
        ("Low now", kpis.format_count(len(still_low)),
         "SKU locations whose sellable units are at or below their safety stock now."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, help=help_text, border=True)

    st.subheader(f"Positions at the end of {stock_day:%Y-%m-%d}")
    st.dataframe(
        positions.drop(columns=["sku_id", "warehouse_id"]),
        hide_index=True,
        column_config={
            "sku_code": "SKU",
            "product_name": "Product",
            "sku_name": "Variant",
            "warehouse_name": "Location",
            "on_hand": st.column_config.NumberColumn("On hand", format="localized"),
            "reserved": st.column_config.NumberColumn("Reserved", format="localized"),
            "sellable": st.column_config.NumberColumn("Sellable", format="localized"),
            "units_in": st.column_config.NumberColumn("In that day", format="localized"),
            "units_out": st.column_config.NumberColumn("Out that day", format="localized"),
            "units_deducted": st.column_config.NumberColumn("Sold that day", format="localized"),
        },
    )

    st.subheader("Stock trend")
    options = stock_search.sku_options(positions, alerts)
    label = st.selectbox("SKU", list(options), key="stock_trend_sku")
    trend = data.stock_trend(path, version, options[label], start, end)
    if trend.empty:
        st.info("No positions for this SKU in the date range.")
    else:
        st.altair_chart(
            alt.Chart(stock_search.trend_long(trend))
            .mark_line(point=True)
            .encode(
                x=alt.X("yearmonthdate(position_date):T", title="Day"),
                y=alt.Y("units:Q", title="Units (end of day)"),
                color=alt.Color("measure:N", title=None),
                strokeDash=alt.StrokeDash("location:N", title="Location"),
                tooltip=["position_date:T", "location:N", "measure:N", "units:Q"],
            ),
            width="stretch",
        )

st.subheader("Low-stock alerts")
if alerts.empty:
    st.info("No low-stock alert so far.")
else:
    st.caption(
        "The latest alert of each SKU and location. Sellable units are on hand minus "
        "reserved; 'Still low' compares the level now with the safety stock."
    )
    st.dataframe(
        alerts.drop(columns=["sku_id"]),
        hide_index=True,
        column_config={
            "alerted_at": st.column_config.DatetimeColumn("Alerted (UTC)",
                                                          format="YYYY-MM-DD HH:mm"),
            "product_name": "Product",
            "sku_code": "SKU",
            "warehouse_name": "Location",
            "sellable_units": st.column_config.NumberColumn("Sellable then"),
            "safety_stock": st.column_config.NumberColumn("Safety stock then"),
            "current_sellable": st.column_config.NumberColumn("Sellable now"),
            "current_safety_stock": st.column_config.NumberColumn("Safety stock now"),
            "is_still_low": st.column_config.CheckboxColumn("Still low"),
        },
    )

# --- search -----------------------------------------------------------------------------
st.header("Search")
summary = stock_search.search_summary(queries)
if not summary.searches:
    st.info("No searches in this date range.")
    st.stop()

tiles = [
    ("Searches", kpis.format_count(summary.searches),
     "Searches answered, filter-only ones included; each counted once."),
    ("Zero-result searches", kpis.format_count(summary.zero_result_searches),
     "Searches that found nothing."),
    ("Zero-result rate", kpis.format_rate(summary.zero_result_rate),
     "Zero-result searches / searches."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

def _query_bars(frame, value: str, title: str, also: str, color: str | None = None) -> None:
    """Queries as horizontal bars, in the frame's order (busiest first)."""
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar(**({"color": color} if color else {}))
        .encode(
            y=alt.Y("search_query:N", sort=frame["search_query"].tolist(), title=None),
            x=alt.X(f"{value}:Q", title=title),
            tooltip=["search_query:N", f"{value}:Q", f"{also}:Q"],
        ),
        width="stretch",
    )


hot = stock_search.top_searches(queries)
missing = stock_search.zero_result_queries(queries)
left, right = st.columns(2)
with left:
    st.subheader("Hot searches")
    if hot.empty:
        st.info("No typed queries in this date range.")
    else:
        _query_bars(hot, "searches", "Searches", "avg_results_count")
with right:
    st.subheader("Zero-result searches")
    if missing.empty:
        st.info("Every typed query found something.")
    else:
        _query_bars(missing, "zero_result_searches", "Searches that found nothing",
                    "searches", color="#d62728")

if not missing.empty:
    st.subheader("Queries that found nothing")
    st.dataframe(
        missing,
        hide_index=True,
        column_config={
            "search_query": "Query",
            "searches": st.column_config.NumberColumn("Searches", format="localized"),
            "zero_result_searches": st.column_config.NumberColumn("Found nothing",
                                                                  format="localized"),
            "avg_results_count": st.column_config.NumberColumn("Mean results", format="%.1f"),
        },
    )
