"""Flash sales: sell-through, time to sell out, what the crowd asked for and what the
discount cost, per sale; and whether each sale's end-of-sale reconciliation was clean."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, flash_sales_data, kpis
from dashboards.components import chart_with_download, require_warehouse, selected_range

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Flash sales")
try:
    frame = flash_sales_data.sales(path, version, start, end)
except data.WarehouseUnavailable:
    st.info("This warehouse was published before the flash-sale mart existed. Run the "
            "pipelines again: `flywheel pipeline run`.", icon=":material/info:")
    st.stop()
st.caption(f"Sales that started {start} to {end} (UTC). A unit is sold when its order is "
           "paid; the discount is list price minus flash price on sold units.")
if frame.empty:
    st.info("No flash sale started in this range.")
    st.stop()

t = flash_sales_data.totals(frame)
currency = next(iter(t["revenue"]), "USD")
tiles = [
    ("Sales", kpis.format_count(t["sales"]), "Flash sales that started in the range."),
    ("Sell-through", kpis.format_rate(t["sell_through"]), "Units sold / units offered."),
    ("Units sold", kpis.format_count(t["sold"]), "Units in paid flash-sale orders."),
    ("Flash revenue", kpis.format_cents(t["revenue"].get(currency, 0), currency),
     "Sold units at the flash price."),
    ("Discount cost", kpis.format_cents(t["discount"].get(currency, 0), currency),
     "What the flash price gave away against the list price."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)
if t["unreconciled"]:
    st.error(f"Reconciliation found differences in {len(t['unreconciled'])} sale(s): "
             + ", ".join(t["unreconciled"]), icon=":material/error:")

st.subheader("Sales")
table = frame.assign(
    sell_through=[kpis.format_rate(r) for r in frame["sell_through"]],
    discount=[kpis.format_cents(int(c), cur) for c, cur in
              zip(frame["flash_discount_cents"], frame["currency"], strict=True)])
st.dataframe(table[["sale_name", "starts_at", "quantity", "requests", "units_ordered",
                    "units_released", "units_sold", "sell_through", "seconds_to_sell_out",
                    "discount", "reconciled"]], hide_index=True)

st.subheader("Sold, released and left per sale")
long = frame.assign(left=frame["quantity"] - frame["units_sold"]).melt(
    id_vars=["sale_name"], value_vars=["units_sold", "units_released", "left"],
    var_name="measure", value_name="units")
chart_with_download(
    alt.Chart(long).mark_bar().encode(
        x=alt.X("sale_name:N", title="Sale"), y=alt.Y("units:Q", title="Units"),
        color=alt.Color("measure:N", title=None), xOffset="measure:N",
        tooltip=["sale_name:N", "measure:N", "units:Q"]),
    frame, name="flash-sales")
