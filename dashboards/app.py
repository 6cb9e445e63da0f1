"""Flywheel operator dashboards: `streamlit run dashboards/app.py`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards.components import date_range_filter, require_warehouse

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="Flywheel operations", page_icon=":material/cyclone:", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/monitoring:"),
        st.Page(PAGES_DIR / "funnel.py", title="Funnel", icon=":material/filter_alt:"),
    ]
)
st.sidebar.caption("Read-only view of the warehouse last published by the pipelines.")
# The filter lives in the entry script so its value survives switching pages.
_, _, bounds = require_warehouse()
date_range_filter(bounds)
navigation.run()
