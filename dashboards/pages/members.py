"""Members: the level distribution and its movement, and the points flow."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, members_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the members' marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Members")
st.caption(
    f"{start} to {end} (UTC). Levels rise at once when a member's growth over the rolling "
    "window reaches the next threshold and fall only at a period end (calendar month). "
    "Points are counted in points, not money."
)

try:
    levels = members_data.levels_daily(path, version, start, end)
    points = members_data.points_daily(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
if levels.empty and points.empty:
    st.info("No member has earned growth or points in this range yet.")
    st.stop()

order = members_data.level_order(levels)
summary = members_data.summarize(levels, points, base_level=order[0] if order else "")
tiles = [
    ("Members", kpis.format_count(summary.members),
     "Members on the range's last day (from their first growth or points)."),
    ("Above the first level", kpis.format_count(summary.above_base),
     "Of them, members at any level above the lowest."),
    ("Upgrades", kpis.format_count(summary.upgrades), "Level rises in the range."),
    ("Downgrades", kpis.format_count(summary.downgrades),
     "Level falls in the range (at period ends)."),
    ("Points outstanding", kpis.format_count(summary.points_outstanding),
     "Every member's balance summed at the end of the range."),
    ("Points earned / spent", f"{kpis.format_count(summary.points_earned)} / "
     f"{kpis.format_count(summary.points_spent)}", "Earned and spent in the range."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

left, right = st.columns(2)
with left:
    st.subheader("Level distribution")
    chart_with_download(
        alt.Chart(levels).mark_area().encode(
            x=alt.X("activity_date:T", title="Day"),
            y=alt.Y("members:Q", stack=True, title="Members"),
            color=alt.Color("level:N", sort=order, title="Level"),
            order=alt.Order("level_rank:Q"),
            tooltip=["activity_date:T", "level:N", "members:Q"]).transform_calculate(
                level_rank=f"indexof({order!r}, datum.level)"),
        levels, name="member-levels-daily")
with right:
    st.subheader("Movement")
    moves = members_data.movement(levels)
    chart_with_download(
        alt.Chart(moves).mark_bar().encode(
            x=alt.X("activity_date:T", title="Day"), y=alt.Y("members:Q", title="Members"),
            color=alt.Color("direction:N", title=None),
            xOffset="direction:N",
            tooltip=["activity_date:T", "direction:N", "members:Q"]),
        moves, name="member-level-movement")

st.subheader("Points flow")
flow = members_data.points_flow(points)
bars = alt.Chart(flow).mark_bar().encode(
    x=alt.X("activity_date:T", title="Day"), y=alt.Y("points:Q", title="Points in and out"),
    color=alt.Color("kind:N", title=None),
    tooltip=["activity_date:T", "kind:N", "points:Q"])
chart_with_download(bars, flow, name="points-flow")
chart_with_download(
    alt.Chart(points).mark_line().encode(
        x=alt.X("activity_date:T", title="Day"),
        y=alt.Y("points_outstanding:Q", title="Points outstanding"),
        tooltip=["activity_date:T", "points_outstanding:Q", "net_points:Q"]),
    points, name="points-outstanding")

if not levels.empty:
    st.subheader(f"Levels on {levels['activity_date'].max():%Y-%m-%d}")
    last = levels[levels["activity_date"] == levels["activity_date"].max()]
    st.dataframe(last.set_index("level").reindex([n for n in order if n in set(last["level"])])
                 .reset_index()[["level", "members", "upgrades_in", "downgrades_in"]],
                 hide_index=True)
