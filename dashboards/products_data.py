"""Read-only queries behind the Products page (the product marts of issue 9) and the money
view of the overview, on the published warehouse like every dashboard query (data.py).
Each raises WarehouseUnavailable when the published warehouse predates these marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def product_months(path: str, version: int, start: date, end: date) -> list[date]:
    """Calendar months (their first day) with product sales or stock that overlap
    [start, end], latest first."""
    frame = _query(
        path,
        """
        select distinct period_month from (
            select period_month from marts.fct_product_abc
            union all
            select period_month from marts.fct_product_inventory_monthly
        ) as months
        where period_month between ? and ?
        order by period_month desc
        """,
        [start.replace(day=1), end],
    )
    return [pd.Timestamp(day).date() for day in frame["period_month"]]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def abc_classes(path: str, version: int, month: date, currency: str) -> pd.DataFrame:
    """The month's ABC classes, highest revenue first, with product names."""
    return _query(
        path,
        """
        select
            abc.revenue_rank, abc.product_id,
            coalesce(products.product_name, abc.product_id) as product_name,
            abc.units_sold, abc.revenue_cents, abc.revenue_share, abc.cumulative_share,
            abc.abc_class
        from marts.fct_product_abc as abc
        left join marts.dim_products as products on abc.product_id = products.product_id
        where abc.period_month = ? and abc.currency = ?
        order by abc.revenue_rank
        """,
        [month, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def bestsellers(path: str, version: int, month: date, currency: str) -> pd.DataFrame:
    """The month's SKUs by revenue rank."""
    return _query(
        path,
        """
        select revenue_rank, units_rank, product_name, sku_name, sku_id, units_sold, orders,
               revenue_cents, product_revenue_rank
        from marts.fct_product_bestsellers
        where period_month = ? and currency = ?
        order by revenue_rank, units_rank, sku_id
        """,
        [month, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def inventory(path: str, version: int, month: date) -> pd.DataFrame:
    """The month's SKUs with stock tracked: units sold, stock and turnover."""
    return _query(
        path,
        """
        select
            inventory.sku_id,
            coalesce(skus.product_name, inventory.product_id) as product_name,
            skus.sku_name, inventory.units_sold, inventory.period_days, inventory.avg_on_hand,
            inventory.on_hand_end, inventory.inventory_turnover, inventory.days_of_inventory,
            inventory.sell_through_rate
        from marts.fct_product_inventory_monthly as inventory
        left join marts.dim_skus as skus on inventory.sku_id = skus.sku_id
        where inventory.period_month = ? and inventory.period_days is not null
        order by inventory.days_of_inventory desc nulls first, inventory.sku_id
        """,
        [month],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def slow_movers(path: str, version: int) -> pd.DataFrame:
    """Slow movers as of the warehouse's latest day; never sold first, then the longest
    without a sale."""
    return _query(
        path,
        """
        select as_of_date, product_name, sku_name, sku_id, on_hand, days_in_stock,
               last_sold_date, days_since_last_sale, slow_mover_days
        from marts.fct_slow_movers
        order by days_since_last_sale desc nulls first, on_hand desc, sku_id
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def product_views(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per product over [start, end]: views, paid orders and units bought."""
    return _query(
        path,
        """
        select
            views.product_id,
            coalesce(max(products.product_name), views.product_id) as product_name,
            sum(views.product_views) as product_views,
            sum(views.purchase_orders) as purchase_orders,
            sum(views.units_purchased) as units_purchased
        from marts.fct_product_views_daily as views
        left join marts.dim_products as products on views.product_id = products.product_id
        where views.activity_date between ? and ?
        group by views.product_id
        """,
        [start, end],
    )


# --- money (the overview) ------------------------------------------------------------------
@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def revenue_parts(path: str, version: int, start: date, end: date,
                  currency: str) -> pd.DataFrame:
    """fct_daily_revenue rows of one currency in [start, end], oldest first."""
    return _query(
        path,
        """
        select revenue_date, paid_orders, gross_cents, discount_cents, shipping_cents,
               tax_cents, gmv_cents, refunded_cents, cancelled_after_payment_cents,
               net_revenue_cents
        from marts.fct_daily_revenue
        where revenue_date between ? and ? and currency = ?
        order by revenue_date
        """,
        [start, end, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def revenue_by_channel(path: str, version: int, start: date, end: date,
                       currency: str) -> pd.DataFrame:
    """Per payment channel over [start, end]: paid orders, GMV, money given back, net
    revenue and payment attempts."""
    return _query(
        path,
        """
        select
            channel,
            sum(paid_orders) as paid_orders,
            sum(gmv_cents) as gmv_cents,
            sum(refunded_cents + cancelled_after_payment_cents) as given_back_cents,
            sum(net_revenue_cents) as net_revenue_cents,
            sum(payments_succeeded) as payments_succeeded,
            sum(payments_failed) as payments_failed
        from marts.fct_daily_revenue_by_channel
        where revenue_date between ? and ? and currency in (?, 'unknown')
        group by channel
        order by gmv_cents desc, channel
        """,
        [start, end, currency],
    )
