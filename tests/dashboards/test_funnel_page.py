"""The Funnel page over hand-made funnel marts: the session funnel follows the channel,
device and date filters, the user funnel counts each person once from their first entry in
the range, and every chart can be downloaded."""

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import funnel_data
from dashboards.data import FUNNEL_STEPS as STEPS
from tests.dashboards.test_dashboard_pages import APP

A, B = date(2025, 3, 1), date(2025, 3, 2)
# (day, channel, device, visitor type) -> sessions per step, and sessions of the slice
SESSIONS = {
    (A, "Paid Search", "mobile", "new"): ([10, 4, 2, 1, 1], 20),
    (A, "Direct", "desktop", "returning"): ([6, 3, 3, 2, 2], 8),
    (B, "Paid Search", "desktop", "new"): ([4, 2, 0, 0, 0], 5),
}
# person -> entries (day, channel, device, visitor type, steps reached)
ENTRIES = {
    "p1": [(A, "Paid Search", "mobile", "new", 3), (B, "Paid Search", "desktop", "returning", 5)],
    "p2": [(A, "Direct", "desktop", "new", 1)],
    "p3": [(B, "Paid Search", "desktop", "new", 2)],
}


def _sessions_frame() -> pd.DataFrame:
    rows = []
    for (day, channel, device, kind), (reached, total) in SESSIONS.items():
        previous = [total, *reached[:-1]]
        for order, (step, count, before) in enumerate(zip(STEPS, reached, previous,
                                                          strict=True), start=1):
            rows.append((day, channel, device, kind, order, step, count, before, before - count,
                         count / before if before else None, count / reached[0]))
    return pd.DataFrame(rows, columns=[
        "session_date", "channel", "device", "visitor_type", "step_order", "step", "sessions",
        "previous_step_sessions", "drop_off_sessions", "step_conversion_rate",
        "overall_conversion_rate"])


def _entries_frame() -> pd.DataFrame:
    rows = []
    for person, entries in ENTRIES.items():
        for day, channel, device, kind, reached in entries:
            viewed = datetime(day.year, day.month, day.day, 9)
            rows.append((f"{person}-{day}", person, None, day, f"s-{person}-{day}", channel,
                         device, kind, viewed, reached))
    return pd.DataFrame(rows, columns=[
        "entry_key", "person_key", "stitched_user_id", "entry_date", "entry_session_key",
        "channel", "device", "visitor_type", "product_view_at", "steps_reached"])


@pytest.fixture
def funnel_marts(warehouse, settings_env):
    sessions = _sessions_frame()
    daily = sessions.groupby(["session_date", "step_order", "step"],
                             as_index=False)["sessions"].sum()
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.register("sessions", sessions)
        conn.register("entries", _entries_frame())
        conn.register("daily", daily)
        conn.execute("create table marts.fct_funnel_sessions_daily as select * from sessions")
        conn.execute("create table marts.fct_funnel_user_entries as select * from entries")
        conn.execute("delete from marts.fct_funnel_daily")
        conn.execute("insert into marts.fct_funnel_daily select * from daily")


def _funnel_page(days: tuple[date, date] | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    if days:  # the sidebar's range, as if chosen on an earlier page
        app.session_state["date_range"] = days
    app.run()
    app.switch_page("pages/funnel.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _tiles(app: AppTest) -> list[tuple[str, str | None]]:
    return [(m.value, m.delta) for m in app.metric]


def _people(app: AppTest) -> list[int]:
    return app.dataframe[1].value["users"].tolist()


def test_session_and_user_funnels_over_the_whole_range(funnel_marts):
    app = _funnel_page()
    # sessions per step summed over the three slices: 10+6+4, 4+3+2, 2+3+0, 1+2+0, 1+2+0
    assert _tiles(app) == [("20", ""), ("9", "45.00%"), ("5", "55.56%"), ("3", "60.00%"),
                           ("3", "100.00%")]
    table = app.dataframe[0].value
    assert table["drop_off"].tolist() == [0, 11, 4, 2, 0]
    # p1 counts once, from A (3 steps); p2 reached 1; p3 reached 2
    assert _people(app) == [3, 2, 1, 0, 0]
    # five charts, each with its CSV: sessions, step conversion, by segment, daily, people
    assert len(app.get("download_button")) == 5


def test_filters_narrow_both_funnels(funnel_marts):
    app = _funnel_page()
    app.sidebar.multiselect(key="funnel_channels").set_value(["Paid Search"]).run()
    assert not app.exception
    # paid search: 10+4, 4+2, 2+0, 1+0, 1+0
    assert [value for value, _ in _tiles(app)] == ["14", "6", "2", "1", "1"]
    assert _people(app) == [2, 2, 1, 0, 0]  # p1 from A (3 steps) and p3 (2 steps)
    app.sidebar.multiselect(key="funnel_channels").set_value([]).run()
    app.sidebar.multiselect(key="funnel_devices").set_value(["desktop"]).run()
    # desktop: p1's first desktop entry is on B, where p1 paid
    assert _people(app) == [3, 2, 1, 1, 1]


def test_date_range_moves_the_first_entry(funnel_marts):
    app = _funnel_page((B, B))
    assert [value for value, _ in _tiles(app)] == ["4", "2", "0", "0", "0"]
    assert _people(app) == [2, 2, 1, 1, 1]  # p1 enters on B now, and pays


def test_conversion_by_segment_sums_counts_before_dividing():
    breakdown = pd.DataFrame([("Paid Search", 1, STEPS[0], 14), ("Paid Search", 5, STEPS[-1], 1),
                              ("Direct", 1, STEPS[0], 6), ("Direct", 5, STEPS[-1], 2)],
                             columns=["segment", "step_order", "step", "sessions"])
    segments = funnel_data.conversion_by_segment(breakdown)
    assert segments.values.tolist() == [["Paid Search", 14, 1, 7.14], ["Direct", 6, 2, 33.33]]
