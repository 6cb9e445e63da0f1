"""Read-only queries and pure summaries behind the Group buying page
(marts.fct_group_buys, marts.fct_group_buy_fission), on the published warehouse like every
dashboard query (data.py). The queries raise WarehouseUnavailable when the published
warehouse predates the group-buy marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def groups(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select group_id, offer_id, sku_id, leader_user_id, group_size, currency, state,
               members, virtual_members, seconds_to_form, gmv_cents, group_discount_cents,
               refunded_cents, cast(opened_at as date) as opened_date
        from marts.fct_group_buys
        where cast(opened_at as date) between ? and ?
        order by opened_at, group_id
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def fission(path: str, version: int) -> pd.DataFrame:
    return _query(
        path,
        """
        select user_id, invites_sent, joined, groups_led, groups_formed, new_users_acquired
        from marts.fct_group_buy_fission
        order by joined desc, invites_sent desc, user_id
        """,
        [],
    )


def summary(frame: pd.DataFrame) -> dict:
    """Success rate over ended groups (formed / (formed + failed)): open groups have not
    had their chance yet. Money in the frame's first currency."""
    formed = int((frame["state"] == "formed").sum())
    failed = int((frame["state"] == "failed").sum())
    ended = formed + failed
    form_times = frame.loc[frame["state"] == "formed", "seconds_to_form"]
    return {
        "groups": len(frame), "formed": formed, "failed": failed,
        "open": int((frame["state"] == "open").sum()),
        "success_rate": formed / ended if ended else 0.0,
        "gmv_cents": int(frame["gmv_cents"].sum()),
        "discount_cents": int(frame["group_discount_cents"].sum()),
        "refunded_cents": int(frame["refunded_cents"].sum()),
        "median_hours_to_form": float(form_times.median()) / 3600 if len(form_times) else None,
    }


def per_offer(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per offer: groups by state, success rate, GMV and discount cost."""
    columns = ["offer_id", "sku_id", "group_size", "groups", "formed", "failed",
               "success_rate", "gmv_cents", "group_discount_cents", "refunded_cents"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    f = frame.assign(formed=(frame["state"] == "formed").astype(int),
                     failed=(frame["state"] == "failed").astype(int), groups=1)
    out = f.groupby(["offer_id", "sku_id", "group_size"], as_index=False)[
        ["groups", "formed", "failed", "gmv_cents", "group_discount_cents",
         "refunded_cents"]].sum()
    ended = out["formed"] + out["failed"]
    out["success_rate"] = (out["formed"] / ended.where(ended > 0)).fillna(0.0)
    return out[columns].sort_values(["gmv_cents", "offer_id"], ascending=[False, True])


def fission_totals(frame: pd.DataFrame) -> dict:
    """Invites sent, joins through them, the share of invites that brought a member
    (joined / invites; a link can bring several), and new users acquired."""
    invites, joined = int(frame["invites_sent"].sum()), int(frame["joined"].sum())
    return {"invites_sent": invites, "joined": joined,
            "joins_per_invite": joined / invites if invites else 0.0,
            "new_users_acquired": int(frame["new_users_acquired"].sum())}
