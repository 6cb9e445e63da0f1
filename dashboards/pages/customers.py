"""Customers: RFM grid and segments, cohort retention, 90-day repurchase and lifetime value,
for the customers acquired (first paid order) in the selected range."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import customers_data as cd
from dashboards import data, kpis
from dashboards.components import chart_with_download, require_warehouse, selected_range
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = ("This warehouse was published before the customer marts existed. "
                         "Run the pipelines again: `flywheel pipeline run`.")

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Customers")
try:
    rfm = cd.rfm(path, version, start, end)
    value = cd.lifetime_value(path, version, start, end)
    cohorts = cd.cohorts(path, version, start, end)
    repurchase = cd.repurchase(path, version, start, end)
    fit = cd.clv_fit(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
if rfm.empty:
    st.info("No customer made a first paid order in this date range.")
    st.stop()

as_of = rfm["as_of_date"].iloc[0]
st.caption(
    f"{len(rfm):,} customers with a first paid order from {start:%Y-%m-%d} to {end:%Y-%m-%d} "
    f"(UTC). Scores, segments and predictions are as of {as_of:%Y-%m-%d}, the latest paid "
    "day in the warehouse; money is net of refunds and cancellations after payment."
)


def _mean_cents(series: pd.Series) -> str:
    known = series.dropna()
    return "n/a" if known.empty else kpis.format_cents(round(known.mean()), currency)


rate = cd.repurchase_rate(repurchase)
tiles = [
    ("Customers", kpis.format_count(len(rfm)), None),
    ("Avg. historical CLV", _mean_cents(value["historical_clv_cents"]),
     "Mean net revenue to date per customer: paid orders less what was given back."),
    ("Avg. 12-month CLV", _mean_cents(value["predicted_clv_12m_cents"]),
     "Mean predicted value of the next 365 days: BG/NBD expected purchase days x "
     "Gamma-Gamma expected spend, undiscounted; customers without a prediction left out."),
    ("90-day repurchase", "n/a" if rate is None else kpis.format_rate(rate),
     "First-time buyers whose 90 days are over and who bought again on another day within "
     "them."),
]
for column, (label, shown, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, shown, help=help_text, border=True)

# --- RFM -------------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader("RFM grid")
    st.caption("Customers per recency score (5 = bought most recently) and mean of the "
               "frequency and monetary scores (5 = best); quintiles.")
    grid = cd.rfm_grid(rfm)
    base = alt.Chart(grid).encode(
        x=alt.X("fm_score:O", title="FM score"),
        y=alt.Y("r_score:O", title="R score", sort="descending"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("customers:Q", title="Customers", scale=alt.Scale(scheme="blues")),
        tooltip=["r_score:O", "fm_score:O", "segment:N", "customers:Q",
                 alt.Tooltip("share:Q", format=".1%")],
    )
    dark = alt.datum.customers > grid["customers"].max() / 2  # white text on dark cells
    labels = base.mark_text(baseline="middle").encode(
        text="customers:Q", color=alt.condition(dark, alt.value("white"), alt.value("black")))
    chart_with_download((heat + labels).properties(height=300), grid, name="rfm_grid")
with right:
    st.subheader("Segments")
    sizes = cd.segment_sizes(rfm)
    chart_with_download(
        alt.Chart(sizes).mark_bar().encode(
            x=alt.X("customers:Q", title="Customers"),
            y=alt.Y("segment:N", title=None, sort=list(cd.SEGMENTS.values())),
            tooltip=["segment:N", "customers:Q", alt.Tooltip("share:Q", format=".1%")],
        ),
        sizes, name="rfm_segments",
    )

# --- cohorts ---------------------------------------------------------------------------
st.subheader("Cohort retention")
st.caption("Share of each first-order month's customers who paid for an order in each "
           "later month (month 0 = the first).")
if cohorts.empty:
    st.info("No cohort in this date range.")
else:
    cohort_chart = cohorts.assign(cohort=pd.to_datetime(cohorts["cohort_month"])
                                  .dt.strftime("%Y-%m"))
    base = alt.Chart(cohort_chart).encode(
        x=alt.X("months_since_first_order:O", title="Months since first order"),
        y=alt.Y("cohort:O", title="Cohort (first order)"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("retention_rate:Q", title="Retention",
                        scale=alt.Scale(scheme="greens"), legend=alt.Legend(format=".0%")),
        tooltip=["cohort:O", "months_since_first_order:O", "cohort_customers:Q",
                 "active_customers:Q", alt.Tooltip("retention_rate:Q", format=".1%")],
    )
    text = base.mark_text(baseline="middle", fontSize=10).encode(
        text=alt.Text("retention_rate:Q", format=".0%"),
        color=alt.condition(alt.datum.retention_rate > 0.5, alt.value("white"),
                            alt.value("black")))
    chart_with_download((heat + text).properties(height=alt.Step(28)), cohorts,
                        name="cohort_retention")

st.subheader("90-day repurchase by first-order month")
eligible = repurchase[repurchase["eligible_buyers"] > 0]
if eligible.empty:
    st.info("No first-time buyer in this range has had 90 days yet.")
else:
    chart_with_download(
        alt.Chart(eligible.assign(cohort=pd.to_datetime(eligible["cohort_month"])
                                  .dt.strftime("%Y-%m"))).mark_bar().encode(
            x=alt.X("cohort:O", title="Cohort (first order)"),
            y=alt.Y("repurchase_rate_90d:Q", title="Repurchased within 90 days",
                    axis=alt.Axis(format="%")),
            tooltip=["cohort:O", "first_time_buyers:Q", "eligible_buyers:Q",
                     "repurchased_within_90d:Q",
                     alt.Tooltip("repurchase_rate_90d:Q", format=".1%")],
        ).properties(height=220),
        repurchase, name="repurchase_90d",
    )

# --- lifetime value --------------------------------------------------------------------
st.subheader("Customer lifetime value")
histogram = cd.value_histogram(value)
chart_with_download(
    alt.Chart(histogram).mark_bar().encode(
        x=alt.X("bin_start:Q", bin="binned", title=f"Value per customer ({currency})"),
        x2="bin_end:Q",
        y=alt.Y("customers:Q", title="Customers"),
        color=alt.Color("measure:N", legend=None),
        row=alt.Row("measure:N", title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=12)),
        tooltip=["measure:N", alt.Tooltip("bin_start:Q", format=",.2f"),
                 alt.Tooltip("bin_end:Q", format=",.2f"), "customers:Q"],
    ).properties(height=160),
    histogram, name="clv_distribution",
)
if fit.empty or fit["fit_status"].iloc[0] in ("too_few_customers", "no_repeat_buyers"):
    status = "no fit yet" if fit.empty else fit["fit_status"].iloc[0].replace("_", " ")
    st.caption(f"No prediction: {status}. The last bin of each measure also holds the values "
               "above the 99th percentile.")
else:
    row = fit.iloc[0]

    def _p(name: str) -> str:
        return "n/a" if pd.isna(row[name]) else f"{row[name]:.3f}"

    st.caption(
        f"BG/NBD on {row['customers']:,} customers ({row['repeat_customers']:,} came back): "
        f"r = {_p('bgnbd_r')}, alpha = {_p('bgnbd_alpha')}, a = {_p('bgnbd_a')}, "
        f"b = {_p('bgnbd_b')}; Gamma-Gamma: p = {_p('gamma_gamma_p')}, "
        f"q = {_p('gamma_gamma_q')}, gamma = {_p('gamma_gamma_gamma')} "
        f"({row['fit_status'].replace('_', ' ')}). The last bin of each measure also holds the "
        "values above the 99th percentile.")
