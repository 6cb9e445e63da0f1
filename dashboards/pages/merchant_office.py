"""Merchant back office: ONE merchant's sales, the conversion of its products, its
after-sales rate and its settlement statements. Every query names the chosen merchant."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis
from dashboards import merchant_office_data as office
from dashboards.components import require_warehouse, selected_range

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Merchant office")
try:
    choices = office.merchants(path, version)
except data.WarehouseUnavailable:
    st.info("This warehouse predates the merchant marts. Run the pipelines again: "
            "`flywheel pipeline run`.", icon=":material/info:")
    st.stop()
if choices.empty:
    st.info("No merchant has sold anything yet.")
    st.stop()
names = dict(zip(choices["merchant_id"], choices["merchant_name"].fillna(""), strict=True))
merchant_id = st.selectbox("Merchant", list(names), format_func=lambda m: names[m] or m)
st.caption(f"{names[merchant_id] or merchant_id}, {start} to {end} (UTC). Only this "
           "merchant's figures are read.")

days = office.sales(path, version, merchant_id, start, end)
t = office.totals(days)
currency = str(days["currency"].iloc[0]) if not days.empty else "USD"
cols = st.columns(4)
cols[0].metric("GMV", kpis.format_cents(t["gmv_cents"], currency))
cols[1].metric("Net revenue", kpis.format_cents(t["net_revenue_cents"], currency))
cols[2].metric("Paid sub-orders", kpis.format_count(t["paid_sub_orders"]))
cols[3].metric("After-sales rate", kpis.format_rate(t["after_sales_rate"]))
if not days.empty:
    st.altair_chart(alt.Chart(days).mark_bar().encode(
        x="activity_date:T", y=alt.Y("gmv_cents:Q", title="GMV (cents)")),
        use_container_width=True)

st.subheader("Conversion of the merchant's products")
try:
    products = office.with_conversion(
        office.product_conversion(path, version, merchant_id, start, end))
    st.dataframe(products, hide_index=True)
except data.WarehouseUnavailable:
    st.info("The product interaction mart is not published yet.")

st.subheader("Settlement")
position = office.settlement_position(path, version, merchant_id)
for row in ([] if position is None else position.itertuples(index=False)):
    cols = st.columns(4)
    cols[0].metric(f"Payable ({row.currency})", kpis.format_cents(row.payable_cents,
                                                                 row.currency))
    cols[1].metric(f"Paid out ({row.currency})", kpis.format_cents(row.paid_out_cents,
                                                                  row.currency))
    cols[2].metric(f"Deposit held ({row.currency})",
                   kpis.format_cents(row.deposit_held_cents, row.currency))
    cols[3].metric("Open statements", kpis.format_count(row.open_statements))
statements = office.settlement(path, version, merchant_id)
if statements is None:
    st.info("Settlement statements appear here once the settlement marts are published.")
else:
    st.dataframe(statements, hide_index=True)
