"""Read-only queries behind the orders, payments and after-sales pages (the marts of the
order flow), on the published warehouse like every dashboard query (see data.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def sub_order_statuses(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Sub-orders placed in [start, end] per fulfilment status now, with their value."""
    return _query(
        path,
        """
        select status, count(*) as sub_orders, sum(total_cents) as total_cents
        from marts.fct_sub_orders
        where created_date between ? and ?
        group by status
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def shipping_times(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Every sub-order shipped in [start, end]: carrier, region, location and its hours to
    ship and (once delivered) to deliver."""
    return _query(
        path,
        """
        select
            carrier, shipping_region,
            coalesce(warehouse_name, warehouse_id, 'none') as location,
            hours_to_ship, hours_to_deliver
        from marts.fct_sub_orders
        where shipped_at is not null and cast(shipped_at as date) between ? and ?
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def fulfilment_daily(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per shipping day in [start, end]: sub-orders shipped and the mean hours to ship."""
    return _query(
        path,
        """
        select
            shipped_date,
            sum(sub_orders_shipped) as sub_orders_shipped,
            sum(avg_hours_to_ship * sub_orders_shipped) / sum(sub_orders_shipped)
                as avg_hours_to_ship
        from marts.fct_fulfilment
        where shipped_date between ? and ?
        group by shipped_date
        order by shipped_date
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def interceptions(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Sub-orders placed in [start, end] that an operator intercepted, held ones first."""
    return _query(
        path,
        """
        select
            sub_order_id, order_id, merchant_name, status, is_paused, hold_reason,
            interceptions, is_cancelled_after_payment, cancel_reason, total_cents, created_at
        from marts.fct_sub_orders
        where is_intercepted and created_date between ? and ?
        order by is_paused desc, created_at desc, sub_order_id
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def channel_totals(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per channel over [start, end]: attempts started, succeeded, failed, money captured and
    refunded (sums of fct_payments_by_channel; rates are recomputed from them)."""
    return _query(
        path,
        """
        select
            channel,
            sum(payments_started) as payments_started,
            sum(payments_succeeded) as payments_succeeded,
            sum(payments_failed) as payments_failed,
            sum(captured_cents) as captured_cents,
            sum(refunded_cents) as refunded_cents
        from marts.fct_payments_by_channel
        where payment_date between ? and ?
        group by channel
        order by channel
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def channel_daily(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_payments_by_channel rows in [start, end], summed over currencies."""
    return _query(
        path,
        """
        select
            payment_date, channel,
            sum(payments_succeeded) as payments_succeeded,
            sum(payments_failed) as payments_failed
        from marts.fct_payments_by_channel
        where payment_date between ? and ?
        group by payment_date, channel
        order by payment_date, channel
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def time_to_pay(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per channel, the minutes from start to paid of the payments paid in [start, end]:
    median and 90th percentile over the payments themselves (not over daily figures)."""
    return _query(
        path,
        """
        select
            channel,
            count(*) as payments_paid,
            quantile_cont(minutes_to_pay, 0.5) as median_minutes,
            quantile_cont(minutes_to_pay, 0.9) as p90_minutes
        from marts.fct_payments
        where paid_at is not null and minutes_to_pay is not null
            and cast(paid_at as date) between ? and ?
        group by channel
        order by channel
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def refunds(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_refunds rows dated in [start, end]."""
    return _query(
        path,
        """
        select
            refund_key, order_id, channel, amount_cents, refund_status, refund_kind,
            reason_code, is_revenue_refund, order_paid_at, requested_at, refunded_at,
            refund_date, hours_to_resolve
        from marts.fct_refunds
        where refund_date between ? and ?
        order by refund_date, refund_key
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def reconciliation(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """What the latest reconciliation of each day in [start, end] found."""
    return _query(
        path,
        """
        select
            reconciled_date, channel, mismatch_kind, transaction_kind, currency, mismatches,
            ledger_amount_cents, statement_amount_cents, difference_cents, reconciled_at
        from marts.fct_payment_reconciliation
        where reconciled_date between ? and ?
        order by reconciled_date desc, channel, mismatch_kind, transaction_kind
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def after_sales(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """fct_after_sales requests made in [start, end]."""
    return _query(
        path,
        """
        select
            request_id, order_id, merchant_name, request_type, reason_code, request_status,
            decision, resolution, requested_cents, refunded_cents, exchanged_cents,
            requested_at, closed_at, hours_to_decision, hours_to_resolve
        from marts.fct_after_sales
        where requested_date between ? and ?
        order by requested_at, request_id
        """,
        [start, end],
    )
