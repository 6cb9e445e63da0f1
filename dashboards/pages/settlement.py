"""Settlement: what the platform owes each merchant (payable), what it paid out and what it
holds in deposits, the statements issued and the payouts over days."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, settlement_data
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the settlement marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Settlement")
try:
    positions = settlement_data.positions(path, version)
    statements = settlement_data.statements(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption("Payable: settled (after-sales window closed) or refunded in the ledger and not "
           "paid out yet; paid: payouts sent; held: deposits still held. Positions are all "
           "time; statements and payouts are those issued from "
           f"{start} to {end} (UTC).")
if positions.empty:
    st.info("No merchant has been settled yet: run `flywheel settlement run`.")
    st.stop()

for currency, t in settlement_data.totals(positions).items():
    tiles = [
        ("Payable", kpis.format_cents(t["payable_cents"], currency),
         "What the platform owes merchants now, not paid out yet."),
        ("Paid out", kpis.format_cents(t["paid_out_cents"], currency), "Payouts sent."),
        ("Deposits held", kpis.format_cents(t["deposit_held_cents"], currency),
         "Merchants' deposits still held."),
        ("Failed payouts", kpis.format_cents(t["payout_failed_cents"], currency),
         "Payouts whose every try failed so far; the next run retries them."),
        ("Open statements", kpis.format_count(t["open_statements"]),
         "Statements owed something and not paid yet."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles,
                                                  strict=True):
        column.metric(f"{label} ({currency})", value, help=help_text, border=True)

st.subheader("Merchants")
table = positions.assign(
    merchant=positions["merchant_name"].fillna(positions["merchant_id"]),
    **{c: [kpis.format_cents(int(v), cur) for v, cur in zip(positions[c],
                                                               positions["currency"],
                                                               strict=True)]
       for c in ("payable_cents", "paid_out_cents", "deposit_held_cents", "commission_cents")})
st.dataframe(table[["merchant", "currency", "payable_cents", "paid_out_cents",
                    "deposit_held_cents", "commission_cents", "statements",
                    "open_statements", "payouts_failed"]], hide_index=True)

st.subheader("Statements")
if statements.empty:
    st.info("No statement was issued in this range.")
    st.stop()
st.dataframe(statements.drop(columns=["merchant_id"]), hide_index=True)

st.subheader("Payouts over days")
daily = settlement_data.payouts_by_day(statements)
if daily.empty:
    st.info("No payout of these statements was sent yet.")
else:
    chart_with_download(
        alt.Chart(daily).mark_bar().encode(
            x=alt.X("paid_date:T", title="Day paid (UTC)"),
            y=alt.Y("paid_cents:Q", title="Paid out (cents)"),
            color=alt.Color("currency:N", title="Currency"),
            tooltip=["paid_date:T", "currency:N", "paid_cents:Q", "payouts:Q"]),
        daily, name="settlement-payouts-daily")
