"""Cross-border: orders to other countries than the shop's, their goods, and the duties
and import tax charged on them, per destination country and over days."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import cross_border_data, data, kpis
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the cross-border mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Cross-border")
try:
    days = cross_border_data.country_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(
    f"{start} to {end} (UTC), by day of placement. Orders to an address in another country "
    "than the shop's; duties and import tax as quoted and charged at placement."
)
if days.empty:
    st.info("No order has been placed to another country in this range yet.")
    st.stop()

countries = cross_border_data.per_country(days)
st.subheader("By destination")
table = countries.assign(
    goods=[kpis.format_cents(int(v), c) for v, c in zip(countries["goods_cents"],
                                                         countries["currency"], strict=True)],
    duties=[kpis.format_cents(int(v), c) for v, c in zip(countries["duties_cents"],
                                                          countries["currency"], strict=True)],
    import_tax=[kpis.format_cents(int(v), c) for v, c in zip(
        countries["import_tax_cents"], countries["currency"], strict=True)],
    charges=[kpis.format_rate(r) for r in countries["charges_rate"]])
st.dataframe(table[["destination_country", "currency", "orders", "goods", "duties",
                    "import_tax", "charges"]], hide_index=True)

st.subheader("Orders over days")
chart_with_download(
    alt.Chart(days).mark_bar().encode(
        x=alt.X("order_date:T", title="Day of placement"), y=alt.Y("orders:Q", title="Orders"),
        color=alt.Color("destination_country:N", title="Destination"),
        tooltip=["order_date:T", "destination_country:N", "orders:Q", "duties_cents:Q"]),
    days, name="cross-border-orders-daily")
