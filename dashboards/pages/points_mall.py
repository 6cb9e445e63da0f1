"""Points mall: what shoppers redeemed for points, the cash it brought, what the points
cost the shop, and what came back when mall orders were undone."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, points_mall_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the points mall mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Points mall")
try:
    days = points_mall_data.item_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(
    f"{start} to {end} (UTC). Points cost is the points' worth at the shop's point value; "
    "give-backs (orders cancelled, refunded or returned) count on their own day."
)
if days.empty:
    st.info("Nothing was redeemed in the points mall in this range yet.")
    st.stop()

items = points_mall_data.per_item(days)
currency = str(days["currency"].dropna().iloc[0]) if days["currency"].notna().any() else "USD"
tiles = [
    ("Redemptions", kpis.format_count(int(items["redemptions"].sum())),
     "Redemptions made in the range (goods and coupons)."),
    ("Points spent", kpis.format_count(int(items["points_spent"].sum())),
     "Points shoppers spent on mall items."),
    ("Cash taken", kpis.format_cents(int(items["cash_cents"].sum()), currency),
     "The cash part of points-plus-cash items."),
    ("Net points cost", kpis.format_cents(int(items["net_points_cost_cents"].sum()), currency),
     "What the points spent are worth, less the points given back."),
    ("Give-backs", kpis.format_count(int(items["give_backs"].sum())),
     "Mall orders undone: points returned (and the mall unit, on a cancellation)."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Items")
table = items.assign(
    cash=[kpis.format_cents(int(c), currency) for c in items["cash_cents"]],
    points_cost=[kpis.format_cents(int(c), currency) for c in items["net_points_cost_cents"]],
    give_back_rate=[kpis.format_rate(r) for r in items["give_back_rate"]])
st.dataframe(table[["item_id", "item_kind", "redemptions", "units", "points_spent", "cash",
                    "points_cost", "give_backs", "give_back_rate"]], hide_index=True)

st.subheader("Over days")
chart_with_download(
    alt.Chart(points_mall_data.daily_cost(days)).mark_line(point=True).encode(
        x=alt.X("activity_date:T", title="Day"), y=alt.Y("cents:Q", title="Cents"),
        color=alt.Color("measure:N", title=None),
        tooltip=["activity_date:T", "measure:N", "cents:Q"]),
    days, name="points-mall-daily")
