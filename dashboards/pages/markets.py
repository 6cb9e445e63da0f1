"""Markets: sales by storefront market and currency, in each order's currency and in the
base currency at each order's own rate."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, markets_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the markets mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Markets")
try:
    days = markets_data.sales_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(f"{start} to {end} (UTC), paid orders by the day they were placed. Base-currency "
           "GMV converts each order at the rate fixed when it was placed.")
if days.empty:
    st.info("No paid order in this range yet.")
    st.stop()

markets = markets_data.per_market(days)
base = str(markets["base_currency"].iloc[0])
tiles = [
    ("Markets", kpis.format_count(markets["market_code"].nunique()),
     "Storefront markets with a paid order ('base': no market named)."),
    ("Orders", kpis.format_count(int(markets["orders"].sum())), "Paid orders."),
    (f"GMV ({base})", markets_data.format_minor(int(markets["gmv_base_minor"].sum()), base),
     "Every market's GMV in the base currency at each order's rate."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("By market")
table = markets.assign(
    gmv=[markets_data.format_minor(int(a), c)
         for a, c in zip(markets["gmv_minor"], markets["currency"], strict=True)],
    gmv_base=[markets_data.format_minor(int(a), c)
              for a, c in zip(markets["gmv_base_minor"], markets["base_currency"], strict=True)],
    share_of_gmv=[kpis.format_rate(r) for r in markets["share"]])
st.dataframe(table[["market_code", "currency", "orders", "gmv", "gmv_base", "share_of_gmv"]],
             hide_index=True)

st.subheader("Over days")
chart_with_download(
    alt.Chart(days).mark_bar().encode(
        x=alt.X("order_date:T", title="Day"),
        y=alt.Y("gmv_base_minor:Q", title=f"GMV ({base}, minor units)"),
        color=alt.Color("market_code:N", title="Market"),
        tooltip=["order_date:T", "market_code:N", "currency:N", "orders:Q", "gmv_minor:Q",
                 "gmv_base_minor:Q"]),
    days, name="sales-by-market-daily")
