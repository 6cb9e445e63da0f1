"""Queries and pure arithmetic behind the Channels & campaigns page (marts of
models/marts/marketing), on the published warehouse like every dashboard query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

# attribution_model -> label, in the selector's order
MODELS = {
    "markov": "Data-driven (Markov removal effect)",
    "last_touch": "Last touch",
    "first_touch": "First touch",
    "linear": "Linear",
    "position_based": "Position-based (40/20/40)",
    "time_decay": "Time decay (7-day half-life)",
}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def campaign_roi(path: str, version: int, start: date, end: date, currency: str
                 ) -> pd.DataFrame:
    """fct_campaign_roi rows of [start, end] in the shop's currency."""
    return _query(
        path,
        """
        select report_date, utm_campaign, utm_source, utm_medium, channel, attribution_model,
               cost_cents, attributed_revenue_cents, attributed_orders,
               discount_cost_cents + play_cost_cents as giveaway_cents
        from marts.fct_campaign_roi
        where report_date between ? and ? and currency = ?
        """,
        [start, end, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def contribution(path: str, version: int, start: date, end: date, currency: str
                 ) -> pd.DataFrame:
    """fct_channel_contribution rows of [start, end] in the shop's currency."""
    return _query(
        path,
        """
        select conversion_date, channel, attribution_model, attributed_revenue_cents,
               attributed_orders, orders_touched
        from marts.fct_channel_contribution
        where conversion_date between ? and ? and currency = ?
        """,
        [start, end, currency],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def removal_effects(path: str, version: int) -> pd.DataFrame:
    """fct_channel_removal_effects: one row per channel, over every conversion path."""
    return _query(
        path,
        """
        select channel, removal_effect, removal_share, entries
        from marts.fct_channel_removal_effects
        order by removal_share desc, channel
        """,
    )


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """ROI and ROAS from summed cost and revenue (never averaged daily ratios); None where
    nothing was spent."""
    cost = frame["cost_cents"].astype("float64")
    revenue = frame["attributed_revenue_cents"].astype("float64")
    spent = cost > 0
    return frame.assign(
        roas=(revenue / cost).where(spent, None),
        roi=((revenue - cost) / cost).where(spent, None),
    )


def for_model(roi: pd.DataFrame, model: str, channels: list[str]) -> pd.DataFrame:
    return roi[(roi["attribution_model"] == model) & roi["channel"].isin(channels)]


def by_campaign(rows: pd.DataFrame) -> pd.DataFrame:
    """Per campaign and channel over the range: cost, revenue, orders, ROI, ROAS; paid
    campaigns first, then by revenue."""
    keys = ["utm_campaign", "channel"]
    summed = rows.groupby(keys, as_index=False)[
        ["cost_cents", "attributed_revenue_cents", "attributed_orders", "giveaway_cents"]].sum()
    summed = _ratios(summed)
    outlay = (summed["cost_cents"] + summed["giveaway_cents"]).astype("float64")
    summed["net_roi"] = ((summed["attributed_revenue_cents"] - outlay) / outlay).where(
        outlay > 0, None)
    return summed.sort_values(["cost_cents", "attributed_revenue_cents", "utm_campaign"],
                              ascending=[False, False, True], ignore_index=True)


def by_channel_and_model(contributions: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Channel contribution: per attribution model and channel, the revenue and orders
    credited over the range and the share of that model's revenue (the shown channels add
    up to 1)."""
    rows = contributions[contributions["channel"].isin(channels)]
    summed = rows.groupby(["attribution_model", "channel"], as_index=False)[
        ["attributed_revenue_cents", "attributed_orders"]].sum()
    totals = summed.groupby("attribution_model")["attributed_revenue_cents"].transform("sum")
    summed["revenue_share"] = summed["attributed_revenue_cents"] / totals.where(totals > 0)
    summed["model"] = summed["attribution_model"].map(MODELS)
    return summed.sort_values(["attribution_model", "attributed_revenue_cents", "channel"],
                              ascending=[True, False, True], ignore_index=True)


def daily(rows: pd.DataFrame) -> pd.DataFrame:
    """Per day: spend and attributed revenue in currency units (a chart's frame)."""
    per_day = rows.groupby("report_date", as_index=False)[
        ["cost_cents", "attributed_revenue_cents"]].sum()
    long = per_day.melt(id_vars=["report_date"], var_name="measure", value_name="cents")
    long["measure"] = long["measure"].map({"cost_cents": "Spend",
                                           "attributed_revenue_cents": "Attributed revenue"})
    long["amount"] = long["cents"] / 100
    long["report_date"] = pd.to_datetime(long["report_date"])
    return long


@dataclass(frozen=True)
class Totals:
    cost_cents: int
    revenue_cents: int
    orders: float
    # promotions' and coupons' discounts and the growth plays' costs (flash and group
    # discounts, points, commissions) on the orders the campaigns brought
    giveaway_cents: int = 0

    @property
    def net_roi(self) -> float | None:
        outlay = self.cost_cents + self.giveaway_cents
        return (self.revenue_cents - outlay) / outlay if outlay else None

    @property
    def roas(self) -> float | None:
        return self.revenue_cents / self.cost_cents if self.cost_cents else None

    @property
    def roi(self) -> float | None:
        return ((self.revenue_cents - self.cost_cents) / self.cost_cents
                if self.cost_cents else None)


def totals(rows: pd.DataFrame, *, paid_only: bool = False) -> Totals:
    """Sums over the rows; paid_only keeps the campaigns that cost something, so ROI sets
    spend against the revenue of what was paid for."""
    if paid_only:
        spent = rows.groupby(["utm_campaign", "channel"])["cost_cents"].transform("sum") > 0
        rows = rows[spent]
    return Totals(cost_cents=int(rows["cost_cents"].sum()),
                  revenue_cents=int(rows["attributed_revenue_cents"].sum()),
                  orders=float(rows["attributed_orders"].sum()),
                  giveaway_cents=int(rows["giveaway_cents"].sum()))
