"""Read-only query and pure summaries behind the Suppliers page
(marts.fct_supplier_performance), on the published warehouse like every dashboard query
(data.py). The query raises WarehouseUnavailable when the published warehouse predates the
procurement mart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def suppliers(path: str, version: int) -> pd.DataFrame:
    return _query(
        path,
        """
        select supplier_id, supplier_name, purchase_orders, units_ordered, units_received,
               units_rejected, fill_rate, purchase_orders_received, mean_lead_time_days,
               on_time_share
        from marts.fct_supplier_performance
        order by supplier_name
        """,
        [],
    )


def totals(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """Across suppliers: units ordered / received / rejected, the overall fill rate
    (received over ordered), the reject rate (rejected over everything delivered) and the
    on-time share over every fully received order (weighted by orders, not suppliers)."""
    ordered = int(frame["units_ordered"].sum()) if not frame.empty else 0
    received = int(frame["units_received"].sum()) if not frame.empty else 0
    rejected = int(frame["units_rejected"].sum()) if not frame.empty else 0
    done = frame.dropna(subset=["on_time_share"]) if not frame.empty else frame
    orders_done = int(done["purchase_orders_received"].sum()) if not done.empty else 0
    on_time = (float((done["on_time_share"] * done["purchase_orders_received"]).sum())
               / orders_done) if orders_done else None
    return {"units_ordered": ordered, "units_received": received, "units_rejected": rejected,
            "fill_rate": received / ordered if ordered else None,
            "reject_rate": rejected / (received + rejected) if received + rejected else None,
            "on_time_share": on_time}
