"""Read-only queries and pure summaries behind the Members page (marts.fct_member_levels_daily
and marts.fct_points_daily), on the published warehouse like every dashboard query
(data.py). The queries raise WarehouseUnavailable when the published warehouse predates
the members' marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query
from transactional_api.config import get_settings


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def levels_daily(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select activity_date, level, members, upgrades_in, downgrades_in, upgrades_out,
               downgrades_out
        from marts.fct_member_levels_daily
        where activity_date between ? and ?
        order by activity_date, level
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def points_daily(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select activity_date, points_earned, points_spent, points_expired, points_reversed,
               net_points, points_outstanding, active_members
        from marts.fct_points_daily
        where activity_date between ? and ?
        order by activity_date
        """,
        [start, end],
    )


def level_order(levels: pd.DataFrame) -> list[str]:
    """The configured levels lowest first, then any other name the data holds (a level
    since renamed), alphabetically."""
    configured = [lv.name for lv in get_settings().members_levels]
    seen = set(levels["level"]) if not levels.empty else set()
    return [n for n in configured if n in seen] + sorted(seen - set(configured))


@dataclass(frozen=True)
class MembersSummary:
    members: int  # on the range's last day
    above_base: int  # of them, members above the lowest level
    upgrades: int
    downgrades: int
    points_outstanding: int  # at the end of the range's last day
    points_earned: int
    points_spent: int
    points_expired: int
    points_reversed: int


def summarize(levels: pd.DataFrame, points: pd.DataFrame, base_level: str) -> MembersSummary:
    last = levels[levels["activity_date"] == levels["activity_date"].max()] \
        if not levels.empty else levels
    members = int(last["members"].sum()) if not last.empty else 0
    base = int(last.loc[last["level"] == base_level, "members"].sum()) if not last.empty else 0
    return MembersSummary(
        members=members, above_base=members - base,
        upgrades=int(levels["upgrades_in"].sum()), downgrades=int(levels["downgrades_in"].sum()),
        points_outstanding=int(points["points_outstanding"].iloc[-1]) if not points.empty else 0,
        points_earned=int(points["points_earned"].sum()),
        points_spent=int(points["points_spent"].sum()),
        points_expired=int(points["points_expired"].sum()),
        points_reversed=int(points["points_reversed"].sum()))


def movement(levels: pd.DataFrame) -> pd.DataFrame:
    """Upgrades and downgrades per day, long form (activity_date, direction, members)."""
    daily = levels.groupby("activity_date", as_index=False)[["upgrades_in", "downgrades_in"]] \
        .sum().rename(columns={"upgrades_in": "upgrades", "downgrades_in": "downgrades"})
    return daily.melt(id_vars="activity_date", value_vars=["upgrades", "downgrades"],
                      var_name="direction", value_name="members")


def points_flow(points: pd.DataFrame) -> pd.DataFrame:
    """Points in (earned, positive) and out (spent, expired, reversed: negative) per day."""
    flow = points[["activity_date", "points_earned", "points_spent", "points_expired",
                   "points_reversed"]].copy()
    for column in ("points_spent", "points_expired", "points_reversed"):
        flow[column] = -flow[column]
    flow.columns = ["activity_date", "earned", "spent", "expired", "reversed"]
    return flow.melt(id_vars="activity_date", var_name="kind", value_name="points")
