"""Landing pages and resource slots: each page's views, sessions and the paid orders and
revenue of the sessions that viewed it; each slot creative's impressions, clicks, CTR and
the orders its clicks led to."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, landing_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the landing-page marts existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Landing pages & slots")
try:
    pages = landing_data.page_days(path, version, start, end)
    slots = landing_data.slot_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(
    f"{start} to {end} (UTC). A paid order is credited to the last landing page viewed, "
    "and to the last slot creative clicked, in the session it was placed in."
)
if pages.empty and slots.empty:
    st.info("No landing page was viewed and no slot shown in this range yet.")
    st.stop()

currency = str((pages if not pages.empty else slots)["currency"].iloc[0])
by_page, by_creative = landing_data.per_page(pages), landing_data.per_creative(slots)
impressions, clicks = int(by_creative["impressions"].sum()), int(by_creative["clicks"].sum())
tiles = [
    ("Page views", kpis.format_count(int(by_page["views"].sum())),
     "landing_page_view events in the range."),
    ("Page revenue", kpis.format_cents(int(by_page["attributed_revenue_cents"].sum()),
                                       currency),
     "GMV of paid orders credited to a landing page."),
    ("Slot CTR", kpis.format_rate(clicks / impressions if impressions else 0.0),
     "Slot clicks per impression, every slot."),
    ("Slot revenue", kpis.format_cents(int(by_creative["attributed_revenue_cents"].sum()),
                                       currency),
     "GMV of paid orders credited to a slot click."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Pages")
st.dataframe(by_page.assign(
    revenue=[kpis.format_cents(int(c), currency) for c in by_page["attributed_revenue_cents"]],
    conversion=[kpis.format_rate(r) for r in by_page["conversion"]],
)[["page_slug", "views", "unique_viewers", "sessions", "attributed_orders", "conversion",
   "revenue"]], hide_index=True)

st.subheader("Slot creatives")
st.dataframe(by_creative.assign(
    revenue=[kpis.format_cents(int(c), currency)
             for c in by_creative["attributed_revenue_cents"]],
    ctr=[kpis.format_rate(r) for r in by_creative["ctr"]],
)[["slot", "creative_id", "impressions", "clicks", "ctr", "attributed_orders", "revenue"]],
    hide_index=True)

if not pages.empty:
    chart_with_download(
        alt.Chart(pages).mark_bar().encode(
            x=alt.X("view_date:T", title="Day"), y=alt.Y("views:Q", title="Views"),
            color=alt.Color("page_slug:N", title="Page"),
            tooltip=["view_date:T", "page_slug:N", "views:Q", "attributed_orders:Q"]),
        pages, name="landing-pages-daily")
