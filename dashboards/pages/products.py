"""Products: ABC classes and their Pareto curve, bestsellers, stock turnover and days of
inventory, slow movers, view-to-purchase, and hot and zero-result searches."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis, product_analysis, products_data, stock_search
from dashboards.components import chart_with_download, require_warehouse, selected_range
from transactional_api.config import get_settings

CHART_ROWS = 15
CLASS_COLOURS = {"A": "#54a24b", "B": "#eeca3b", "C": "#e45756"}

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Products")
st.caption(f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC)")

try:
    months = products_data.product_months(path, version, start, end)
    slow = products_data.slow_movers(path, version)
    views = products_data.product_views(path, version, start, end)
    queries = data.search_queries(path, version, start, end)
except data.WarehouseUnavailable:
    st.info("This warehouse was published before the product marts existed. Run the "
            "pipelines again: `flywheel pipeline run`.", icon=":material/info:")
    st.stop()


def _download(frame: pd.DataFrame, name: str) -> None:
    st.download_button("Download CSV", data=frame.to_csv(index=False).encode("utf-8"),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}",
                       icon=":material/download:")


# --- ABC, bestsellers and turnover: one calendar month ------------------------------------
st.header("Sales by month")
if not months:
    st.info("No product sales or stock in the months of this date range.")
else:
    month = st.selectbox("Month", months, format_func=lambda day: f"{day:%B %Y}",
                         key="products_month",
                         help="Months overlapping the date range; ABC classes, bestsellers "
                              "and turnover are computed per calendar month.")
    abc = products_data.abc_classes(path, version, month, currency)
    st.subheader("ABC classes")
    if abc.empty:
        st.info(f"No {currency} sales in {month:%B %Y}.")
    else:
        st.caption("Products by revenue, highest first. A: the top 80% of revenue, including "
                   "the product that crosses 80%; B: the next 15%; C: the last 5%.")
        summary = product_analysis.abc_summary(abc)
        for column, row in zip(st.columns(3), summary.itertuples(), strict=True):
            share = kpis.format_rate(row.revenue_share or 0.0)
            column.metric(f"Class {row.abc_class}", kpis.format_count(row.products),
                          delta=f"{kpis.format_cents(row.revenue_cents, currency)} · {share}",
                          delta_color="off", help="Products in the class; their revenue "
                          "and share of the month's revenue.", border=True)
        curve = product_analysis.pareto(abc)
        order = curve["product_name"].tolist()
        x = alt.X("product_name:N", sort=order, title=None)
        bars = alt.Chart(curve).mark_bar().encode(
            x=x, y=alt.Y("revenue:Q", title=f"Revenue ({currency})"),
            color=alt.Color("abc_class:N", title="Class",
                            scale=alt.Scale(domain=list(CLASS_COLOURS),
                                            range=list(CLASS_COLOURS.values()))),
            tooltip=["revenue_rank:Q", "product_name:N", "abc_class:N",
                     alt.Tooltip("revenue:Q", format=",.2f"),
                     alt.Tooltip("cumulative_pct:Q", format=".1f")],
        )
        line = alt.Chart(curve).mark_line(point=True, color="#222222").encode(
            x=x, y=alt.Y("cumulative_pct:Q", title="Cumulative share (%)",
                          scale=alt.Scale(domain=[0, 100])))
        bounds_rule = alt.Chart(pd.DataFrame({"cumulative_pct": [80, 95]})).mark_rule(
            strokeDash=[4, 4], color="#888888").encode(y="cumulative_pct:Q")
        chart_with_download(
            alt.layer(bars, alt.layer(line, bounds_rule)).resolve_scale(y="independent"),
            abc, name=f"abc_{month:%Y_%m}", key="csv-abc")

    sellers = products_data.bestsellers(path, version, month, currency)
    st.subheader("Bestsellers")
    if sellers.empty:
        st.info(f"No {currency} sales in {month:%B %Y}.")
    else:
        st.dataframe(sellers.head(CHART_ROWS), hide_index=True, column_config={
            "revenue_rank": "Rank", "units_rank": "Rank by units", "product_name": "Product",
            "sku_name": "SKU", "sku_id": None, "units_sold": "Units", "orders": "Orders",
            "revenue_cents": st.column_config.NumberColumn("Revenue (cents)",
                                                           format="localized"),
            "product_revenue_rank": "Product rank"})
        _download(sellers, f"bestsellers_{month:%Y_%m}")

    stock = products_data.inventory(path, version, month)
    st.subheader("Turnover and days of inventory")
    if stock.empty:
        st.info(f"No stock positions in {month:%B %Y}.")
    else:
        st.caption("In units: the cost of goods is not recorded. Turnover = units sold / "
                   "average units on hand over the month's days with stock; days of "
                   "inventory = those days / turnover; sell-through = sold / (sold + on hand "
                   "at the end).")
        selling = stock[stock["days_of_inventory"].notna()].head(CHART_ROWS)
        if selling.empty:
            st.info("No SKU with stock sold anything this month.")
        else:
            chart_with_download(
                alt.Chart(selling).mark_bar().encode(
                    y=alt.Y("sku_name:N", sort=selling["sku_name"].tolist(), title=None),
                    x=alt.X("days_of_inventory:Q", title="Days of inventory"),
                    tooltip=["product_name:N", "sku_name:N", "units_sold:Q",
                             alt.Tooltip("avg_on_hand:Q", format=".1f"),
                             alt.Tooltip("inventory_turnover:Q", format=".2f"),
                             alt.Tooltip("sell_through_rate:Q", format=".0%")]),
                stock, name=f"inventory_{month:%Y_%m}", key="csv-inventory")
        st.dataframe(stock, hide_index=True, column_config={
            "sku_id": None, "product_name": "Product", "sku_name": "SKU",
            "units_sold": "Sold", "period_days": "Days",
            "avg_on_hand": st.column_config.NumberColumn("Avg on hand", format="%.1f"),
            "on_hand_end": "On hand at end",
            "inventory_turnover": st.column_config.NumberColumn("Turnover", format="%.2f"),
            "days_of_inventory": st.column_config.NumberColumn("Days of inventory",
                                                               format="%.1f"),
            "sell_through_rate": st.column_config.NumberColumn("Sell-through",
                                                               format="percent")})

# --- slow movers -----------------------------------------------------------------------
st.header("Slow movers")
if slow.empty:
    st.info("No slow movers: every SKU in stock sold recently, or is new.")
else:
    as_of, days = slow["as_of_date"].iloc[0], int(slow["slow_mover_days"].iloc[0])
    st.caption(f"As of {pd.Timestamp(as_of):%Y-%m-%d}: stock on hand, no sale in the last "
               f"{days} days and in stock for at least as long. Never sold first.")
    st.dataframe(slow.drop(columns=["as_of_date", "slow_mover_days", "sku_id"]),
                 hide_index=True, column_config={
                     "product_name": "Product", "sku_name": "SKU", "on_hand": "On hand",
                     "days_in_stock": "Days in stock",
                     "last_sold_date": st.column_config.DateColumn("Last sold"),
                     "days_since_last_sale": "Days since sale"})
    _download(slow, "slow_movers")

# --- view to purchase ----------------------------------------------------------------------
st.header("View to purchase")
funnel = product_analysis.view_to_purchase(views)
viewed = funnel[funnel["product_views"] > 0].head(CHART_ROWS)
if viewed.empty:
    st.info("No product views in this date range.")
else:
    st.caption("Paid orders with the product / views of its page, in the date range (both "
               "counted on their own days).")
    chart_with_download(
        alt.Chart(viewed).mark_bar().encode(
            y=alt.Y("product_name:N", sort=viewed["product_name"].tolist(), title=None),
            x=alt.X("view_to_purchase_rate:Q", title="Orders per view",
                    axis=alt.Axis(format="%")),
            tooltip=["product_name:N", "product_views:Q", "purchase_orders:Q",
                     "units_purchased:Q",
                     alt.Tooltip("view_to_purchase_rate:Q", format=".1%")]),
        funnel, name="view_to_purchase", key="csv-view-to-purchase")

# --- searches ------------------------------------------------------------------------------
st.header("Searches")
hot = stock_search.top_searches(queries)
missing = stock_search.zero_result_queries(queries)
left, right = st.columns(2)
for column, frame, value, title, name in (
        (left, hot, "searches", "Hot searches", "hot_searches"),
        (right, missing, "zero_result_searches", "Zero-result searches",
         "zero_result_searches")):
    with column:
        st.subheader(title)
        if frame.empty:
            st.info("None in this date range.")
            continue
        chart_with_download(
            alt.Chart(frame).mark_bar(
                color="#d62728" if value == "zero_result_searches" else "#4c78a8").encode(
                y=alt.Y("search_query:N", sort=frame["search_query"].tolist(), title=None),
                x=alt.X(f"{value}:Q", title=title),
                tooltip=["search_query:N", "searches:Q", "zero_result_searches:Q"]),
            frame, name=name, key=f"csv-{name}")
