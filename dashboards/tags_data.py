"""Read-only queries and pure summaries behind the Tags page (marts.fct_user_auto_tags),
on the published warehouse like every dashboard query (data.py). The queries raise
WarehouseUnavailable when the published warehouse predates the tags mart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

FLAG_TAGS = ("high_potential", "dormant_90d", "price_sensitive", "frequent_returner")
VALUED_TAGS = ("rfm_segment", "member_level")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def tag_counts(path: str, version: int) -> pd.DataFrame:
    """Users per automatic tag and value, with when the tags were computed."""
    return _query(
        path,
        """
        select tag, tag_value, count(*) as users, max(computed_at) as computed_at,
               max(as_of_date) as as_of_date
        from marts.fct_user_auto_tags
        group by tag, tag_value
        order by tag, users desc, tag_value
        """,
    )


@dataclass(frozen=True)
class TagsSummary:
    per_flag: dict[str, int]
    computed_at: datetime | None
    as_of_date: date | None


def summarize(counts: pd.DataFrame) -> TagsSummary:
    flags = counts[counts["tag"].isin(FLAG_TAGS)]
    per_flag = {tag: int(flags.loc[flags["tag"] == tag, "users"].sum()) for tag in FLAG_TAGS}
    if counts.empty:
        return TagsSummary(per_flag=per_flag, computed_at=None, as_of_date=None)
    return TagsSummary(per_flag=per_flag,
                       computed_at=pd.Timestamp(counts["computed_at"].max()).to_pydatetime(),
                       as_of_date=pd.Timestamp(counts["as_of_date"].max()).date())


def flag_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """Users per flag tag, every flag listed (0 when nobody carries it)."""
    summary = summarize(counts)
    return pd.DataFrame({"tag": list(summary.per_flag), "users": list(summary.per_flag.values())})


def values_of(counts: pd.DataFrame, tag: str) -> pd.DataFrame:
    """Users per value of a valued tag (RFM segment, member level), most first."""
    return counts.loc[counts["tag"] == tag, ["tag_value", "users"]] \
        .sort_values(["users", "tag_value"], ascending=[False, True]).reset_index(drop=True)
