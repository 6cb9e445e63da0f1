"""Read-only queries and pure summaries behind the Credit page (marts fct_credit_lines,
fct_credit_book, fct_installment_uptake, fct_credit_conversion, fct_credit_funders), on
the published warehouse like every dashboard query (data.py). The queries raise
WarehouseUnavailable when the published warehouse predates the credit marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def lines(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per UTC day in [start, end] and currency: applications, limit, used, utilisation."""
    return _query(path, """
        select line_date, currency, applications_approved, applications_declined,
               approved_limit_cents, lines, limit_cents, used_cents, utilisation
        from marts.fct_credit_lines
        where line_date between ? and ?
        order by line_date, currency
    """, [start, end])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def book(path: str, version: int) -> pd.DataFrame:
    """The credit book by vintage month and currency, all time."""
    return _query(path, """
        select vintage_month, currency, plans, principal_cents, interest_cents, fee_cents,
               repaid_cents, outstanding_cents, bills_issued, bills_overdue, overdue_rate,
               overdue_cents, late_fee_cents, refunds, refunded_cents, cancelled_cents,
               loss_cents
        from marts.fct_credit_book
        order by vintage_month, currency
    """)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def uptake(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Orders paid per UTC day in [start, end] and currency, on credit and not."""
    return _query(path, """
        select paid_date, currency, paid_orders, credit_orders, other_orders, credit_share,
               credit_gmv_cents, other_gmv_cents, credit_aov_cents, other_aov_cents, aov_lift
        from marts.fct_installment_uptake
        where paid_date between ? and ?
        order by paid_date, currency
    """, [start, end])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def funders(path: str, version: int) -> pd.DataFrame:
    """Receivables per funder and currency, all time."""
    return _query(path, """
        select funder, currency, plans_assigned, assigned_cents, repaid_cents,
               cancelled_cents, outstanding_cents, overdue_cents, bills_overdue
        from marts.fct_credit_funders
        order by assigned_cents desc, funder, currency
    """)


def exposure_now(frame: pd.DataFrame) -> dict[str, dict]:
    """Per currency, the latest day's lines, limit, used and utilisation (None without a
    limit); never summed across currencies."""
    if frame.empty:
        return {}
    out = {}
    for currency, rows in frame.sort_values("line_date").groupby("currency"):
        last = rows.iloc[-1]
        limit, used = int(last["limit_cents"]), int(last["used_cents"])
        out[str(currency)] = {"line_date": last["line_date"], "lines": int(last["lines"]),
                              "limit_cents": limit, "used_cents": used,
                              "utilisation": used / limit if limit else None}
    return out


def uptake_summary(frame: pd.DataFrame) -> dict[str, dict]:
    """Per currency over the range: paid orders, credit orders, credit share, the AOV of
    credit and other orders and the lift (credit AOV / other AOV - 1; None when either
    side has no order), from the day rows' counts and GMV (not an average of days)."""
    if frame.empty:
        return {}
    out = {}
    grouped = frame.groupby("currency")[["paid_orders", "credit_orders", "other_orders",
                                         "credit_gmv_cents", "other_gmv_cents"]].sum()
    for currency, t in grouped.iterrows():
        credit_aov = t["credit_gmv_cents"] / t["credit_orders"] if t["credit_orders"] else None
        other_aov = t["other_gmv_cents"] / t["other_orders"] if t["other_orders"] else None
        out[str(currency)] = {
            "paid_orders": int(t["paid_orders"]), "credit_orders": int(t["credit_orders"]),
            "credit_share": (t["credit_orders"] / t["paid_orders"]) if t["paid_orders"]
            else None,
            "credit_aov_cents": credit_aov, "other_aov_cents": other_aov,
            "aov_lift": (credit_aov / other_aov - 1) if credit_aov and other_aov else None}
    return out


def overdue_by_vintage(frame: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows: vintages with a billed bill, their overdue rate and loss share
    (loss / principal)."""
    cols = ["vintage_month", "currency", "overdue_rate", "loss_share", "bills_issued"]
    billed = frame[frame["bills_issued"] > 0] if not frame.empty else frame
    if billed.empty:
        return pd.DataFrame(columns=cols)
    out = billed.assign(loss_share=billed["loss_cents"] / billed["principal_cents"])
    return out[cols].reset_index(drop=True)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def conversion(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Orders placed per UTC day in [start, end] and currency by credit-line holders and
    by the other shoppers, and how many were paid."""
    return _query(path, """
        select order_date, currency, line_holder_orders, line_holder_paid_orders,
               other_orders, other_paid_orders
        from marts.fct_credit_conversion
        where order_date between ? and ?
        order by order_date, currency
    """, [start, end])


def conversion_summary(frame: pd.DataFrame) -> dict[str, dict]:
    """Per currency over the range: paid / placed for line holders and for the others
    (None with no order), from the counts (not an average of days)."""
    if frame.empty:
        return {}
    grouped = frame.groupby("currency")[["line_holder_orders", "line_holder_paid_orders",
                                         "other_orders", "other_paid_orders"]].sum()
    return {str(currency): {
        "line_holders": (t["line_holder_paid_orders"] / t["line_holder_orders"])
        if t["line_holder_orders"] else None,
        "others": (t["other_paid_orders"] / t["other_orders"]) if t["other_orders"] else None}
        for currency, t in grouped.iterrows()}
