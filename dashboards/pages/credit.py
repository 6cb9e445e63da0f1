"""Credit: exposure and utilisation of the credit lines over time, overdue rates by
vintage, installment uptake with its effect on order value, and the funders' receivables."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import credit_data, data, kpis
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the credit marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Credit")
try:
    lines = credit_data.lines(path, version, start, end)
    book = credit_data.book(path, version)
    uptake = credit_data.uptake(path, version, start, end)
    funders = credit_data.funders(path, version)
    conversion = credit_data.conversion(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.caption("Exposure: principal lent on credit lines and not yet repaid or refunded; "
           "utilisation = exposure / total limit at the end of the day. Overdue rate: bills "
           "ever overdue / bills issued, by the month the plan was created. Loss: still owed "
           f"on bills more than 90 days overdue. Days from {start} to {end} (UTC); the book "
           "and the funders are all time.")
if book.empty and lines.empty:
    st.info("No credit line or plan yet.")
    st.stop()

uptake_totals = credit_data.uptake_summary(uptake)
conversion_totals = credit_data.conversion_summary(conversion)
for currency, t in credit_data.exposure_now(lines).items():
    u = uptake_totals.get(currency, {})
    conv = conversion_totals.get(currency, {})
    tiles = [
        ("Exposure", kpis.format_cents(t["used_cents"], currency),
         f"Used on {t['lines']} lines at the end of {t['line_date']}."),
        ("Total limit", kpis.format_cents(t["limit_cents"], currency), "Granted limits."),
        ("Utilisation", "–" if t["utilisation"] is None else f"{t['utilisation']:.1%}",
         "Exposure / total limit."),
        ("Paid on credit", "–" if u.get("credit_share") is None
         else f"{u['credit_share']:.1%}", "Share of paid orders paid in installments."),
        ("AOV lift", "–" if u.get("aov_lift") is None else f"{u['aov_lift']:+.1%}",
         "Average credit order value against the other orders'."),
        ("Conversion", " / ".join("–" if conv.get(k) is None else f"{conv[k]:.0%}"
                                  for k in ("line_holders", "others")),
         "Orders paid / placed: shoppers holding a credit line / the others."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(f"{label} ({currency})", value, help=help_text, border=True)

if not lines.empty:
    st.subheader("Exposure and utilisation")
    exposure = alt.Chart(lines).mark_line().encode(
        x=alt.X("line_date:T", title="Day"), y=alt.Y("used_cents:Q", title="Exposure (cents)"),
        color="currency:N")
    chart_with_download(exposure, lines, name="credit_exposure")

chart_rows = credit_data.overdue_by_vintage(book)
if not chart_rows.empty:
    st.subheader("Overdue rate by vintage")
    overdue = alt.Chart(chart_rows).mark_bar().encode(
        x=alt.X("yearmonth(vintage_month):O", title="Vintage"),
        y=alt.Y("overdue_rate:Q", title="Overdue rate", axis=alt.Axis(format="%")),
        color="currency:N")
    chart_with_download(overdue, chart_rows, name="credit_overdue_by_vintage")

if not uptake.empty:
    st.subheader("Installment uptake")
    share = alt.Chart(uptake).mark_line(point=True).encode(
        x=alt.X("paid_date:T", title="Day"),
        y=alt.Y("credit_share:Q", title="Paid on credit", axis=alt.Axis(format="%")),
        color="currency:N")
    chart_with_download(share, uptake, name="credit_uptake")

if not funders.empty:
    st.subheader("Funders")
    table = funders.assign(**{c: [kpis.format_cents(int(v), cur) for v, cur in zip(
        funders[c], funders["currency"], strict=True)] for c in (
        "assigned_cents", "repaid_cents", "outstanding_cents", "overdue_cents")})
    st.dataframe(table[["funder", "currency", "plans_assigned", "assigned_cents",
                        "repaid_cents", "outstanding_cents", "overdue_cents",
                        "bills_overdue"]], hide_index=True)
