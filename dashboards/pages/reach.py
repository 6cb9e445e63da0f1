"""Reach: each automated campaign's sends, open, click and conversion rates and revenue,
and sends over days."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, reach_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the reach mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Reach")
try:
    days = reach_data.campaign_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
window = int(days["attribution_days"].max()) if not days.empty else 7
st.caption(
    f"{start} to {end} (UTC), by day of sending. A recipient converts with a paid order "
    f"within {window} days after a send; opens and clicks count for the send's day."
)
if days.empty:
    st.info("No reach campaign has sent a message in this range yet.")
    st.stop()

campaigns = reach_data.per_campaign(days)
currency = str(days["currency"].iloc[0])
sends, recipients = int(campaigns["sends"].sum()), int(campaigns["unique_recipients"].sum())
tiles = [
    ("Sends", kpis.format_count(sends), "Messages sent in the range, every campaign."),
    ("Open rate", kpis.format_rate(int(campaigns["opens"].sum()) / sends if sends else 0.0),
     "Sent messages opened (ever)."),
    ("Click rate", kpis.format_rate(int(campaigns["clicks"].sum()) / sends if sends else 0.0),
     "Sent messages clicked (ever)."),
    ("Conversion rate", kpis.format_rate(
        int(campaigns["conversions"].sum()) / recipients if recipients else 0.0),
     "Recipients with a paid order in the window after a send (per campaign and day)."),
    ("Conversion revenue", kpis.format_cents(int(campaigns["conversion_revenue_cents"].sum()),
                                             currency),
     "Paid orders in the window; an order can count for several campaigns."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Campaigns")
table = campaigns.assign(
    revenue=[kpis.format_cents(int(c), currency) for c in campaigns["conversion_revenue_cents"]],
    open_rate=[kpis.format_rate(r) for r in campaigns["open_rate"]],
    click_rate=[kpis.format_rate(r) for r in campaigns["click_rate"]],
    conversion_rate=[kpis.format_rate(r) for r in campaigns["conversion_rate"]])
st.dataframe(table[["campaign_name", "channel", "trigger_kind", "sends", "open_rate",
                    "click_rate", "conversions", "conversion_rate", "revenue"]],
             hide_index=True)

st.subheader("Over days")
chart_with_download(
    alt.Chart(reach_data.daily_long(days)).mark_line(point=True).encode(
        x=alt.X("send_date:T", title="Day of sending"), y=alt.Y("count:Q", title="Count"),
        color=alt.Color("measure:N", title=None),
        tooltip=["send_date:T", "measure:N", "count:Q"]),
    days, name="reach-campaigns-daily")
chart_with_download(
    alt.Chart(days).mark_bar().encode(
        x=alt.X("send_date:T", title="Day of sending"), y=alt.Y("sends:Q", title="Sends"),
        color=alt.Color("campaign_name:N", title="Campaign"),
        tooltip=["send_date:T", "campaign_name:N", "sends:Q", "conversions:Q"]),
    campaigns, name="reach-campaigns")
