"""Streamlit pieces shared by the entry point and the pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data

DATE_RANGE_KEY = "date_range"
NO_WAREHOUSE_MESSAGE = (
    "No published warehouse yet. Run the pipelines first: `flywheel pipeline run`. "
    "The dashboards read the copy they publish."
)
NO_DATA_MESSAGE = "The published warehouse has no KPI, funnel, stock or search rows yet."


def require_warehouse() -> tuple[str, int, tuple[date, date]]:
    """Warehouse path, version and data date bounds; stops the page with a notice otherwise."""
    try:
        path, version = data.published_warehouse()
        bounds = data.date_bounds(path, version)
    except data.WarehouseUnavailable:
        st.info(NO_WAREHOUSE_MESSAGE, icon=":material/info:")
        st.stop()
    if bounds is None:
        st.info(NO_DATA_MESSAGE, icon=":material/info:")
        st.stop()
    return path, version, bounds


def published_at(version: int) -> datetime:
    """When the pipelines swapped in the copy being read (its modification time)."""
    return datetime.fromtimestamp(version / 1e9, UTC)


def date_range_filter(bounds: tuple[date, date]) -> None:
    """Sidebar date range, defaulting to every day in the data; kept across pages."""
    first, last = bounds
    current = st.session_state.get(DATE_RANGE_KEY)
    # A range from an older build may fall outside the new data: reset rather than crash.
    if current is not None and not all(first <= day <= last for day in current):
        del st.session_state[DATE_RANGE_KEY]
    st.sidebar.date_input(
        "Date range (UTC)",
        value=(first, last),
        min_value=first,
        max_value=last,
        key=DATE_RANGE_KEY,
    )


def selected_range(bounds: tuple[date, date]) -> tuple[date, date]:
    """The sidebar range; the whole data range when none is chosen yet.

    While the user has clicked only the first day of a new range, that single day is used.
    """
    chosen = st.session_state.get(DATE_RANGE_KEY) or bounds
    chosen = tuple(chosen)
    if len(chosen) == 1:
        return chosen[0], chosen[0]
    return chosen[0], chosen[1]


# --- shared by pages: charts with their data as CSV, and a channel filter ---------------
CHANNELS_KEY = "channels"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, without the index."""
    return frame.to_csv(index=False).encode("utf-8")


def chart_with_download(chart: alt.TopLevelMixin, frame: pd.DataFrame, *, name: str,
                        key: str | None = None) -> None:
    """An altair chart and, under it, the rows it draws as `<name>.csv`."""
    st.altair_chart(chart, width="stretch")
    st.download_button(
        "Download CSV", data=csv_bytes(frame), file_name=f"{name}.csv", mime="text/csv",
        key=key or f"csv-{name}", icon=":material/download:",
    )


def channel_filter(channels: Sequence[str], *, key: str = CHANNELS_KEY,
                   label: str = "Channels") -> list[str]:
    """Sidebar multiselect of channels, kept across pages; choosing none means all of them.

    A choice from an older build naming channels that no longer exist is reset."""
    options = sorted({c for c in channels if c})
    current = st.session_state.get(key)
    if current is not None and not set(current) <= set(options):
        del st.session_state[key]
    chosen = st.sidebar.multiselect(label, options, key=key, placeholder="All channels")
    return list(chosen) or options
