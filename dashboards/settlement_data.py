"""Read-only queries and pure summaries behind the Settlement page
(marts.fct_merchant_settlement, marts.fct_settlement_statements), on the published
warehouse like every dashboard query (data.py). The queries raise WarehouseUnavailable when
the published warehouse predates the settlement marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

MONEY = ["payable_cents", "paid_out_cents", "deposit_held_cents", "payout_failed_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def positions(path: str, version: int) -> pd.DataFrame:
    """Every merchant's position per currency, all time (payable now, paid, held)."""
    return _query(path, """
        select merchant_id, merchant_name, currency, accrued_gross_cents, commission_cents,
               fee_cents, refunds_cents, payable_cents, issued_net_payable_cents,
               paid_out_cents, payouts_failed, payout_failed_cents, deposit_held_cents,
               statements, open_statements, last_issued_at
        from marts.fct_merchant_settlement
        order by payable_cents desc, merchant_name, merchant_id, currency
    """)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def statements(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Statements issued in [start, end] (UTC days), newest first."""
    return _query(path, """
        select statement_id, merchant_id, merchant_name, cycle, period_key, currency,
               sub_order_count, gross_cents, commission_cents, fee_cents,
               merchant_discount_cents, refunds_cents, adjustments_cents, opening_cents,
               deposit_deducted_cents, net_payable_cents, paid_cents, payout_status,
               payout_attempts, issued_at, paid_at
        from marts.fct_settlement_statements
        where cast(issued_at as date) between ? and ?
        order by issued_at desc, statement_id
    """, [start, end])


def totals(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per currency: payable, paid out, deposits held, failed payouts' amount, and how many
    statements are still open (never summed across currencies)."""
    if frame.empty:
        return {}
    grouped = frame.groupby("currency")[[*MONEY, "open_statements"]].sum()
    return {str(currency): {k: int(v) for k, v in row.items()}
            for currency, row in grouped.iterrows()}


def payouts_by_day(frame: pd.DataFrame) -> pd.DataFrame:
    """Payouts sent per UTC day and currency (from statements' paid_at), for the chart:
    columns paid_date, currency, paid_cents, payouts."""
    sent = frame[frame["payout_status"] == "sent"] if not frame.empty else frame
    if sent.empty:
        return pd.DataFrame(columns=["paid_date", "currency", "paid_cents", "payouts"])
    days = sent.assign(paid_date=pd.to_datetime(sent["paid_at"]).dt.date)
    out = days.groupby(["paid_date", "currency"], as_index=False).agg(
        paid_cents=("paid_cents", "sum"), payouts=("statement_id", "count"))
    return out.sort_values(["paid_date", "currency"]).reset_index(drop=True)
