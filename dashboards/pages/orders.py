"""Orders & fulfilment: sub-orders by status, how fast they ship and arrive by carrier and
region, and the sub-orders operators intercepted."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis, order_flow, order_flow_data
from dashboards.components import require_warehouse, selected_range
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the sub-order and fulfilment marts existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Orders & fulfilment")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC). Sub-orders by the day they were placed; "
    "shipping times by the day they shipped. An order has one sub-order per merchant and "
    "location."
)

try:
    statuses = order_flow_data.sub_order_statuses(path, version, start, end)
    times = order_flow_data.shipping_times(path, version, start, end)
    shipped_daily = order_flow_data.fulfilment_daily(path, version, start, end)
    intercepted = order_flow_data.interceptions(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

if statuses.empty and times.empty:
    st.info("No sub-orders placed or shipped in this date range.")
    st.stop()


def _hours(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.1f} h"


held = intercepted[intercepted["is_paused"].fillna(False).astype(bool)]
tiles = [
    ("Sub-orders placed", kpis.format_count(int(statuses["sub_orders"].sum())),
     "Sub-orders of the orders placed in the range."),
    ("Shipped", kpis.format_count(len(times)), "Sub-orders that left in the range."),
    ("Median time to ship", _hours(times["hours_to_ship"].median()),
     "Hours from payment to handing the parcel to the carrier."),
    ("Median time to deliver", _hours(times["hours_to_deliver"].median()),
     "Hours from shipping to delivery (the carrier's time), for those delivered."),
    ("Held by operators", kpis.format_count(len(held)),
     "Sub-orders an operator paused and has not released yet."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Sub-orders by status now")
by_status = order_flow.statuses_in_order(statuses)
st.altair_chart(
    alt.Chart(by_status)
    .mark_bar()
    .encode(
        x=alt.X("status:N", sort=by_status["status"].tolist(), title=None),
        y=alt.Y("sub_orders:Q", title="Sub-orders"),
        color=alt.condition(alt.datum.status == "cancelled", alt.value("#d62728"),
                            alt.value("#4c78a8")),
        tooltip=["status:N", "sub_orders:Q"],
    ),
    width="stretch",
)


def _speed_chart(frame: pd.DataFrame, dimension: str, title: str) -> None:
    """Median hours to ship and to deliver per value of dimension, side by side."""
    long = frame.melt(id_vars=[dimension, "shipped", "delivered"],
                      value_vars=["median_hours_to_ship", "median_hours_to_deliver"],
                      var_name="measure", value_name="hours").dropna(subset=["hours"])
    long["measure"] = long["measure"].map({"median_hours_to_ship": "to ship",
                                           "median_hours_to_deliver": "to deliver"})
    st.altair_chart(
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(f"{dimension}:N", sort=frame[dimension].tolist(), title=title),
            x=alt.X("hours:Q", title="Median hours"),
            yOffset="measure:N",
            color=alt.Color("measure:N", title=None),
            tooltip=[f"{dimension}:N", "measure:N", alt.Tooltip("hours:Q", format=",.1f"),
                     "shipped:Q", "delivered:Q"],
        ),
        width="stretch",
    )


if times.empty:
    st.info("Nothing shipped in this date range.")
else:
    by_carrier = order_flow.shipping_by(times, "carrier")
    by_region = order_flow.shipping_by(times, "shipping_region")
    left, right = st.columns(2)
    with left:
        st.subheader("Time to ship and deliver by carrier")
        _speed_chart(by_carrier, "carrier", "Carrier")
    with right:
        st.subheader("… by shipping region")
        _speed_chart(by_region, "shipping_region", "Region")

    st.subheader("Shipped per day and mean time to ship")
    trend = shipped_daily.assign(shipped_date=pd.to_datetime(shipped_daily["shipped_date"]))
    base = alt.Chart(trend).encode(x=alt.X("yearmonthdate(shipped_date):T", title="Day"))
    st.altair_chart(
        alt.layer(
            base.mark_bar(opacity=0.5).encode(
                y=alt.Y("sub_orders_shipped:Q", title="Sub-orders shipped")),
            base.mark_line(point=True, color="#e45756").encode(
                y=alt.Y("avg_hours_to_ship:Q", title="Mean hours to ship")),
        ).resolve_scale(y="independent"),
        width="stretch",
    )

st.subheader("Interceptions")
if intercepted.empty:
    st.info("No sub-order placed in this range was intercepted.")
else:
    st.caption("Sub-orders an operator paused, resumed or cancelled before shipping; the "
               "ones held now first.")
    st.dataframe(
        intercepted.assign(total=intercepted["total_cents"].map(
            lambda cents: kpis.format_cents(int(cents), currency))).drop(
            columns=["total_cents"]),
        hide_index=True,
        column_config={
            "sub_order_id": "Sub-order",
            "order_id": "Order",
            "merchant_name": "Merchant",
            "status": "Status",
            "is_paused": st.column_config.CheckboxColumn("Held now"),
            "hold_reason": "Why held",
            "interceptions": st.column_config.NumberColumn("Interceptions"),
            "is_cancelled_after_payment": st.column_config.CheckboxColumn("Cancelled"),
            "cancel_reason": "Cancel reason",
            "created_at": st.column_config.DatetimeColumn("Placed (UTC)",
                                                          format="YYYY-MM-DD HH:mm"),
            "total": "Value",
        },
    )
