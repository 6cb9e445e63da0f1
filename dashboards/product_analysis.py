"""Pure helpers of the Products page and the overview's money view (no Streamlit here)."""

from __future__ import annotations

import pandas as pd

ABC_CLASSES = ("A", "B", "C")
# The parts of GMV and what comes off it, signed as they move net revenue: a stacked bar of
# one day sums to its net revenue (gross - discounts + shipping + tax = GMV; GMV - refunds -
# cancellations after payment = net revenue).
MONEY_PARTS = {
    "gross_cents": ("Gross (list price)", 1),
    "discount_cents": ("Discounts", -1),
    "shipping_cents": ("Shipping", 1),
    "tax_cents": ("Tax", 1),
    "refunded_cents": ("Refunds", -1),
    "cancelled_after_payment_cents": ("Cancelled after payment", -1),
}
MONEY_LINES = {"gmv_cents": "GMV", "net_revenue_cents": "Net revenue"}


def _ratio(numerator: float, denominator: float) -> float | None:
    """None rather than a misleading 0 when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else None


# --- ABC -----------------------------------------------------------------------------------
def abc_summary(abc: pd.DataFrame) -> pd.DataFrame:
    """Per class A, B, C (each present, 0 when empty): products, revenue and its share."""
    total = int(abc["revenue_cents"].sum()) if not abc.empty else 0
    rows = []
    for cls in ABC_CLASSES:
        members = abc[abc["abc_class"] == cls]
        revenue = int(members["revenue_cents"].sum())
        rows.append({"abc_class": cls, "products": len(members), "revenue_cents": revenue,
                     "revenue_share": _ratio(revenue, total)})
    return pd.DataFrame(rows)


def pareto(abc: pd.DataFrame) -> pd.DataFrame:
    """Products in rank order with revenue (currency units, charts only) and the cumulative
    share of revenue in percent, for a Pareto chart."""
    frame = abc.sort_values("revenue_rank").reset_index(drop=True)
    return pd.DataFrame({
        "revenue_rank": frame["revenue_rank"].astype(int),
        "product_name": frame["product_name"],
        "abc_class": frame["abc_class"],
        "revenue": frame["revenue_cents"] / 100,
        "cumulative_pct": 100 * frame["cumulative_share"].astype(float),
    })


# --- view to purchase ----------------------------------------------------------------------
def view_to_purchase(views: pd.DataFrame) -> pd.DataFrame:
    """Per product: views, paid orders, units, orders per view and units per view (None
    without views), the most viewed first."""
    columns = ["product_name", "product_views", "purchase_orders", "units_purchased",
               "view_to_purchase_rate", "units_per_view"]
    if views.empty:
        return pd.DataFrame(columns=columns)
    frame = views.copy()
    for column in ("product_views", "purchase_orders", "units_purchased"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["view_to_purchase_rate"] = [
        _ratio(o, v) for o, v in zip(frame["purchase_orders"], frame["product_views"],
                                     strict=True)]
    frame["units_per_view"] = [
        _ratio(u, v) for u, v in zip(frame["units_purchased"], frame["product_views"],
                                     strict=True)]
    return frame.sort_values(["product_views", "purchase_orders", "product_name"],
                             ascending=[False, False, True])[columns].reset_index(drop=True)


# --- money ---------------------------------------------------------------------------------
def money_parts_long(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per day and part of GMV or what it loses, signed (discounts, refunds and
    cancellations negative), in currency units, for a stacked bar chart."""
    frame = daily.assign(revenue_date=pd.to_datetime(daily["revenue_date"]))
    long = frame.melt(id_vars=["revenue_date"], value_vars=list(MONEY_PARTS),
                      var_name="column", value_name="cents")
    long["part"] = long["column"].map(lambda c: MONEY_PARTS[c][0])
    long["amount"] = long["cents"] * long["column"].map(lambda c: MONEY_PARTS[c][1]) / 100
    return long[["revenue_date", "part", "amount"]]


def money_lines_long(daily: pd.DataFrame) -> pd.DataFrame:
    """GMV and net revenue per day, in currency units, for lines over the bars."""
    frame = daily.assign(revenue_date=pd.to_datetime(daily["revenue_date"]))
    long = frame.melt(id_vars=["revenue_date"], value_vars=list(MONEY_LINES),
                      var_name="column", value_name="cents")
    long["measure"] = long["column"].map(MONEY_LINES)
    long["amount"] = long["cents"] / 100
    return long[["revenue_date", "measure", "amount"]]


def channel_money(by_channel: pd.DataFrame) -> pd.DataFrame:
    """Per payment channel: AOV (cents, half up), share of GMV given back and payment
    success rate (succeeded / settled), each None when there is nothing to divide."""
    columns = ["channel", "paid_orders", "gmv_cents", "aov_cents", "given_back_cents",
               "refund_rate", "net_revenue_cents", "payment_success_rate"]
    if by_channel.empty:
        return pd.DataFrame(columns=columns)
    frame = by_channel.copy()
    for column in ("paid_orders", "gmv_cents", "given_back_cents", "net_revenue_cents",
                   "payments_succeeded", "payments_failed"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["aov_cents"] = [(2 * g + o) // (2 * o) if o else None  # half up, like round()
                          for g, o in zip(frame["gmv_cents"], frame["paid_orders"],
                                          strict=True)]
    frame["refund_rate"] = [_ratio(b, g) for b, g in zip(
        frame["given_back_cents"], frame["gmv_cents"], strict=True)]
    frame["payment_success_rate"] = [_ratio(ok, ok + ko) for ok, ko in zip(
        frame["payments_succeeded"], frame["payments_failed"], strict=True)]
    return frame[columns].reset_index(drop=True)
