"""Read-only queries behind the merchant back office (one merchant at a time): every query
takes merchant_id and filters on it in SQL, so no other merchant's rows leave the
warehouse. Sources: marts.fct_merchant_performance, fct_product_interactions with
dim_products (conversion of the merchant's products) and, when settlement's marts are
published, its statements. WarehouseUnavailable when a mart is missing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _marts, _query

SETTLEMENT_MART = "fct_settlement_statements"
POSITION_MART = "fct_merchant_settlement"


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def merchants(path: str, version: int) -> pd.DataFrame:
    """The merchants with any activity (the operators' selector)."""
    return _query(path, """
        select merchant_id, max(merchant_name) as merchant_name
        from marts.fct_merchant_performance
        group by merchant_id
        order by merchant_name, merchant_id
    """)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def sales(path: str, version: int, merchant_id: str, start: date, end: date) -> pd.DataFrame:
    return _query(path, """
        select activity_date, currency, gmv_cents, refund_cents, net_revenue_cents,
               paid_sub_orders, after_sales_requests, after_sales_rate, sub_orders_shipped,
               mean_hours_to_ship
        from marts.fct_merchant_performance
        where merchant_id = ? and activity_date between ? and ?
        order by activity_date, currency
    """, [merchant_id, start, end])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def product_conversion(path: str, version: int, merchant_id: str, start: date,
                       end: date) -> pd.DataFrame:
    """Per product of this merchant: visitors who viewed it, put it in a cart, bought it;
    conversion = buyers / viewers."""
    return _query(path, """
        select interactions.product_id, max(products.product_name) as product_name,
               count(distinct case when interaction_type = 'view' then visitor_key end)
                   as viewers,
               count(distinct case when interaction_type = 'cart' then visitor_key end)
                   as carters,
               count(distinct case when interaction_type = 'purchase' then visitor_key end)
                   as buyers
        from marts.fct_product_interactions as interactions
        join marts.dim_products as products on interactions.product_id = products.product_id
        where products.merchant_id = ? and interactions.session_date between ? and ?
        group by interactions.product_id
        order by buyers desc, viewers desc, interactions.product_id
    """, [merchant_id, start, end])


def with_conversion(products: pd.DataFrame) -> pd.DataFrame:
    out = products.copy()
    viewers = out["viewers"].where(out["viewers"] > 0)
    out["conversion_rate"] = (out["buyers"] / viewers).fillna(0.0)
    return out


def settlement(path: str, version: int, merchant_id: str) -> pd.DataFrame | None:
    """The merchant's settlement statements, newest first, or None before settlement's mart
    is published."""
    if SETTLEMENT_MART not in _marts(path):
        return None
    return _query(path, f"""
        select period_key, cycle, currency, sub_order_count, gross_cents, commission_cents,
               fee_cents, merchant_discount_cents, refunds_cents, adjustments_cents,
               opening_cents, deposit_deducted_cents, net_payable_cents, paid_cents,
               payout_status, issued_at, paid_at
        from marts.{SETTLEMENT_MART}
        where merchant_id = ?
        order by issued_at desc, statement_id
    """, [merchant_id])


def settlement_position(path: str, version: int, merchant_id: str) -> pd.DataFrame | None:
    """The merchant's payable, paid and held per currency, or None before settlement's
    marts are published."""
    if POSITION_MART not in _marts(path):
        return None
    return _query(path, f"""
        select currency, payable_cents, paid_out_cents, deposit_held_cents, open_statements
        from marts.{POSITION_MART}
        where merchant_id = ?
        order by currency
    """, [merchant_id])


def totals(days: pd.DataFrame) -> dict[str, float]:
    """The range's sums; the after-sales rate is requests over paid sub-orders."""
    paid = int(days["paid_sub_orders"].sum()) if not days.empty else 0
    requests = int(days["after_sales_requests"].sum()) if not days.empty else 0
    return {"gmv_cents": int(days["gmv_cents"].sum()) if not days.empty else 0,
            "net_revenue_cents": int(days["net_revenue_cents"].sum()) if not days.empty else 0,
            "paid_sub_orders": paid, "after_sales_rate": requests / paid if paid else 0.0}
