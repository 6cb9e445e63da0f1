"""Read-only queries and pure summaries behind the Risk page (marts.fct_risk_decisions_daily
and marts.fct_user_risk_scores), on the published warehouse like every dashboard query.
The queries raise WarehouseUnavailable when the published warehouse predates the marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

SCORE_BANDS = ((0, 19, "0-19"), (20, 39, "20-39"), (40, 59, "40-59"), (60, 79, "60-79"),
               (80, 94, "80-94"), (95, 100, "95-100"))
HELD_ACTIONS = ("place_order", "pay")  # a challenge on these holds the order for review


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def decisions_daily(path: str, version: int) -> pd.DataFrame:
    return _query(path, """
        select decision_date, action, outcome, rule_code, decisions, users
        from marts.fct_risk_decisions_daily order by decision_date, action, outcome, rule_code
    """)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def scores(path: str, version: int) -> pd.DataFrame:
    return _query(path, "select user_id, risk_score, computed_at from marts.fct_user_risk_scores")


def in_range(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    days = pd.to_datetime(daily["decision_date"]).dt.date
    return daily[(days >= start) & (days <= end)]


def outcomes_per_day(daily: pd.DataFrame) -> pd.DataFrame:
    """Decisions per day and outcome. A decision citing two rules is one decision: the
    per-rule rows are collapsed by taking the most-cited rule count of each group."""
    per_decision = daily.groupby(["decision_date", "action", "outcome"], as_index=False)[
        "decisions"].max()
    return per_decision.groupby(["decision_date", "outcome"], as_index=False)["decisions"].sum()


def top_rules(daily: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    cited = daily[daily["rule_code"] != "none"]
    out = cited.groupby("rule_code", as_index=False)["decisions"].sum()
    return out.sort_values(["decisions", "rule_code"], ascending=[False, True]) \
        .head(n).reset_index(drop=True)


def held_for_review(daily: pd.DataFrame) -> int:
    """Orders challenged in the range (each held for an operator's review)."""
    held = daily[(daily["outcome"] == "challenge") & daily["action"].isin(HELD_ACTIONS)]
    return int(held.groupby(["decision_date", "action"])["decisions"].max().sum()) \
        if not held.empty else 0


def score_bands(frame: pd.DataFrame) -> pd.DataFrame:
    counts = [int(((frame["risk_score"] >= lo) & (frame["risk_score"] <= hi)).sum())
              for lo, hi, _ in SCORE_BANDS]
    return pd.DataFrame({"band": [b for *_, b in SCORE_BANDS], "users": counts})
