"""Suppliers: what was ordered from each supplier, what arrived (fill rate, quality
rejects), how long it took and how often on time."""

from __future__ import annotations

import streamlit as st

from dashboards import data, kpis, supplier_data
from dashboards.components import require_warehouse

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the supplier mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, _ = require_warehouse()
st.title("Suppliers")
try:
    frame = supplier_data.suppliers(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption("All time. Fill rate: units accepted into stock over units on sent purchase "
           "orders; lead time: sent to fully received; on time: received by sent + the "
           "contract lead time.")
if frame.empty:
    st.info("No supplier has been onboarded yet.")
    st.stop()


def _rate(value) -> str:
    return "–" if value is None else kpis.format_rate(float(value))


t = supplier_data.totals(frame)
tiles = [
    ("Units ordered", kpis.format_count(t["units_ordered"]), "On sent, uncancelled POs."),
    ("Fill rate", _rate(t["fill_rate"]), "Units accepted over units ordered."),
    ("Reject rate", _rate(t["reject_rate"]), "Delivered units rejected on quality."),
    ("On time", _rate(t["on_time_share"]), "Fully received orders that arrived in time."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("By supplier")
table = frame.assign(
    fill=[_rate(v) if v == v else "–" for v in frame["fill_rate"]],
    on_time=[_rate(v) if v == v else "–" for v in frame["on_time_share"]],
    lead_days=[f"{v:.1f}" if v == v and v is not None else "–"
               for v in frame["mean_lead_time_days"]])
st.dataframe(table[["supplier_name", "purchase_orders", "units_ordered", "units_received",
                    "units_rejected", "fill", "purchase_orders_received", "lead_days",
                    "on_time"]], hide_index=True, use_container_width=True)
