"""The shared chart-with-CSV and channel-filter helpers of dashboards/components.py."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboards.components import csv_bytes


def _filter_app():
    import streamlit as st

    from dashboards.components import channel_filter

    chosen = channel_filter(st.session_state.get("offered", ["paid", "email", "organic"]))
    st.write(",".join(chosen))


def test_no_choice_means_every_channel_and_a_choice_narrows():
    app = AppTest.from_function(_filter_app).run()
    assert app.markdown[0].value == "email,organic,paid"  # sorted; none chosen = all
    app.sidebar.multiselect[0].select("paid").run()
    assert app.markdown[0].value == "paid"
    # a new build no longer has the chosen channel: the choice resets to all
    app.session_state["offered"] = ["email", "organic"]
    app.run()
    assert not app.exception
    assert app.markdown[0].value == "email,organic"


def _chart_app():
    import altair as alt
    import pandas as pd

    from dashboards.components import chart_with_download

    frame = pd.DataFrame({"day": ["2025-03-01", "2025-03-02"], "orders": [3, 5]})
    chart_with_download(alt.Chart(frame).mark_bar().encode(x="day:N", y="orders:Q"), frame,
                        name="orders-per-day")


def test_a_chart_comes_with_its_rows_as_csv():
    app = AppTest.from_function(_chart_app).run()
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == 1
    (button,) = app.get("download_button")
    assert button.proto.label == "Download CSV"


def test_csv_is_the_frame_without_its_index():
    frame = pd.DataFrame({"day": ["2025-03-01", "2025-03-02"], "orders": [3, 5]},
                         index=[10, 11])
    assert csv_bytes(frame) == b"day,orders\n2025-03-01,3\n2025-03-02,5\n"
