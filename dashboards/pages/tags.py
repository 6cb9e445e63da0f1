"""Tags: how many users carry each automatic tag the warehouse computes, as of the latest
build (the current counts; no history is kept)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, tags_data
from dashboards.components import chart_with_download, require_warehouse

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the tags mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)
LABELS = {"high_potential": "High potential", "dormant_90d": "Dormant 90 days",
          "price_sensitive": "Price sensitive", "frequent_returner": "Frequent returners"}

path, version, _ = require_warehouse()
st.title("Tags")
try:
    counts = tags_data.tag_counts(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
if counts.empty:
    st.info("No user carries an automatic tag yet.")
    st.stop()

summary = tags_data.summarize(counts)
st.caption(
    f"Automatic tags as of {summary.as_of_date} (computed from the data up to "
    f"{summary.computed_at:%Y-%m-%d %H:%M} UTC); current counts, not filtered by the date "
    "range. Definitions: dbt_project/models/marts/tags/_tags.yml. Manual tags live in the "
    "shop's database (GET /v1/admin/tags)."
)
for column, (tag, users) in zip(st.columns(len(summary.per_flag)), summary.per_flag.items(),
                                strict=True):
    column.metric(LABELS[tag], kpis.format_count(users), border=True)

flags = tags_data.flag_frame(counts)
st.subheader("Users per tag")
chart_with_download(
    alt.Chart(flags).mark_bar().encode(
        x=alt.X("users:Q", title="Users"), y=alt.Y("tag:N", sort="-x", title=None),
        tooltip=["tag:N", "users:Q"]),
    flags, name="users-per-tag")

for column, (tag, title) in zip(st.columns(2), (("rfm_segment", "RFM segment"),
                                                ("member_level", "Member level")), strict=True):
    with column:
        st.subheader(title)
        values = tags_data.values_of(counts, tag)
        chart_with_download(
            alt.Chart(values).mark_bar().encode(
                x=alt.X("users:Q", title="Users"),
                y=alt.Y("tag_value:N", sort="-x", title=None),
                tooltip=["tag_value:N", "users:Q"]),
            values, name=f"users-per-{tag.replace('_', '-')}")
