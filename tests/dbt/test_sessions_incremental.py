"""Late events and incremental sessions: events two days late are sessionised into their
own day by the next incremental run (window [run_from - 3 days, run_to]), which then equals
a full rebuild, leaves days before the window alone, and gives the same rows when re-run."""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from tests.dbt.sessions_story import (
    SESSION_MARTS,
    cart,
    dbt_build,
    land,
    new_warehouse,
    page,
    view,
)

E1 = datetime(2025, 5, 5, tzinfo=UTC)
E2, E3, E4 = (E1 + timedelta(days=n) for n in (1, 2, 3))
E0 = E1 - timedelta(days=10)  # before any window below
TABLES = ("intermediate.int_identity_map", "intermediate.int_events_sessionized",
          "intermediate.int_sessions_aggregated", *(f"marts.{m}" for m in SESSION_MARTS))


def at(day: datetime, hh: int, mm: int = 0) -> datetime:
    return day + timedelta(hours=hh, minutes=mm)


def first_landing() -> list[dict]:
    """What has arrived by the end of E3."""
    return [
        page(at(E0, 12), "inc-old"),
        page(at(E0, 12), "anon-late"),  # anonymous, ten days before signing in
        page(at(E1, 9), "anon-late"), view(at(E1, 9, 5), "anon-late"),
        view(at(E1, 11), "n"), cart(at(E1, 11, 5), "n"),
        page(at(E2, 10), "l"), page(at(E2, 10, 50), "l"),  # 50 minutes apart: 2 sessions
        page(at(E3, 23, 50), "m"),
    ]


def second_landing() -> list[dict]:
    """What arrives on E4: E4's events, and events of E1 and E2 that were held back."""
    return [
        page(at(E2, 10, 25), "l"),  # 25 min after 10:00 and before 10:50: one session now
        view(at(E2, 14), "p"),  # a new visitor on E2
        page(at(E1, 9, 20), "anon-late", "/account", "ul"),  # the sign-in, 3 days late
        page(at(E4, 0, 10), "m"),  # 20 minutes after m's E3 23:50: E3's session goes on
        page(at(E4, 9), "q"),
    ]


# Made once: the full rebuild must land the very same events (same event ids).
FIRST, SECOND = first_landing(), second_landing()


def snapshot(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
                for t in TABLES}


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    work = tmp_path_factory.mktemp("incremental")
    warehouse, oltp_url = new_warehouse(work)
    land(work, oltp_url, FIRST)
    dbt_build(work)
    before = snapshot(warehouse)
    # A mark on a day outside every window below: still there means that day was left alone.
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("update intermediate.int_sessions_aggregated set events = 999 "
                     "where visitor_key = 'inc-old'")
    land(work, oltp_url, SECOND)
    dbt_build(work, {"run_from": str(E4.date()), "run_to": str(E4.date())})
    after = snapshot(warehouse)
    dbt_build(work, {"run_from": str(E2.date()), "run_to": str(E2.date())})
    rerun = snapshot(warehouse)

    full = tmp_path_factory.mktemp("full")
    full_warehouse, full_oltp = new_warehouse(full)
    land(full, full_oltp, FIRST + SECOND)
    dbt_build(full)
    return {"before": before, "after": after, "rerun": rerun, "full": snapshot(full_warehouse),
            "warehouse": warehouse}


def _sessions(snap: dict, visitor: str) -> list[tuple]:
    """(session_date, events) of a visitor's rows in fct_sessions (columns 1, 5, 10)."""
    return sorted((r[5], r[10]) for r in snap["marts.fct_sessions"] if r[1] == visitor)


def test_late_events_are_sessionised_into_their_own_day(incremental):
    before, after = incremental["before"], incremental["after"]
    assert _sessions(before, "l") == [(E2.date(), 1), (E2.date(), 1)]
    assert _sessions(after, "l") == [(E2.date(), 3)]  # 10:00, 10:25, 10:50: one session
    assert _sessions(after, "p") == [(E2.date(), 1)]
    funnel = {(r[0], r[1]): r[3] for r in after["marts.fct_funnel_daily"]}
    old_funnel = {(r[0], r[1]): r[3] for r in before["marts.fct_funnel_daily"]}
    assert (old_funnel[(E2.date(), 1)], funnel[(E2.date(), 1)]) == (0, 1)  # p's view counts
    # m's session crosses midnight: it stays E3's, with E4's event in it; E4 has only q's
    assert _sessions(after, "m") == [(E3.date(), 2)]
    assert [r[1] for r in after["marts.fct_sessions"] if r[5] == E4.date()] == ["q"]


def test_a_late_sign_in_keeps_the_key_and_stitches_back(incremental):
    def anon_late(snap):
        return sorted((r[5], r[0], r[2], r[16], r[10]) for r in snap["marts.fct_sessions"]
                      if r[1] == "anon-late")

    (old_e0, old_e1) = anon_late(incremental["before"])
    (new_e0, new_e1) = anon_late(incremental["after"])
    assert old_e1[1] == new_e1[1]  # the same session key, before and after the sign-in
    assert (old_e1[2:], new_e1[2:]) == ((None, None, 2), ("ul", "ul", 3))
    # the anonymous visit ten days earlier is outside the window, yet now the account's
    assert (old_e0[3], new_e0[3]) == (None, "ul")


def test_days_before_the_window_are_not_recomputed(incremental):
    # the mark left on int_sessions_aggregated's row survives the run: its day was not redone
    marked = [(r[5], r[10]) for r in incremental["after"]["intermediate.int_sessions_aggregated"]
              if r[1] == "inc-old"]
    assert marked == [(E0.date(), 999)]
    # and fct_sessions did not even re-read it: nothing of inc-old's changed, so its row
    # (1 event) stays as the first build wrote it
    assert _sessions(incremental["after"], "inc-old") == [(E0.date(), 1)]


@pytest.mark.parametrize("table", TABLES)
def test_the_incremental_run_equals_a_full_rebuild(incremental, table):
    def unmarked(snap):
        # the mark left on purpose on inc-old's session row (events, column 10) aside
        marked = table.endswith(("int_sessions_aggregated", "fct_sessions"))
        return sorted((tuple(None if marked and i == 10 and r[1] == "inc-old" else v
                             for i, v in enumerate(r)) for r in snap[table]), key=repr)

    assert unmarked(incremental["after"]) == unmarked(incremental["full"])


@pytest.mark.parametrize("table", TABLES)
def test_rerunning_a_day_changes_nothing(incremental, table):
    assert incremental["rerun"][table] == incremental["after"][table]
