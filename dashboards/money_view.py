"""The overview's money view: GMV against net revenue over time with every part stacked
(fct_daily_revenue), and AOV, refund rate and payment success per payment channel
(fct_daily_revenue_by_channel). Drawn by pages/overview.py."""

from __future__ import annotations

from datetime import date

import altair as alt
import streamlit as st

from dashboards import data, product_analysis, products_data
from dashboards.components import chart_with_download

PART_COLOURS = {
    "Gross (list price)": "#4c78a8", "Shipping": "#72b7b2", "Tax": "#b279a2",
    "Discounts": "#f58518", "Refunds": "#e45756", "Cancelled after payment": "#9d755d",
}


def render(path: str, version: int, start: date, end: date, currency: str) -> None:
    st.subheader("Where GMV goes")
    try:
        daily = products_data.revenue_parts(path, version, start, end, currency)
        channels = products_data.revenue_by_channel(path, version, start, end, currency)
    except data.WarehouseUnavailable:
        st.info("This warehouse was published before the money marts existed. Run the "
                "pipelines again: `flywheel pipeline run`.", icon=":material/info:")
        return
    if daily.empty:
        st.info(f"No {currency} revenue in this date range.")
        return
    st.caption(
        "Each day's bar stacks gross sales at list price, less discounts, plus shipping and "
        "tax (= GMV), less refunds issued and paid sub-orders cancelled that day (= net "
        "revenue); the lines are GMV and net revenue. Refunds count on the day they are "
        "issued, not on their order's day."
    )
    parts = product_analysis.money_parts_long(daily)
    lines = product_analysis.money_lines_long(daily)
    x = alt.X("yearmonthdate(revenue_date):T", title="Day")
    bars = alt.Chart(parts).mark_bar().encode(
        x=x,
        y=alt.Y("sum(amount):Q", title=currency, stack="zero"),
        color=alt.Color("part:N", title=None,
                        scale=alt.Scale(domain=list(PART_COLOURS),
                                        range=list(PART_COLOURS.values()))),
        tooltip=[alt.Tooltip("revenue_date:T", title="Day"), "part:N",
                 alt.Tooltip("amount:Q", format=",.2f")],
    )
    trend = alt.Chart(lines).mark_line(point=True).encode(
        x=x,
        y=alt.Y("amount:Q"),
        strokeDash=alt.StrokeDash("measure:N", title=None),
        color=alt.value("#222222"),  # solid GMV, dashed net revenue
        tooltip=[alt.Tooltip("revenue_date:T", title="Day"), "measure:N",
                 alt.Tooltip("amount:Q", format=",.2f")],
    )
    chart_with_download(alt.layer(bars, trend), daily, name="gmv_components",
                        key="csv-gmv-components")

    st.subheader("By payment channel")
    table = product_analysis.channel_money(channels)
    if table.empty:
        st.info("No payment channel activity in this date range.")
        return
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "channel": "Channel",
            "paid_orders": st.column_config.NumberColumn("Paid orders", format="localized"),
            "gmv_cents": st.column_config.NumberColumn("GMV (cents)", format="localized"),
            "aov_cents": st.column_config.NumberColumn("AOV (cents)", format="localized"),
            "given_back_cents": st.column_config.NumberColumn("Given back (cents)",
                                                              format="localized"),
            "refund_rate": st.column_config.NumberColumn("Refund rate", format="percent"),
            "net_revenue_cents": st.column_config.NumberColumn("Net revenue (cents)",
                                                               format="localized"),
            "payment_success_rate": st.column_config.NumberColumn("Payment success",
                                                                  format="percent"),
        },
    )
    st.download_button("Download CSV", data=table.to_csv(index=False).encode("utf-8"),
                       file_name="revenue_by_channel.csv", mime="text/csv",
                       key="csv-revenue-by-channel", icon=":material/download:")
