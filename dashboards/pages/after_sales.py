"""After-sales: how many paid orders come back, why, how they end and how long it takes."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, order_flow, order_flow_data
from dashboards.components import require_warehouse, selected_range
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the after-sales mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)
REASONS = {"damaged": "Damaged", "wrong_item": "Wrong item",
           "not_as_described": "Not as described", "no_longer_needed": "No longer needed",
           "late": "Late", "other": "Other"}

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("After-sales")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC): requests by the day they were made, "
    "against the orders paid on the same days."
)

try:
    requests = order_flow_data.after_sales(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
paid_orders = int(data.daily_kpis(path, version, start, end)["paid_orders"].sum())
summary = order_flow.after_sales_summary(requests, paid_orders)

tiles = [
    ("Requests", kpis.format_count(summary.requests),
     "Refund-only, return-and-refund and exchange requests made in the range."),
    ("Per paid order", "–" if summary.rate is None else kpis.format_rate(summary.rate),
     f"Requests / orders paid in the range ({summary.paid_orders:,})."),
    ("Open", kpis.format_count(summary.open_requests), "Requests not closed yet."),
    ("Median time to resolve",
     "–" if summary.median_hours_to_resolve is None
     else f"{summary.median_hours_to_resolve:,.1f} h",
     "Hours from the request to its closing, over the closed ones."),
    ("Refunded", kpis.format_cents(summary.refunded_cents, currency),
     "What these requests gave back."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

if requests.empty:
    st.info("No after-sales request in this date range.")
    st.stop()

reasons = order_flow.requests_by(requests, "reason_code")
reasons["reason"] = reasons["reason_code"].map(lambda code: REASONS.get(code, code))
left, right = st.columns(2)
with left:
    st.subheader("Reasons")
    st.altair_chart(
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            y=alt.Y("reason:N", sort=reasons["reason"].tolist(), title=None),
            x=alt.X("requests:Q", title="Requests"),
            tooltip=["reason:N", "requests:Q",
                     alt.Tooltip("median_hours_to_resolve:Q", format=",.1f")],
        ),
        width="stretch",
    )
with right:
    st.subheader("Time to resolve by request type")
    types = order_flow.requests_by(requests, "request_type").dropna(
        subset=["median_hours_to_resolve"])
    st.altair_chart(
        alt.Chart(types)
        .mark_bar()
        .encode(
            y=alt.Y("request_type:N", title=None),
            x=alt.X("median_hours_to_resolve:Q", title="Median hours to resolve"),
            tooltip=["request_type:N", "requests:Q",
                     alt.Tooltip("median_hours_to_resolve:Q", format=",.1f")],
        ),
        width="stretch",
    )

st.subheader("How requests ended")
outcomes = order_flow.requests_by(requests, "resolution")
st.altair_chart(
    alt.Chart(outcomes)
    .mark_bar()
    .encode(
        x=alt.X("resolution:N", sort=outcomes["resolution"].tolist(), title=None),
        y=alt.Y("requests:Q", title="Requests"),
        tooltip=["resolution:N", "requests:Q"],
    ),
    width="stretch",
)

still_open = requests[requests["request_status"] == "open"]
if not still_open.empty:
    st.subheader("Open requests")
    st.dataframe(
        still_open[["request_id", "order_id", "merchant_name", "request_type", "reason_code",
                    "decision", "requested_at"]],
        hide_index=True,
        column_config={
            "request_id": "Request",
            "order_id": "Order",
            "merchant_name": "Merchant",
            "request_type": "Type",
            "reason_code": "Reason",
            "decision": "Decision",
            "requested_at": st.column_config.DatetimeColumn("Requested (UTC)",
                                                            format="YYYY-MM-DD HH:mm"),
        },
    )
