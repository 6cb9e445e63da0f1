"""Risk: the rules' decisions over days, the rules that fire most, orders held for review,
and how the warehouse's risk scores are spread."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, risk_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the risk marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
st.title("Risk")
try:
    daily = risk_data.decisions_daily(path, version)
    scores = risk_data.scores(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
start, end = selected_range(bounds)
window = risk_data.in_range(daily, start, end)
st.caption(
    f"Decisions from {start} to {end}: every challenge and block, and the sampled allows. "
    "The live review queue is at GET /v1/admin/risk/reviews (the warehouse counts the "
    "orders held, not what operators have decided since the last build). Definitions: "
    "dbt_project/models/marts/risk/_risk.yml."
)
per_day = risk_data.outcomes_per_day(window)
cols = st.columns(4)
for column, outcome in zip(cols[:2], ("challenge", "block"), strict=True):
    total = int(per_day.loc[per_day["outcome"] == outcome, "decisions"].sum())
    column.metric(f"{outcome.capitalize()}s", kpis.format_count(total), border=True)
cols[2].metric("Orders held for review", kpis.format_count(risk_data.held_for_review(window)),
               border=True)
cols[3].metric("Users scored 80+", kpis.format_count(
    int((scores["risk_score"] >= 80).sum())), border=True)

if window.empty:
    st.info("No risk decision in this date range.")
else:
    st.subheader("Decisions by outcome")
    chart_with_download(
        alt.Chart(per_day).mark_bar().encode(
            x=alt.X("decision_date:T", title=None), y=alt.Y("decisions:Q", title="Decisions"),
            color=alt.Color("outcome:N"), tooltip=["decision_date:T", "outcome:N",
                                                   "decisions:Q"]),
        per_day, name="risk-decisions-per-day")
    rules = risk_data.top_rules(window)
    st.subheader("Rules that fired most")
    chart_with_download(
        alt.Chart(rules).mark_bar().encode(
            x=alt.X("decisions:Q", title="Decisions"),
            y=alt.Y("rule_code:N", sort="-x", title=None),
            tooltip=["rule_code:N", "decisions:Q"]),
        rules, name="risk-top-rules")

bands = risk_data.score_bands(scores)
st.subheader("Risk scores (current, all users)")
chart_with_download(
    alt.Chart(bands).mark_bar().encode(
        x=alt.X("band:N", sort=None, title="Score"), y=alt.Y("users:Q", title="Users"),
        tooltip=["band:N", "users:Q"]),
    bands, name="risk-score-bands")
