"""Channels & campaigns: what each channel and campaign is credited with under the chosen
attribution model, what it cost, ROI and ROAS, and how the models disagree."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import channels_data as cd
from dashboards import data, kpis
from dashboards.components import (
    channel_filter,
    chart_with_download,
    csv_bytes,
    require_warehouse,
    selected_range,
)
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the attribution marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)
MODEL_KEY = "attribution_model"
CHANNELS_KEY = "marketing_channels"  # "source / medium", not the other pages' channels

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Channels & campaigns")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC). Revenue of orders paid in the range, credited "
    "to the sessions of the 30 days before payment; spend as operators entered it per day "
    f"({currency} only). ROI = (revenue - spend) / spend, ROAS = revenue / spend."
)
model = st.selectbox("Attribution model", list(cd.MODELS), format_func=cd.MODELS.get,
                     key=MODEL_KEY)

try:
    roi = cd.campaign_roi(path, version, start, end, currency)
    contributions = cd.contribution(path, version, start, end, currency)
    effects = cd.removal_effects(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

if roi.empty:
    st.info("No attributed revenue and no campaign spend in this date range.")
    st.stop()

channels = channel_filter(roi["channel"].tolist(), key=CHANNELS_KEY)
rows = cd.for_model(roi, model, channels)
everything, paid = cd.totals(rows), cd.totals(rows, paid_only=True)


def _ratio(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value * 100:,.1f}%" if percent else f"{value:,.2f}"


tiles = [
    ("Spend", kpis.format_cents(everything.cost_cents, currency),
     "What operators entered for the campaigns of the chosen channels."),
    ("Attributed revenue", kpis.format_cents(everything.revenue_cents, currency),
     "Revenue of paid orders credited to the chosen channels by this model; over every "
     "channel it is the range's GMV."),
    ("Attributed orders", f"{everything.orders:,.1f}",
     "Paid orders credited to the chosen channels (shares of orders add up)."),
    ("ROAS", _ratio(paid.roas),
     "Revenue / spend of the campaigns that cost something (direct and organic left out)."),
    ("ROI", _ratio(paid.roi, percent=True),
     "(Revenue - spend) / spend of the campaigns that cost something."),
    ("Discounts & plays", kpis.format_cents(everything.giveaway_cents, currency),
     "What promotions, coupons, flash and group prices, points and promoters' commissions "
     "gave away on the orders of the chosen channels (on each order's last touch)."),
    ("Net ROI", _ratio(everything.net_roi, percent=True),
     "(Revenue - spend - discounts & plays) / (spend + discounts & plays)."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

share = cd.by_channel_and_model(contributions, channels)
left, right = st.columns(2)
with left:
    st.subheader("Channel contribution")
    chosen = share[share["attribution_model"] == model].assign(
        amount=lambda f: f["attributed_revenue_cents"] / 100)
    chart_with_download(
        alt.Chart(chosen).mark_bar().encode(
            y=alt.Y("channel:N", sort="-x", title=None),
            x=alt.X("amount:Q", title=f"Attributed revenue ({currency})"),
            tooltip=["channel:N", alt.Tooltip("amount:Q", format=",.2f"),
                     alt.Tooltip("revenue_share:Q", format=".1%"),
                     alt.Tooltip("attributed_orders:Q", format=",.2f")],
        ),
        chosen.drop(columns=["amount", "model"]), name=f"channel-contribution-{model}")
with right:
    st.subheader("Share of revenue by model")
    chart_with_download(
        alt.Chart(share).mark_bar().encode(
            y=alt.Y("channel:N", title=None),
            x=alt.X("revenue_share:Q", title="Share of attributed revenue",
                    axis=alt.Axis(format="%")),
            yOffset=alt.YOffset("model:N", sort=list(cd.MODELS.values())),
            color=alt.Color("model:N", title="Model", sort=list(cd.MODELS.values())),
            tooltip=["channel:N", "model:N", alt.Tooltip("revenue_share:Q", format=".1%")],
        ),
        share.drop(columns=["model"]), name="channel-share-by-model")

campaigns = cd.by_campaign(rows)
paid_campaigns = campaigns[campaigns["cost_cents"] > 0]
left, right = st.columns(2)
with left:
    st.subheader("ROAS by campaign")
    if paid_campaigns.empty:
        st.info("No campaign spend entered for this range and these channels.")
    else:
        frame = paid_campaigns.assign(campaign=lambda f: f["utm_campaign"] + " (" +
                                      f["channel"] + ")")
        bars = alt.Chart(frame).mark_bar().encode(
            y=alt.Y("campaign:N", sort="-x", title=None),
            x=alt.X("roas:Q", title="ROAS (revenue / spend)"),
            color=alt.condition("datum.roas >= 1", alt.value("#2e7d32"), alt.value("#c62828")),
            tooltip=["campaign:N", alt.Tooltip("roas:Q", format=",.2f"),
                     alt.Tooltip("roi:Q", format=".1%")],
        )
        breakeven = alt.Chart(pd.DataFrame({"roas": [1.0]})).mark_rule(
            strokeDash=[4, 4]).encode(x="roas:Q")
        chart_with_download(bars + breakeven, frame.drop(columns=["campaign"]),
                            name=f"campaign-roas-{model}")
with right:
    st.subheader("Spend and attributed revenue per day")
    per_day = cd.daily(rows)
    chart_with_download(
        alt.Chart(per_day).mark_line(point=True).encode(
            x=alt.X("yearmonthdate(report_date):T", title="Day"),
            y=alt.Y("amount:Q", title=currency),
            color=alt.Color("measure:N", title=None),
            tooltip=["report_date:T", "measure:N", alt.Tooltip("amount:Q", format=",.2f")],
        ),
        per_day.drop(columns=["amount"]), name=f"spend-and-revenue-{model}")

st.subheader("Campaigns")
st.dataframe(
    campaigns.assign(
        spend=campaigns["cost_cents"].map(lambda c: kpis.format_cents(int(c), currency)),
        revenue=campaigns["attributed_revenue_cents"].map(
            lambda c: kpis.format_cents(int(c), currency)),
        giveaway=campaigns["giveaway_cents"].map(lambda c: kpis.format_cents(int(c), currency)),
    ).drop(columns=["cost_cents", "attributed_revenue_cents", "giveaway_cents"]),
    hide_index=True,
    column_order=["utm_campaign", "channel", "spend", "revenue", "attributed_orders", "roas",
                  "roi", "giveaway", "net_roi"],
    column_config={
        "utm_campaign": "Campaign", "channel": "Channel", "spend": "Spend",
        "revenue": "Attributed revenue",
        "attributed_orders": st.column_config.NumberColumn("Orders", format="%.2f"),
        "roas": st.column_config.NumberColumn("ROAS", format="%.2f"),
        "roi": st.column_config.NumberColumn("ROI", format="percent"),
        "giveaway": "Discounts & plays",
        "net_roi": st.column_config.NumberColumn("Net ROI", format="percent"),
    },
)
st.download_button("Download CSV", data=csv_bytes(campaigns), file_name=f"campaigns-{model}.csv",
                   mime="text/csv", key="csv-campaigns", icon=":material/download:")

st.subheader("Markov removal effect")
st.caption(
    "Over every conversion path in the warehouse (not only this range): the share of "
    "conversions that would be lost without the channel, and the share of credit the "
    "data-driven model gives it."
)
shown = effects[effects["channel"].isin(channels)]
if shown.empty:
    st.info("No conversion paths yet.")
else:
    chart_with_download(
        alt.Chart(shown).mark_bar().encode(
            y=alt.Y("channel:N", sort="-x", title=None),
            x=alt.X("removal_effect:Q", title="Conversions lost without the channel",
                    axis=alt.Axis(format="%")),
            tooltip=["channel:N", alt.Tooltip("removal_effect:Q", format=".1%"),
                     alt.Tooltip("removal_share:Q", format=".1%"), "entries:Q"],
        ),
        shown, name="markov-removal-effects")
