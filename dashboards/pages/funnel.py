"""Funnel: sessions reaching each step over the selected range, and step-to-step conversion."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis
from dashboards.components import require_warehouse, selected_range

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Funnel")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC). A session counts at a step only if it reached "
    "every earlier step."
)

daily = data.funnel_daily(path, version, start, end)
steps = kpis.funnel_summary(daily)
if steps.empty:
    st.info("No funnel rows in this date range.")
    st.stop()

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

left, right = st.columns(2)
with left:
    st.subheader("Sessions per step")
    order = steps["step"].tolist()
    st.altair_chart(
        alt.Chart(steps)
        .mark_bar()
        .encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X("sessions:Q", title="Sessions"),
            tooltip=["step:N", "sessions:Q", "step_conversion_pct:Q", "overall_conversion_pct:Q"],
        ),
        width="stretch",
    )
with right:
    st.subheader("Step-to-step conversion")
    st.altair_chart(
        alt.Chart(steps[steps["step_order"] > 1])
        .mark_bar()
        .encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X(
                "step_conversion_pct:Q",
                title="% of previous step",
                scale=alt.Scale(domain=[0, 100]),
            ),
            tooltip=["step:N", "step_conversion_pct:Q"],
        ),
        width="stretch",
    )

st.subheader("Steps")
st.dataframe(
    steps,
    hide_index=True,
    column_config={
        "step_order": st.column_config.NumberColumn("#"),
        "step": "Step",
        "sessions": st.column_config.NumberColumn("Sessions", format="localized"),
        "step_conversion_pct": st.column_config.NumberColumn("% of previous", format="%.2f%%"),
        "overall_conversion_pct": st.column_config.NumberColumn("% of first", format="%.2f%%"),
    },
)

st.subheader("Daily conversion, first to last step")
by_day = daily.pivot_table(index="session_date", columns="step", values="sessions", aggfunc="sum")
if {"product_view", "order_paid"} <= set(by_day.columns):
    by_day = by_day[by_day["product_view"] > 0]
    trend = pd.DataFrame(
        {
            "session_date": pd.to_datetime(by_day.index),
            "conversion_pct": 100 * by_day["order_paid"] / by_day["product_view"],
        }
    )
    st.altair_chart(
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonthdate(session_date):T", title="Day"),
            y=alt.Y("conversion_pct:Q", title="Paid / product view (%)"),
            tooltip=[alt.Tooltip("session_date:T"), alt.Tooltip("conversion_pct:Q", format=".2f")],
        ),
        width="stretch",
    )
