"""Overview: money and traffic KPIs over the selected range, compared with the period before."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis
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


tiles = [
    (
        "GMV",
        kpis.format_cents(current.gmv_cents, currency),
        "gmv_cents",
        _money_delta,
        "Sum of paid orders' totals, dated by payment.",
    ),
    ("Paid orders", kpis.format_count(current.paid_orders), "paid_orders", _count_delta, None),
    (
        "AOV",
        kpis.format_cents(current.aov_cents, currency),
        "aov_cents",
        _money_delta,
        "GMV / paid orders over the whole range.",
    ),
    (
        "Buyers",
        kpis.format_count(current.buyers),
        "buyers",
        _count_delta,
        "Sum of daily distinct buyers: someone buying on two days counts twice.",
    ),
    (
        "Sessions",
        kpis.format_count(current.sessions),
        "sessions",
        _count_delta,
        "Visits split after 30 minutes of inactivity.",
    ),
    (
        "Conversion rate",
        kpis.format_rate(current.conversion_rate),
        "conversion_rate",
        kpis.format_points,
        "Sessions reaching a paid order / sessions.",
    ),
]
# Two rows of three: six tiles in one row truncate money values on a laptop screen.
columns = [c for _ in range(2) for c in st.columns(3)]
for column, (label, value, field, formatter, help_text) in zip(columns, tiles, strict=True):
    before = getattr(previous, field) if previous is not None else None
    column.metric(
        label,
        value,
        delta=_delta(getattr(current, field), before, formatter),
        help=help_text,
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
