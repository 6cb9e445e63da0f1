"""Group buying: how often groups form, what the group price cost in discount, and the
fission of share links (invites, joins, new users per inviter)."""

from __future__ import annotations

import streamlit as st

from dashboards import data, group_buys_data, kpis
from dashboards.components import require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the group-buy marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Group buying")
try:
    groups = group_buys_data.groups(path, version, start, end)
    fission = group_buys_data.fission(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption(f"Groups opened {start} to {end} (UTC). Success rate: formed groups of those "
           "whose window has ended; discount: (list price - group price) x units sold.")
if groups.empty:
    st.info("No group was opened in this range yet.")
    st.stop()

s = group_buys_data.summary(groups)
currency = str(groups["currency"].iloc[0])
tiles = [
    ("Groups", kpis.format_count(s["groups"]), "Groups opened in the range."),
    ("Success rate", kpis.format_rate(s["success_rate"]),
     "Formed / (formed + failed); open groups are left out."),
    ("GMV", kpis.format_cents(s["gmv_cents"], currency), "Paid members x group price."),
    ("Discount cost", kpis.format_cents(s["discount_cents"], currency),
     "(List - group price) x units of formed groups."),
    ("Refunded", kpis.format_cents(s["refunded_cents"], currency),
     "Paid back to members of failed groups."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Offers")
offers = group_buys_data.per_offer(groups)
st.dataframe(offers.assign(
    success_rate=[kpis.format_rate(r) for r in offers["success_rate"]],
    gmv=[kpis.format_cents(int(c), currency) for c in offers["gmv_cents"]],
    discount=[kpis.format_cents(int(c), currency) for c in offers["group_discount_cents"]],
)[["offer_id", "group_size", "groups", "formed", "failed", "success_rate", "gmv",
   "discount"]], hide_index=True)

st.subheader("Fission")
f = group_buys_data.fission_totals(fission)
cols = st.columns(4)
cols[0].metric("Invites sent", kpis.format_count(f["invites_sent"]), border=True)
cols[1].metric("Joined through invites", kpis.format_count(f["joined"]), border=True)
cols[2].metric("Joins per invite", f"{f['joins_per_invite']:.2f}", border=True)
cols[3].metric("New users acquired", kpis.format_count(f["new_users_acquired"]), border=True)
st.dataframe(fission.head(50), hide_index=True)
