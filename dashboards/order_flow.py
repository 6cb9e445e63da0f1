"""Pure helpers of the orders, payments and after-sales pages (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# The fulfilment-side machine in its order, so charts read left to right.
SUB_ORDER_STATUSES = ("awaiting_payment", "allocated", "picking", "packed", "shipped",
                      "delivered", "completed", "cancelled")
REVENUE_MEASURES = {"gmv_cents": "GMV", "net_revenue_cents": "Net revenue"}


def _ratio(numerator: float, denominator: float) -> float | None:
    """None rather than a misleading 0 when there is nothing to divide by."""
    return numerator / denominator if denominator else None


# --- GMV versus net revenue ------------------------------------------------------------
@dataclass(frozen=True)
class RevenueSummary:
    gmv_cents: int
    refunded_cents: int
    cancelled_after_payment_cents: int
    points_paid_cents: int = 0  # the part of GMV paid with points, not money

    @property
    def net_revenue_cents(self) -> int:
        return (self.gmv_cents - self.points_paid_cents - self.refunded_cents
                - self.cancelled_after_payment_cents)


def revenue_summary(daily: pd.DataFrame) -> RevenueSummary | None:
    """Totals over fct_daily_kpis rows; None when there are none. Net revenue is GMV less
    refunds less cancellations after payment, exactly as the mart's net_revenue_cents.
    GMV includes what points paid; net revenue is money, so it leaves that part out."""
    if daily.empty:
        return None
    return RevenueSummary(
        gmv_cents=int(daily["gmv_cents"].sum()),
        refunded_cents=int(daily["refunded_cents"].sum()),
        cancelled_after_payment_cents=int(daily["cancelled_after_payment_cents"].sum()),
        points_paid_cents=int(daily["points_paid_cents"].sum())
        if "points_paid_cents" in daily else 0,
    )


def revenue_long(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per day and measure (GMV, net revenue) in currency units, for a chart."""
    frame = daily.assign(kpi_date=pd.to_datetime(daily["kpi_date"]))
    long = frame.melt(id_vars=["kpi_date"], value_vars=list(REVENUE_MEASURES),
                      var_name="measure", value_name="cents")
    long["measure"] = long["measure"].map(REVENUE_MEASURES)
    long["amount"] = long["cents"] / 100  # charts only: tiles stay exact integer cents
    return long[["kpi_date", "measure", "amount"]]


# --- orders and fulfilment ---------------------------------------------------------------
def statuses_in_order(statuses: pd.DataFrame) -> pd.DataFrame:
    """Sub-orders per status, every status of the machine present (0 when none), in order."""
    counts = dict(zip(statuses["status"], statuses["sub_orders"], strict=True))
    known = list(SUB_ORDER_STATUSES)
    extra = sorted(set(counts) - set(known))  # a status added later still shows
    return pd.DataFrame({
        "status": known + extra,
        "sub_orders": [int(counts.get(s, 0)) for s in known + extra],
    })


def shipping_by(times: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Per value of dimension (carrier, shipping_region, location): sub-orders shipped and
    delivered, median and 90th percentile hours to ship, median hours to deliver; the
    slowest to ship first."""
    columns = [dimension, "shipped", "delivered", "median_hours_to_ship",
               "p90_hours_to_ship", "median_hours_to_deliver"]
    if times.empty:
        return pd.DataFrame(columns=columns)
    grouped = times.fillna({dimension: "unknown"}).groupby(dimension)
    out = pd.DataFrame({
        "shipped": grouped.size(),
        "delivered": grouped["hours_to_deliver"].count(),
        "median_hours_to_ship": grouped["hours_to_ship"].median(),
        "p90_hours_to_ship": grouped["hours_to_ship"].quantile(0.9),
        "median_hours_to_deliver": grouped["hours_to_deliver"].median(),
    }).reset_index()
    out[["shipped", "delivered"]] = out[["shipped", "delivered"]].astype(int)
    return out.sort_values(["median_hours_to_ship", dimension], ascending=[False, True])[
        columns].reset_index(drop=True)


# --- payments ----------------------------------------------------------------------------
def channel_summary(totals: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    """Per channel: attempts, success rate (succeeded / settled; None when none settled),
    money, and the median and p90 minutes to pay."""
    frame = totals.merge(times, on="channel", how="outer")
    for column in ("payments_started", "payments_succeeded", "payments_failed",
                   "captured_cents", "refunded_cents"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["success_rate"] = [
        _ratio(ok, ok + failed)
        for ok, failed in zip(frame["payments_succeeded"], frame["payments_failed"],
                              strict=True)
    ]
    return frame[["channel", "payments_started", "payments_succeeded", "payments_failed",
                  "success_rate", "median_minutes", "p90_minutes", "captured_cents",
                  "refunded_cents"]].sort_values("channel").reset_index(drop=True)


def daily_success(daily: pd.DataFrame) -> pd.DataFrame:
    """Per day and channel, succeeded / settled; days with nothing settled are left out."""
    settled = daily["payments_succeeded"] + daily["payments_failed"]
    frame = daily[settled > 0].copy()
    frame["success_pct"] = 100 * frame["payments_succeeded"] / (
        frame["payments_succeeded"] + frame["payments_failed"])
    frame["payment_date"] = pd.to_datetime(frame["payment_date"])
    return frame[["payment_date", "channel", "success_pct"]].reset_index(drop=True)


@dataclass(frozen=True)
class RefundSummary:
    refunded_cents: int
    refunds: int
    owed_cents: int
    revenue_refunded_cents: int
    refunded_orders: int


def refund_summary(refunds: pd.DataFrame) -> RefundSummary:
    given = refunds[refunds["refund_status"] == "refunded"]
    owed = refunds[refunds["refund_status"] == "owed"]
    return RefundSummary(
        refunded_cents=int(given["amount_cents"].sum()),
        refunds=len(given),
        owed_cents=int(owed["amount_cents"].sum()),
        revenue_refunded_cents=int(given.loc[given["is_revenue_refund"].astype(bool),
                                             "amount_cents"].sum()),
        refunded_orders=int(given["order_id"].nunique()),
    )


def refunds_by_reason(refunds: pd.DataFrame) -> pd.DataFrame:
    """Money given back per kind and reason code, the most first, with the median hours
    from request (or falling due) to refund where that is known."""
    columns = ["refund_kind", "reason_code", "refunds", "amount_cents",
               "median_hours_to_resolve"]
    given = refunds[refunds["refund_status"] == "refunded"]
    if given.empty:
        return pd.DataFrame(columns=columns)
    grouped = given.fillna({"reason_code": "unknown"}).groupby(["refund_kind", "reason_code"])
    out = pd.DataFrame({
        "refunds": grouped.size(),
        "amount_cents": grouped["amount_cents"].sum(),
        "median_hours_to_resolve": grouped["hours_to_resolve"].median(),
    }).reset_index()
    out[["refunds", "amount_cents"]] = out[["refunds", "amount_cents"]].astype(int)
    return out.sort_values(["amount_cents", "reason_code"], ascending=[False, True])[
        columns].reset_index(drop=True)


# --- after-sales -------------------------------------------------------------------------
@dataclass(frozen=True)
class AfterSalesSummary:
    requests: int
    paid_orders: int
    open_requests: int
    median_hours_to_resolve: float | None
    refunded_cents: int

    @property
    def rate(self) -> float | None:
        """Requests per paid order over the same days (None without paid orders)."""
        return _ratio(self.requests, self.paid_orders)


def after_sales_summary(requests: pd.DataFrame, paid_orders: int) -> AfterSalesSummary:
    resolved = requests["hours_to_resolve"].dropna()
    return AfterSalesSummary(
        requests=len(requests),
        paid_orders=int(paid_orders),
        open_requests=int((requests["request_status"] == "open").sum()),
        median_hours_to_resolve=float(resolved.median()) if not resolved.empty else None,
        refunded_cents=int(requests["refunded_cents"].sum()),
    )


def requests_by(requests: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Requests per value of dimension (reason_code, request_type, resolution), the most
    first, with the median hours to resolve the closed ones."""
    columns = [dimension, "requests", "median_hours_to_resolve"]
    if requests.empty:
        return pd.DataFrame(columns=columns)
    grouped = requests.fillna({dimension: "open"}).groupby(dimension)
    out = pd.DataFrame({
        "requests": grouped.size(),
        "median_hours_to_resolve": grouped["hours_to_resolve"].median(),
    }).reset_index()
    out["requests"] = out["requests"].astype(int)
    return out.sort_values(["requests", dimension], ascending=[False, True])[
        columns].reset_index(drop=True)
