"""Promoters: what distribution brought (bound buyers, referred orders, GMV) and what it
cost (commissions accrued less reversed), for every promoter or one (their own view)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, promoters_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the promoters mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)
EVERYONE = "All promoters"

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Promoters")
try:
    days = promoters_data.promoter_days(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(
    f"{start} to {end} (UTC). Orders count on the day their level-1 commission accrued; "
    "net cost is commissions accrued less those reversed after refunds."
)
if days.empty:
    st.info("No promoter has bound a buyer or earned a commission in this range yet.")
    st.stop()

choice = st.selectbox("Promoter", [EVERYONE, *sorted(days["promoter_id"].unique())])
shown = promoters_data.only(days, None if choice == EVERYONE else choice)
currency = str(days["currency"].iloc[0])
totals = shown[promoters_data.COUNTS].sum()
gmv, net = int(totals["gmv_cents"]), int(totals["net_commission_cost_cents"])
tiles = [
    ("Bound buyers", kpis.format_count(int(totals["bound_buyers"])),
     "Buyers bound to the promoter(s) in the range."),
    ("Referred orders", kpis.format_count(int(totals["orders"])),
     "Orders of bound buyers with a level-1 commission."),
    ("GMV", kpis.format_cents(gmv, currency), "What those orders were paid."),
    ("Net commission", kpis.format_cents(net, currency),
     "Accrued at both levels less reversed."),
    ("Cost share", kpis.format_rate(net / gmv if gmv else 0.0), "Net commission / GMV."),
    ("Held", kpis.format_cents(int(totals["commission_held_cents"]), currency),
     "Commissions held by risk control (self-referral, shared device or address, rings)."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Promoters")
table = promoters_data.per_promoter(shown)
st.dataframe(table.assign(
    gmv=[kpis.format_cents(int(c), currency) for c in table["gmv_cents"]],
    net_commission=[kpis.format_cents(int(c), currency)
                    for c in table["net_commission_cost_cents"]],
    cost_share=[kpis.format_rate(r) for r in table["cost_share"]],
)[["promoter_id", "bound_buyers", "orders", "gmv", "net_commission", "cost_share"]],
    hide_index=True)

st.subheader("Over days")
chart_with_download(
    alt.Chart(promoters_data.daily_money(shown)).mark_line(point=True).encode(
        x=alt.X("activity_date:T", title="Day"), y=alt.Y("cents:Q", title="Cents"),
        color=alt.Color("measure:N", title=None),
        tooltip=["activity_date:T", "measure:N", "cents:Q"]),
    shown, name="promoter-performance-daily")
