"""Payments: success rate and time to pay per channel, refunds by reason, and what the daily
reconciliation with each channel's statement found."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis, order_flow, order_flow_data
from dashboards.components import require_warehouse, selected_range
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the payment marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Payments")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC). Each attempt counts on the day it started, "
    "succeeded or failed; money on the day it moved."
)

try:
    totals = order_flow_data.channel_totals(path, version, start, end)
    times = order_flow_data.time_to_pay(path, version, start, end)
    daily = order_flow_data.channel_daily(path, version, start, end)
    refunds = order_flow_data.refunds(path, version, start, end)
    mismatches = order_flow_data.reconciliation(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

if totals.empty and refunds.empty and mismatches.empty:
    st.info("No payment activity in this date range.")
    st.stop()

channels = order_flow.channel_summary(totals, times)
money_back = order_flow.refund_summary(refunds)
succeeded, failed = int(channels["payments_succeeded"].sum()), int(
    channels["payments_failed"].sum())
overall = succeeded / (succeeded + failed) if succeeded + failed else None
tiles = [
    ("Attempts", kpis.format_count(int(channels["payments_started"].sum())),
     "Payment attempts started (a shopper may try several for one order)."),
    ("Success rate", "–" if overall is None else kpis.format_rate(overall),
     "Attempts that paid their order / attempts that paid or failed."),
    ("Captured", kpis.format_cents(int(channels["captured_cents"].sum()), currency),
     "Money the channels took, also money then owed back."),
    ("Refunded", kpis.format_cents(money_back.refunded_cents, currency),
     f"Money given back through the channels: {money_back.refunds:,} refunds on "
     f"{money_back.refunded_orders:,} orders."),
    ("Owed back", kpis.format_cents(money_back.owed_cents, currency),
     "Money captured that the order could not keep, not given back yet."),
    ("Mismatches", kpis.format_count(int(mismatches["mismatches"].sum())),
     "Differences between our ledger and the channels' statements (latest run per day)."),
]
for row in (tiles[:3], tiles[3:]):
    for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=True):
        column.metric(label, value, help=help_text, border=True)

if not channels.empty:
    left, right = st.columns(2)
    with left:
        st.subheader("Success rate by channel")
        rated = channels.dropna(subset=["success_rate"]).assign(
            success_pct=lambda f: 100 * f["success_rate"].astype(float))
        st.altair_chart(
            alt.Chart(rated)
            .mark_bar()
            .encode(
                y=alt.Y("channel:N", title=None),
                x=alt.X("success_pct:Q", title="% of settled attempts that paid",
                        scale=alt.Scale(domain=[0, 100])),
                tooltip=["channel:N", alt.Tooltip("success_pct:Q", format=".1f"),
                         "payments_succeeded:Q", "payments_failed:Q"],
            ),
            width="stretch",
        )
    with right:
        st.subheader("Minutes to pay by channel")
        paid = channels.dropna(subset=["median_minutes"]).melt(
            id_vars=["channel"], value_vars=["median_minutes", "p90_minutes"],
            var_name="measure", value_name="minutes")
        paid["measure"] = paid["measure"].map({"median_minutes": "median",
                                               "p90_minutes": "90th percentile"})
        st.altair_chart(
            alt.Chart(paid)
            .mark_bar()
            .encode(
                y=alt.Y("channel:N", title=None),
                x=alt.X("minutes:Q", title="Minutes from start to paid"),
                yOffset="measure:N",
                color=alt.Color("measure:N", title=None),
                tooltip=["channel:N", "measure:N", alt.Tooltip("minutes:Q", format=",.1f")],
            ),
            width="stretch",
        )

    success = order_flow.daily_success(daily)
    if not success.empty:
        st.subheader("Daily success rate")
        st.altair_chart(
            alt.Chart(success)
            .mark_line(point=True)
            .encode(
                x=alt.X("yearmonthdate(payment_date):T", title="Day"),
                y=alt.Y("success_pct:Q", title="% of settled attempts that paid",
                        scale=alt.Scale(domain=[0, 100])),
                color=alt.Color("channel:N", title="Channel"),
                tooltip=["payment_date:T", "channel:N",
                         alt.Tooltip("success_pct:Q", format=".1f")],
            ),
            width="stretch",
        )

    st.subheader("Channels")
    st.dataframe(
        channels.assign(
            success_pct=channels["success_rate"].map(
                lambda r: None if r is None or pd.isna(r) else 100 * r),
            captured=channels["captured_cents"].map(lambda c: kpis.format_cents(c, currency)),
            refunded=channels["refunded_cents"].map(lambda c: kpis.format_cents(c, currency)),
        ).drop(columns=["success_rate", "captured_cents", "refunded_cents"]),
        hide_index=True,
        column_config={
            "channel": "Channel",
            "payments_started": st.column_config.NumberColumn("Started", format="localized"),
            "payments_succeeded": st.column_config.NumberColumn("Paid", format="localized"),
            "payments_failed": st.column_config.NumberColumn("Failed", format="localized"),
            "success_pct": st.column_config.NumberColumn("Success", format="%.1f%%"),
            "median_minutes": st.column_config.NumberColumn("Median min to pay", format="%.1f"),
            "p90_minutes": st.column_config.NumberColumn("p90 min to pay", format="%.1f"),
            "captured": "Captured",
            "refunded": "Refunded",
        },
    )

st.header("Refunds")
by_reason = order_flow.refunds_by_reason(refunds)
if by_reason.empty:
    st.info("No money given back in this date range.")
else:
    st.caption(
        "Money given back per reason. interception: an operator cancelled the sub-order; "
        "after_sales: a shopper's request; owed_back: money the order could not keep."
    )
    chart = by_reason.assign(amount=by_reason["amount_cents"] / 100)
    st.altair_chart(
        alt.Chart(chart)
        .mark_bar()
        .encode(
            y=alt.Y("reason_code:N", sort=chart["reason_code"].tolist(), title=None),
            x=alt.X("amount:Q", title=f"Refunded ({currency})"),
            color=alt.Color("refund_kind:N", title="Kind"),
            tooltip=["refund_kind:N", "reason_code:N", "refunds:Q",
                     alt.Tooltip("amount:Q", format=",.2f"),
                     alt.Tooltip("median_hours_to_resolve:Q", format=",.1f")],
        ),
        width="stretch",
    )

st.header("Reconciliation")
if mismatches.empty:
    st.info("No mismatch between our ledger and the channels' statements in this range.")
else:
    st.caption("The latest run of each day: what our ledger and each channel's statement "
               "disagree on.")
    per_day = mismatches.groupby(["reconciled_date", "mismatch_kind"], as_index=False)[
        "mismatches"].sum()
    per_day["reconciled_date"] = pd.to_datetime(per_day["reconciled_date"])
    st.altair_chart(
        alt.Chart(per_day)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(reconciled_date):T", title="Day reconciled"),
            y=alt.Y("mismatches:Q", title="Mismatches"),
            color=alt.Color("mismatch_kind:N", title="Kind"),
            tooltip=["reconciled_date:T", "mismatch_kind:N", "mismatches:Q"],
        ),
        width="stretch",
    )
    def _money(column: str) -> pd.Series:
        return pd.Series([kpis.format_cents(int(cents), code) for cents, code in
                          zip(mismatches[column], mismatches["currency"], strict=True)],
                         index=mismatches.index)

    st.dataframe(
        mismatches.assign(
            ledger=_money("ledger_amount_cents"),
            statement=_money("statement_amount_cents"),
            difference=_money("difference_cents"),
        ).drop(columns=["ledger_amount_cents", "statement_amount_cents", "difference_cents",
                        "currency"]),
        hide_index=True,
        column_config={
            "reconciled_date": st.column_config.DateColumn("Day"),
            "channel": "Channel",
            "mismatch_kind": "Kind",
            "transaction_kind": "Transaction",
            "mismatches": st.column_config.NumberColumn("Mismatches"),
            "reconciled_at": st.column_config.DatetimeColumn("Run at (UTC)",
                                                             format="YYYY-MM-DD HH:mm"),
            "ledger": "Our ledger",
            "statement": "Statement",
            "difference": "Difference",
        },
    )
