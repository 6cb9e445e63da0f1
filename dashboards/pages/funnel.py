"""Funnel: the session funnel and the user funnel over the selected range, by channel group,
device and new versus returning, with step conversion and drop-off."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, funnel_data, kpis
from dashboards.components import (
    channel_filter,
    chart_with_download,
    require_warehouse,
    selected_range,
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Funnel")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC). Steps count in order: product view, add to "
    "cart, checkout, order, payment; a step counts only after every earlier one."
)

# The sliced marts arrived with issue 9: an older published copy only has the daily funnel.
try:
    options = funnel_data.slice_options(path, version, start, end)
except data.WarehouseUnavailable:
    options = None

if options is None:
    chosen = funnel_data.Slice()
    daily = data.funnel_daily(path, version, start, end)
    st.info("This warehouse predates the funnel by channel and the user funnel: run the "
            "pipelines again for them (`flywheel pipeline run`).", icon=":material/info:")
else:
    st.sidebar.subheader("Funnel")
    channels = channel_filter(options["channel"], key="funnel_channels", label="Channel group")
    devices = st.sidebar.multiselect("Device", options["device"], key="funnel_devices",
                                     placeholder="All devices")
    types = st.sidebar.multiselect("New vs returning", options["visitor_type"],
                                   key="funnel_visitor_types", placeholder="Both")
    every_channel = len(channels) == len(options["channel"])
    chosen = funnel_data.Slice(channels=() if every_channel else tuple(channels),
                               devices=tuple(devices), visitor_types=tuple(types))
    daily = funnel_data.session_funnel(path, version, start, end, chosen)

steps = funnel_data.summary(daily, "sessions")
if steps.empty:
    st.info("No funnel rows in this date range.")
    st.stop()

# --- session funnel --------------------------------------------------------------------
st.header("Sessions")
st.caption("A session reaches a step when it did that step after every earlier one within "
           "the session (30 minutes without an event end a session).")
for column, row in zip(st.columns(len(steps)), steps.itertuples(), strict=True):
    conversion = row.step_conversion_pct
    column.metric(
        row.step.replace("_", " ").capitalize(),
        kpis.format_count(int(row.sessions)),
        delta=None if row.step_order == 1 or pd.isna(conversion) else f"{conversion:.2f}%",
        delta_color="off",
        help="Sessions; below it, the share of the previous step's sessions.",
        border=True,
    )

order = steps["step"].tolist()
left, right = st.columns(2)
with left:
    st.subheader("Sessions per step")
    bars = steps.melt(id_vars=["step_order", "step"], value_vars=["sessions", "drop_off"],
                      var_name="kind", value_name="count")
    chart_with_download(
        alt.Chart(bars).mark_bar().encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X("count:Q", title="Sessions", stack=True),
            color=alt.Color("kind:N", title=None,
                            scale=alt.Scale(domain=["sessions", "drop_off"],
                                            range=["#4c78a8", "#d3d3d3"])),
            tooltip=["step:N", "kind:N", "count:Q"],
        ),
        steps, name="session_funnel",
    )
with right:
    st.subheader("Step-to-step conversion")
    chart_with_download(
        alt.Chart(steps[steps["step_order"] > 1]).mark_bar().encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X("step_conversion_pct:Q", title="% of previous step",
                    scale=alt.Scale(domain=[0, 100])),
            tooltip=["step:N", "step_conversion_pct:Q", "drop_off:Q"],
        ),
        steps[steps["step_order"] > 1], name="session_step_conversion",
    )

st.subheader("Steps")
st.dataframe(
    steps,
    hide_index=True,
    column_config={
        "step_order": st.column_config.NumberColumn("#"),
        "step": "Step",
        "sessions": st.column_config.NumberColumn("Sessions", format="localized"),
        "drop_off": st.column_config.NumberColumn("Dropped off", format="localized"),
        "step_conversion_pct": st.column_config.NumberColumn("% of previous", format="%.2f%%"),
        "overall_conversion_pct": st.column_config.NumberColumn("% of first", format="%.2f%%"),
    },
)

if options is not None:
    st.subheader("Conversion by segment")
    label = st.selectbox("Break down by", list(funnel_data.BREAKDOWNS), key="funnel_breakdown")
    segments = funnel_data.conversion_by_segment(funnel_data.session_funnel_by(
        path, version, start, end, chosen, funnel_data.BREAKDOWNS[label]))
    chart_with_download(
        alt.Chart(segments).mark_bar().encode(
            y=alt.Y("segment:N", sort="-x", title=label),
            x=alt.X("conversion_pct:Q", title="Paid / viewed a product (%)"),
            tooltip=["segment:N", "viewed:Q", "paid:Q", "conversion_pct:Q"],
        ),
        segments, name="session_conversion_by_segment",
    )

st.subheader("Daily conversion, first to last step")
trend = funnel_data.daily_conversion(daily)
if trend.empty:
    st.caption("No day in the range has both steps.")
else:
    chart_with_download(
        alt.Chart(trend).mark_line(point=True).encode(
            x=alt.X("yearmonthdate(session_date):T", title="Day"),
            y=alt.Y("conversion_pct:Q", title="Paid / product view (%)"),
            tooltip=[alt.Tooltip("session_date:T"),
                     alt.Tooltip("conversion_pct:Q", format=".2f")],
        ),
        trend, name="session_daily_conversion",
    )

# --- user funnel -----------------------------------------------------------------------
st.header("People")
if options is None:
    st.stop()
st.caption("Each person (signed-in accounts across their devices, else the anonymous "
           "visitor) counts once, from their first product view in the range, and reaches "
           "a step by doing it after the earlier ones within 14 days, in any session.")
people = funnel_data.summary(funnel_data.user_funnel(path, version, start, end, chosen),
                             "users")
chart_with_download(
    alt.Chart(people).mark_bar().encode(
        y=alt.Y("step:N", sort=order, title=None),
        x=alt.X("users:Q", title="People"),
        tooltip=["step:N", "users:Q", "step_conversion_pct:Q", "overall_conversion_pct:Q",
                 "drop_off:Q"],
    ),
    people, name="user_funnel",
)
st.dataframe(
    people,
    hide_index=True,
    column_config={
        "step_order": st.column_config.NumberColumn("#"),
        "step": "Step",
        "users": st.column_config.NumberColumn("People", format="localized"),
        "drop_off": st.column_config.NumberColumn("Dropped off", format="localized"),
        "step_conversion_pct": st.column_config.NumberColumn("% of previous", format="%.2f%%"),
        "overall_conversion_pct": st.column_config.NumberColumn("% of first", format="%.2f%%"),
    },
)
