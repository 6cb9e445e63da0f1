"""Incremental runs of fct_sessions, dim_visitors and fct_funnel_user_entries (replaced per
person) and of the product interactions (per session day) give a full build's rows, row for
row: on a hand-written story of sign-ins, a device changing accounts, a late event and a
late second payment, and on synthetic events replayed day by day as they arrived. The
window reaches dbt through the environment, as the pipeline passes it, and never costs a
parse of the project."""

import shutil
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from pipelines.ingest.events import load_new_files
from pipelines.synthetic_events import land_synthetic
from tests.dbt.incremental_replay import COMPARED, REPARSED, dbt_run, replay, snapshot
from tests.dbt.sessions_story import cart, checkout, land, new_warehouse, order, page, paid, view

D1 = datetime(2025, 6, 9, tzinfo=UTC)
D2, D3, D4 = (D1 + timedelta(days=n) for n in (1, 2, 3))
D0 = D1 - timedelta(days=8)  # before every window below (the lookback is 3 days)


def at(day: datetime, hh: int, mm: int = 0) -> datetime:
    return day + timedelta(hours=hh, minutes=mm)


def landings() -> list[tuple[list[dict], tuple[str, str] | None]]:
    """What lands each day, and the window the daily run then gets (None: first build)."""
    return [
        ([page(at(D0, 10), "dev-a"),  # A0: dev-a's anonymous visit, long ago
          view(at(D1, 9), "dev-a"), page(at(D1, 9, 5), "dev-a"),  # A1, anonymous
          view(at(D1, 12), "dev-b")],  # B1, anonymous
         None),
        # dev-a signs in as ua: A0 and A1 become ua's, A0 on a day outside the window
        ([page(at(D2, 10), "dev-a", user="ua")], (D2, D2)),
        # dev-b buys as ub (order events carry the account), so B1 becomes ub's; dev-a's
        # page of D1 09:20 arrives two days late and joins A1 (15 minutes after 09:05)
        ([cart(at(D3, 15), "dev-b"), checkout(at(D3, 15, 2), "dev-b"),
          order(at(D3, 15, 5), "dev-b", "ub", "o1"), paid(at(D3, 15, 10), "dev-b", "ub", "o1"),
          page(at(D1, 9, 20), "dev-a")],
         (D3, D3)),
        # dev-a signs in as ua2: its anonymous sessions A0 and A1 move from ua to ua2, A2
        # stays ua's (its own account); the provider's first notice of o1's payment, at
        # 15:08, arrives a day late: it is the payment that counts now
        ([page(at(D4, 11), "dev-a", user="ua2"), paid(at(D3, 15, 8), "dev-b", "ub", "o1")],
         (D4, D4)),
    ]


# Made once: the full build must land the very same events (same event ids).
LANDINGS = landings()


def _day(window):
    return window and (str(window[0].date()), str(window[1].date()))


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    work = tmp_path_factory.mktemp("people")
    warehouse, oltp_url = new_warehouse(work)
    snaps, outputs = [], []
    for events, window in LANDINGS:
        land(work, oltp_url, events)
        outputs.append(dbt_run(work, _day(window)))
        snaps.append(snapshot(warehouse))
    outputs.append(dbt_run(work, _day((D2, D2))))  # re-running a day changes nothing
    rerun = snapshot(warehouse)

    full = tmp_path_factory.mktemp("people-full")
    full_warehouse, full_oltp = new_warehouse(full)
    land(full, full_oltp, [e for events, _ in LANDINGS for e in events])
    dbt_run(full, None)
    return {"snaps": snaps, "rerun": rerun, "full": snapshot(full_warehouse),
            "outputs": outputs, "warehouse": warehouse}


def people(snap: dict, visitor: str) -> list[tuple]:
    """(session_date, person_key, person_session_number, visitor_type, events) of a
    visitor's sessions (fct_sessions columns 5, 17, 18, 19, 10), by start."""
    return sorted(((r[5], r[17], r[18], r[19], r[10]) for r in snap["marts.fct_sessions"]
                   if r[1] == visitor), key=lambda r: r[0])


def test_a_sign_in_restitches_sessions_of_days_outside_the_window(story):
    first, signed_in = story["snaps"][0], story["snaps"][1]
    d0, d1, d2 = D0.date(), D1.date(), D2.date()
    assert people(first, "dev-a") == [(d0, "dev-a", 1, "new", 1),
                                      (d1, "dev-a", 2, "returning", 2)]
    assert people(signed_in, "dev-a") == [(d0, "ua", 1, "new", 1),
                                          (d1, "ua", 2, "returning", 2),
                                          (d2, "ua", 3, "returning", 1)]
    persons = sorted(r[0] for r in signed_in["marts.dim_visitors"])
    assert persons == ["dev-b", "ua"]  # the anonymous person dev-a is gone


def test_a_device_changing_accounts_moves_its_anonymous_sessions(story):
    final = story["snaps"][-1]
    d0, d1, d2, d4 = D0.date(), D1.date(), D2.date(), D4.date()
    # A1 has the late 09:20 page (3 events); A2 is ua's own sign-in, now ua's only session
    assert people(final, "dev-a") == [(d0, "ua2", 1, "new", 1),
                                      (d1, "ua2", 2, "returning", 3),
                                      (d2, "ua", 1, "new", 1),
                                      (d4, "ua2", 3, "returning", 1)]
    visitors = {r[0]: (r[3], r[9]) for r in final["marts.dim_visitors"]}  # sessions, first day
    assert visitors == {"ua": (1, d2), "ua2": (3, d0), "ub": (2, D1.date())}


def test_funnel_entries_and_purchases_follow_the_late_payment(story):
    final = story["snaps"][-1]
    # (person, entry day, steps reached): ub viewed on D1 and bought on D3, within 14 days;
    # ua2's D1 view went no further
    entries = sorted((r[1], r[3], r[-1]) for r in final["marts.fct_funnel_user_entries"])
    assert entries == [("ua2", D1.date(), 1), ("ub", D1.date(), 5)]
    paid_at = {r[1]: r[12] for r in final["marts.fct_funnel_user_entries"]}  # order_paid_at
    assert paid_at["ub"] == at(D3, 15, 8).replace(tzinfo=None)
    # views of A1 and B1, B3's add to cart, and o1's purchase timed by the 15:08 payment
    kinds = sorted((r[5], r[6], r[7]) for r in final["marts.fct_product_interactions"])
    assert kinds == sorted([("view", 1, at(D1, 9).replace(tzinfo=None)),
                            ("view", 1, at(D1, 12).replace(tzinfo=None)),
                            ("cart", 3, at(D3, 15).replace(tzinfo=None)),
                            ("purchase", 5, at(D3, 15, 8).replace(tzinfo=None))])


@pytest.mark.parametrize("table", COMPARED)
def test_the_daily_runs_equal_a_full_build(story, table):
    assert story["snaps"][-1][table] == story["full"][table]


@pytest.mark.parametrize("table", COMPARED)
def test_rerunning_a_day_changes_nothing(story, table):
    assert story["rerun"][table] == story["snaps"][-1][table]


def test_a_run_recomputes_only_the_people_it_changes(story):
    # the re-run of D2 found nothing new: nobody's rows were replaced
    with duckdb.connect(str(story["warehouse"]), read_only=True) as conn:
        changed = conn.execute(
            "select count(*) from intermediate.int_sessions_changed_people").fetchone()
    assert changed == (0,)


def test_the_window_never_costs_a_parse(story):
    assert not any(REPARSED in out for out in story["outputs"][1:])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """2,500 events over four days, a fifth of the sessions two days late, replayed as they
    arrived; and the same files built in full."""
    source = tmp_path_factory.mktemp("synthetic-lake")
    land_synthetic(source, 2_500, start=date(2025, 3, 3), days=4, seed=11, late_share=0.2)
    full = tmp_path_factory.mktemp("synthetic-full")
    new_warehouse(full)
    shutil.copytree(source, full / "lake")
    with duckdb.connect(str(full / "flywheel.duckdb")) as conn:
        load_new_files(conn, full / "lake")
    dbt_run(full, None)
    work = tmp_path_factory.mktemp("synthetic-daily")
    new_warehouse(work)
    windows = replay(source, work)
    return {"windows": windows, "daily": snapshot(work / "flywheel.duckdb"),
            "full": snapshot(full / "flywheel.duckdb")}


def test_synthetic_days_replayed_as_they_arrived_equal_a_full_build(synthetic):
    # one full build, then a run per arrival day, late files reaching back two days
    assert synthetic["windows"][0] is None and len(synthetic["windows"]) >= 5
    assert any(first < last for first, last in synthetic["windows"][1:])
    for table in COMPARED:
        daily, full = synthetic["daily"][table], synthetic["full"][table]
        assert len(daily) > 0 and daily == full, table
