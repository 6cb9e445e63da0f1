"""Read-only queries and the arithmetic behind the Funnel page: the session funnel by channel,
device and new versus returning (fct_funnel_sessions_daily) and the user funnel
(fct_funnel_user_entries). Queries raise WarehouseUnavailable when the published warehouse
predates these marts; the page then falls back to fct_funnel_daily."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, FUNNEL_STEPS, _query

STEPS_SQL = "(values " + ", ".join(
    f"({order}, '{step}')" for order, step in enumerate(FUNNEL_STEPS, start=1)
) + ") as steps (step_order, step)"
BREAKDOWNS = {"Channel group": "channel", "Device": "device", "New vs returning": "visitor_type"}


@dataclass(frozen=True)
class Slice:
    """The chosen channel groups, devices and visitor types (an empty tuple means all)."""

    channels: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    visitor_types: tuple[str, ...] = ()

    def where(self) -> tuple[str, list]:
        """SQL conditions (to AND onto a WHERE) and their parameters."""
        conditions, params = [], []
        for column, chosen in (("channel", self.channels), ("device", self.devices),
                               ("visitor_type", self.visitor_types)):
            if chosen:
                conditions.append(f"list_contains(?, {column})")
                params.append(list(chosen))
        return "".join(f" and {c}" for c in conditions), params


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def slice_options(path: str, version: int, start: date, end: date) -> dict[str, list[str]]:
    """Channel groups, devices and visitor types that have sessions in [start, end]."""
    frame = _query(
        path,
        "select distinct channel, device, visitor_type from marts.fct_funnel_sessions_daily "
        "where session_date between ? and ?",
        [start, end],
    )
    return {column: sorted(frame[column].dropna().unique())
            for column in ("channel", "device", "visitor_type")}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def session_funnel(path: str, version: int, start: date, end: date,
                   chosen: Slice) -> pd.DataFrame:
    """Sessions per day and step in the slice, with the sessions of the step before."""
    where, params = chosen.where()
    return _query(
        path,
        f"""
        select session_date, step_order, step, sum(sessions) as sessions,
               sum(previous_step_sessions) as previous_step_sessions
        from marts.fct_funnel_sessions_daily
        where session_date between ? and ?{where}
        group by session_date, step_order, step
        order by session_date, step_order
        """,
        [start, end, *params],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def session_funnel_by(path: str, version: int, start: date, end: date, chosen: Slice,
                      column: str) -> pd.DataFrame:
    """Sessions per value of `column` (one of BREAKDOWNS) and step over the range."""
    if column not in BREAKDOWNS.values():
        raise ValueError(f"cannot break the funnel down by {column!r}")
    where, params = chosen.where()
    return _query(
        path,
        f"""
        select {column} as segment, step_order, step, sum(sessions) as sessions
        from marts.fct_funnel_sessions_daily
        where session_date between ? and ?{where}
        group by {column}, step_order, step
        order by segment, step_order
        """,
        [start, end, *params],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def user_funnel(path: str, version: int, start: date, end: date, chosen: Slice) -> pd.DataFrame:
    """People per step: each person once, by their first entry in the range that falls in
    the slice (PostHog's count), reaching the steps in order within 14 days of it."""
    where, params = chosen.where()
    return _query(
        path,
        f"""
        with entries as (
            select person_key, steps_reached,
                   row_number() over (
                       partition by person_key order by product_view_at, entry_key
                   ) as entry_rank
            from marts.fct_funnel_user_entries
            where entry_date between ? and ?{where}
        )
        select steps.step_order, steps.step,
               count(entries.person_key) as users
        from {STEPS_SQL}
        left join entries
            on entries.entry_rank = 1 and entries.steps_reached >= steps.step_order
        group by steps.step_order, steps.step
        order by steps.step_order
        """,
        [start, end, *params],
    )


def summary(funnel: pd.DataFrame, count: str) -> pd.DataFrame:
    """Per step over all rows: the count, how many of the step before fell away, and the
    conversion from the step before and from the first step (percent, None where the
    divisor is 0). Counts are summed first; daily rates are never averaged."""
    columns = ["step_order", "step", count, "drop_off", "step_conversion_pct",
               "overall_conversion_pct"]
    if funnel.empty:
        return pd.DataFrame(columns=columns)
    steps = (funnel.groupby(["step_order", "step"], as_index=False)[count].sum()
             .sort_values("step_order").reset_index(drop=True))
    steps[count] = steps[count].astype(int)
    first = int(steps[count].iloc[0])
    previous = steps[count].shift(1).fillna(first).astype(int)
    steps["drop_off"] = previous - steps[count]
    steps["step_conversion_pct"] = [_percent(now, before)
                                    for now, before in zip(steps[count], previous, strict=True)]
    steps["overall_conversion_pct"] = [_percent(now, first) for now in steps[count]]
    return steps[columns]


def conversion_by_segment(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Per segment: sessions viewing a product, sessions paying, and paid / viewed (%)."""
    columns = ["segment", "viewed", "paid", "conversion_pct"]
    if breakdown.empty:
        return pd.DataFrame(columns=columns)
    wide = breakdown.pivot_table(index="segment", columns="step", values="sessions",
                                 aggfunc="sum", fill_value=0)
    frame = pd.DataFrame({
        "segment": wide.index,
        "viewed": wide.get(FUNNEL_STEPS[0], 0),
        "paid": wide.get(FUNNEL_STEPS[-1], 0),
    }).reset_index(drop=True)
    frame["conversion_pct"] = [_percent(p, v) for p, v in zip(frame["paid"], frame["viewed"],
                                                               strict=True)]
    return frame[columns].sort_values("viewed", ascending=False).reset_index(drop=True)


def daily_conversion(funnel: pd.DataFrame) -> pd.DataFrame:
    """Per day with product views: paid sessions / sessions viewing a product (%)."""
    by_day = funnel.pivot_table(index="session_date", columns="step", values="sessions",
                                aggfunc="sum")
    if not {FUNNEL_STEPS[0], FUNNEL_STEPS[-1]} <= set(by_day.columns):
        return pd.DataFrame(columns=["session_date", "conversion_pct"])
    by_day = by_day[by_day[FUNNEL_STEPS[0]] > 0]
    return pd.DataFrame({
        "session_date": pd.to_datetime(by_day.index),
        "conversion_pct": 100 * by_day[FUNNEL_STEPS[-1]] / by_day[FUNNEL_STEPS[0]],
    }).reset_index(drop=True)


def _percent(numerator: float, denominator: float) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None
