"""Promotions & coupons: coupon issue and redemption rates per template, what promotions
cost over days, orders and revenue with and without each promotion, campaign ROI with and
without discount cost, and the prices the price floor held up."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis
from dashboards import promotions_data as pd_
from dashboards.channels_data import MODELS
from dashboards.components import chart_with_download, require_warehouse, selected_range
from transactional_api.config import get_settings

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the promotion marts existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)


def _money(value, currency: str) -> str:
    return "—" if pd.isna(value) else kpis.format_cents(int(value), currency)


def _rate(value) -> str:
    return "—" if value is None or pd.isna(value) else kpis.format_rate(float(value))


path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency

st.title("Promotions & coupons")
st.caption(
    f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC), {currency} only. Discounts count on orders "
    "paid and not cancelled, dated by payment; discount cost = off the goods + off the "
    "shipping + gifts' worth."
)
try:
    templates = pd_.template_days(path, version, start, end, currency)
    costs = pd_.cost_days(path, version, start, end, currency)
    orders = pd_.promotion_orders(path, version, start, end, currency)
    blocks = pd_.floor_blocks(path, version, start, end)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

per_template = pd_.per_template(templates)
tiles = [
    ("Coupons issued", kpis.format_count(int(per_template["issued"].sum())),
     "Coupons claimed, granted or exchanged for a code in the range."),
    ("Net redeemed", kpis.format_count(int(per_template["net_redeemed"].sum())),
     "Coupons used on orders, minus those given back (order cancelled or expired)."),
    ("Discount cost", kpis.format_cents(int(costs["discount_cost_cents"].sum()), currency),
     "Every promotion and coupon on paid orders in the range."),
    ("Floor blocks", kpis.format_count(int(blocks["blocks"].sum())),
     "Prices the price floor held up in the range."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("Coupon templates")
st.caption("Redemption rate = coupons redeemed net of returns / coupons issued; 'to date' "
           "counts every coupon of the template up to the range's last day.")
st.dataframe(per_template.assign(
    redemption_rate=[_rate(r) for r in per_template["redemption_rate"]],
    redemption_rate_to_date=[_rate(r) for r in per_template["redemption_rate_to_date"]],
    discount_cost=[_money(c, currency) for c in per_template["discount_cost_cents"]],
)[["template_name", "issued", "issued_claim", "issued_grant", "issued_code", "redeemed",
   "returned", "net_redeemed", "redemption_rate", "redemption_rate_to_date",
   "discount_cost"]], hide_index=True)

st.subheader("Discount cost over days")
chart_with_download(
    alt.Chart(costs.assign(cost=costs["discount_cost_cents"] / 100)).mark_bar().encode(
        x=alt.X("cost_date:T", title="Day paid"),
        y=alt.Y("sum(cost):Q", title=f"Discount cost ({currency})"),
        color=alt.Color("promotion_name:N", title="Promotion or coupon"),
        tooltip=["cost_date:T", "promotion_name:N", "funded_by:N", "campaign:N", "orders:Q",
                 "cost:Q"]),
    costs, name="promotion-cost-daily")

st.subheader("Orders with and without each promotion")
st.caption("Paid orders with the promotion against the other paid orders of the days it was "
           "in use; a comparison, not the promotion's effect.")
st.dataframe(orders.assign(
    revenue_with=[_money(v, currency) for v in orders["revenue_with_cents"]],
    aov_with=[_money(v, currency) for v in orders["aov_with_cents"]],
    revenue_without=[_money(v, currency) for v in orders["revenue_without_cents"]],
    aov_without=[_money(v, currency) for v in orders["aov_without_cents"]],
    discount=[_money(v, currency) for v in orders["discount_cents"]],
    discount_share=[_rate(None if pd.isna(v) else v / 10_000)
                    for v in orders["discount_share_of_revenue_bp"]],
)[["promotion_name", "discount_source", "first_applied_date", "last_applied_date",
   "orders_with", "revenue_with", "aov_with", "orders_without", "revenue_without",
   "aov_without", "discount", "discount_share"]], hide_index=True)

st.subheader("Campaign ROI with and without discount cost")
model = st.selectbox("Attribution model", list(MODELS), format_func=MODELS.get,
                     key="promotions_attribution_model")
try:
    roi = pd_.roi_with_and_without_discounts(
        pd_.campaign_roi(path, version, start, end, currency, model))
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
st.dataframe(roi.assign(
    spend=[_money(v, currency) for v in roi["cost_cents"]],
    revenue=[_money(v, currency) for v in roi["attributed_revenue_cents"]],
    discounts=[_money(v, currency) for v in roi["discount_cost_cents"]],
    roi=[_rate(v) for v in roi["roi"]],
    roi_net_of_discounts=[_rate(v) for v in roi["roi_net"]],
)[["utm_campaign", "spend", "revenue", "discounts", "roi", "roi_net_of_discounts"]],
    hide_index=True)

st.subheader("Price floor blocks")
st.caption("Latest first: a promotion (or a price source) tried to sell under the SKU's floor "
           "and the floor price was charged instead.")
if blocks.empty:
    st.info("The price floor held no price up in this range.")
else:
    st.dataframe(blocks.assign(
        blocked=[kpis.format_cents(int(v), c) for v, c in
                 zip(blocks["blocked_cents"], blocks["currency"], strict=True)],
    )[["last_blocked_at", "blocked_date", "sku_id", "blocks", "promotions_involved",
       "price_source_blocks", "quote_blocks", "orders_involved", "blocked"]],
        hide_index=True)
