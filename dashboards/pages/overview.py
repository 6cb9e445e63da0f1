"""Overview: money and traffic KPIs over the selected range, compared with the period before."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis, money_view, order_flow
from dashboards.components import require_warehouse, selected_range
from transactional_api.config import get_settings

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Overview")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC), compared with the same number of days before"
)

daily = data.daily_kpis(path, version, start, end)
current = kpis.summarise(daily)
if current is None:
    st.info("No KPI rows in this date range.")
    st.stop()
previous = kpis.summarise(data.daily_kpis(path, version, *kpis.previous_period(start, end)))


def _delta(value: int | float, before: int | float | None, formatter) -> str | None:
    return None if before is None else formatter(value - before)


def _money_delta(cents: int) -> str:
    return kpis.format_cents(cents, currency, signed=True)


def _count_delta(count: int) -> str:
    return kpis.format_count(count, signed=True)


def _refunds_help(count: int) -> str:
    payments = "payment" if count == 1 else "payments"
    return (
        "Money captured that must go back to shoppers: taken after the payment was reported "
        "failed, or for an order already cancelled. Counted once per payment, on the day it "
        f"fell due; refunds paid out are not tracked. {count:,} {payments} in this range."
    )


class Tile(NamedTuple):
    label: str
    value: str
    field: str  # KpiSummary attribute compared with the previous period
    delta_formatter: Callable
    help: str | None = None
    delta_color: str = "normal"


gmv = Tile(
    "GMV",
    kpis.format_cents(current.gmv_cents, currency),
    "gmv_cents",
    _money_delta,
    "Sum of paid orders' totals, dated by payment.",
)
aov = Tile(
    "AOV",
    kpis.format_cents(current.aov_cents, currency),
    "aov_cents",
    _money_delta,
    "GMV / paid orders over the whole range.",
)
refunds = Tile(
    "Refunds owed",
    kpis.format_cents(current.refunds_due_cents, currency),
    "refunds_due_cents",
    _money_delta,
    _refunds_help(current.refunds_due),
    delta_color="inverse",  # more money owed back is bad news
)
paid_orders = Tile(
    "Paid orders", kpis.format_count(current.paid_orders), "paid_orders", _count_delta
)
buyers = Tile(
    "Buyers",
    kpis.format_count(current.buyers),
    "buyers",
    _count_delta,
    "Sum of daily distinct buyers: someone buying on two days counts twice.",
)
sessions = Tile(
    "Sessions",
    kpis.format_count(current.sessions),
    "sessions",
    _count_delta,
    "Visits split after 30 minutes of inactivity.",
)
conversion = Tile(
    "Conversion rate",
    kpis.format_rate(current.conversion_rate),
    "conversion_rate",
    kpis.format_points,
    "Sessions reaching a paid order / sessions.",
)
# Money in a row of three, counts and rates in a row of four: money values are the long
# ones, and squeezed into narrow columns they get truncated on a laptop screen.
for row in ([gmv, aov, refunds], [paid_orders, buyers, sessions, conversion]):
    for column, tile in zip(st.columns(len(row)), row, strict=True):
        before = getattr(previous, tile.field) if previous is not None else None
        column.metric(
            tile.label,
            tile.value,
            delta=_delta(getattr(current, tile.field), before, tile.delta_formatter),
            delta_color=tile.delta_color,
            help=tile.help,
            border=True,
        )

chart_data = daily.assign(
    kpi_date=pd.to_datetime(daily["kpi_date"]),
    # Charts only: the amounts shown in tiles stay exact integer cents.
    gmv=daily["gmv_cents"] / 100,
)
left, right = st.columns(2)
with left:
    st.subheader("Daily GMV")
    st.altair_chart(
        alt.Chart(chart_data)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(kpi_date):T", title="Day"),
            y=alt.Y("gmv:Q", title=f"GMV ({currency})"),
            tooltip=[alt.Tooltip("kpi_date:T", title="Day"), alt.Tooltip("gmv:Q", format=",.2f")],
        ),
        width="stretch",
    )
with right:
    st.subheader("Daily paid orders")
    st.altair_chart(
        alt.Chart(chart_data)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonthdate(kpi_date):T", title="Day"),
            y=alt.Y("paid_orders:Q", title="Paid orders"),
            tooltip=[alt.Tooltip("kpi_date:T", title="Day"), "paid_orders:Q"],
        ),
        width="stretch",
    )

# --- GMV versus net revenue -------------------------------------------------------------
st.subheader("GMV versus net revenue")
try:
    revenue_daily = data.daily_revenue(path, version, start, end)
    revenue_before = order_flow.revenue_summary(
        data.daily_revenue(path, version, *kpis.previous_period(start, end)))
except data.WarehouseUnavailable:
    st.info(
        "This warehouse was published before net revenue was added to the KPIs. Run the "
        "pipelines again: `flywheel pipeline run`.",
        icon=":material/info:",
    )
    st.stop()
revenue = order_flow.revenue_summary(revenue_daily)
if revenue is None:
    st.stop()
st.caption(
    "Net revenue is GMV less money of paid orders given back (after-sales and operator "
    "refunds) and less paid sub-orders cancelled before shipping (interceptions, refunds "
    "before shipping, virtual goods that failed), each on the day it happened."
)
revenue_tiles = [
    ("Net revenue", revenue.net_revenue_cents, "net_revenue_cents", "normal",
     "GMV - refunded - cancelled after payment."),
    ("Refunded", revenue.refunded_cents, "refunded_cents", "inverse",
     "Money of paid orders given back, other than for a cancelled sub-order."),
    ("Cancelled after payment", revenue.cancelled_after_payment_cents,
     "cancelled_after_payment_cents", "inverse",
     "Value of paid sub-orders cancelled before they shipped."),
]
for column, (label, cents, field, colour, help_text) in zip(
        st.columns(len(revenue_tiles)), revenue_tiles, strict=True):
    before = getattr(revenue_before, field) if revenue_before is not None else None
    column.metric(
        label,
        kpis.format_cents(cents, currency),
        delta=_delta(cents, before, _money_delta),
        delta_color=colour,
        help=help_text,
        border=True,
    )
st.altair_chart(
    alt.Chart(order_flow.revenue_long(revenue_daily))
    .mark_bar()
    .encode(
        x=alt.X("yearmonthdate(kpi_date):T", title="Day"),
        xOffset="measure:N",
        y=alt.Y("amount:Q", title=currency),
        color=alt.Color("measure:N", title=None,
                        scale=alt.Scale(domain=["GMV", "Net revenue"],
                                        range=["#4c78a8", "#54a24b"])),
        tooltip=[alt.Tooltip("kpi_date:T", title="Day"), "measure:N",
                 alt.Tooltip("amount:Q", format=",.2f")],
    ),
    width="stretch",
)

# --- the parts of GMV and net revenue, and money by payment channel (issue 9) -------------
money_view.render(path, version, start, end, currency)
