"""Read-only queries and pure summaries behind the Promotions & coupons page (marts of
models/marts/pricing, and fct_campaign_roi), on the published warehouse like every
dashboard query (data.py). Queries raise WarehouseUnavailable when the published warehouse
predates the pricing marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

TEMPLATE_COUNTS = ["issued", "issued_claim", "issued_grant", "issued_code", "redeemed",
                   "returned", "net_redeemed", "discount_cost_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def template_days(path: str, version: int, start: date, end: date, currency: str
                  ) -> pd.DataFrame:
    return _query(
        path,
        """
        select template_id, activity_date, coalesce(template_name, template_id)
               as template_name, issued, issued_claim, issued_grant, issued_code, redeemed,
               returned, net_redeemed, issued_to_date, net_redeemed_to_date,
               redemption_rate_to_date, discount_cost_cents
        from marts.fct_coupon_templates_daily
        where activity_date between ? and ? and coalesce(currency, ?) = ?
        order by activity_date, template_id
        """,
        [start, end, currency, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cost_days(path: str, version: int, start: date, end: date, currency: str
              ) -> pd.DataFrame:
    return _query(
        path,
        """
        select promotion_id, discount_source, coalesce(promotion_name, promotion_id)
               as promotion_name, cost_date, funded_by, campaign, orders, discount_cents,
               shipping_discount_cents, gift_value_cents, discount_cost_cents
        from marts.fct_promotion_cost_daily
        where cost_date between ? and ? and currency = ?
        order by cost_date, promotion_id
        """,
        [start, end, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def promotion_orders(path: str, version: int, start: date, end: date, currency: str
                     ) -> pd.DataFrame:
    """Promotions in use on some day of [start, end] (their figures cover their whole
    active days, not only the range)."""
    return _query(
        path,
        """
        select promotion_id, discount_source, coalesce(promotion_name, promotion_id)
               as promotion_name, first_applied_date, last_applied_date, orders_with,
               revenue_with_cents, aov_with_cents, orders_without, revenue_without_cents,
               aov_without_cents, discount_cents, discount_share_of_revenue_bp
        from marts.fct_promotion_orders
        where first_applied_date <= ? and last_applied_date >= ? and currency = ?
        order by discount_cents desc, promotion_id
        """,
        [end, start, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def campaign_roi(path: str, version: int, start: date, end: date, currency: str,
                 model: str) -> pd.DataFrame:
    return _query(
        path,
        """
        select utm_campaign, sum(cost_cents) as cost_cents,
               sum(attributed_revenue_cents) as attributed_revenue_cents,
               sum(discount_cost_cents) as discount_cost_cents
        from marts.fct_campaign_roi
        where report_date between ? and ? and currency = ? and attribution_model = ?
        group by utm_campaign
        having sum(cost_cents) > 0 or sum(discount_cost_cents) > 0
        order by utm_campaign
        """,
        [start, end, currency, model],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def floor_blocks(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select blocked_date, sku_id, currency, blocks, quote_blocks, orders_involved,
               promotions_involved, price_source_blocks, blocked_cents, min_floor_cents,
               lowest_attempted_unit_cents, last_blocked_at
        from marts.fct_price_floor_blocks_daily
        where blocked_date between ? and ?
        order by last_blocked_at desc, sku_id
        limit 200
        """,
        [start, end],
    )


def per_template(days: pd.DataFrame) -> pd.DataFrame:
    """One row per template over the range: counts summed; issue_share_claim = the part of
    issued coupons shoppers took themselves; redemption_rate = net redeemed / issued in the
    range (None without issues); redemption_rate_to_date = the mart's rate on the last day
    of the range (every coupon ever issued)."""
    columns = ["template_id", "template_name", *TEMPLATE_COUNTS, "redemption_rate",
               "redemption_rate_to_date"]
    if days.empty:
        return pd.DataFrame(columns=columns)
    grouped = days.groupby(["template_id", "template_name"], as_index=False)[
        TEMPLATE_COUNTS].sum()
    issued = grouped["issued"].astype("float64")
    grouped["redemption_rate"] = (grouped["net_redeemed"] / issued.where(issued > 0))
    latest = days.sort_values("activity_date").groupby("template_id").tail(1)
    grouped = grouped.merge(latest[["template_id", "redemption_rate_to_date"]],
                            on="template_id")
    return grouped[columns].sort_values("template_name").reset_index(drop=True)


def roi_with_and_without_discounts(roi: pd.DataFrame) -> pd.DataFrame:
    """Per campaign, from summed money: roi = (revenue - spend) / spend (None without
    spend); roi_net = (revenue - spend - discounts) / (spend + discounts)."""
    if roi.empty:
        return roi.assign(roi=[], roi_net=[])
    cost = roi["cost_cents"].astype("float64")
    revenue = roi["attributed_revenue_cents"].astype("float64")
    total = cost + roi["discount_cost_cents"].astype("float64")
    return roi.assign(roi=((revenue - cost) / cost).where(cost > 0, None),
                      roi_net=((revenue - total) / total).where(total > 0, None))
