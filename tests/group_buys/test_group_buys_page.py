"""The Group buying page and its data functions over a hand-made published warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "pages" / "group_buys.py"
T = datetime(2025, 3, 10, 12, tzinfo=UTC)
GROUPS = pd.DataFrame({  # 2 formed, 1 failed, 1 open: success 2 of 3 ended
    "group_id": ["g1", "g2", "g3", "g4"], "offer_id": ["o1", "o1", "o2", "o2"],
    "sku_id": ["s1", "s1", "s2", "s2"], "leader_user_id": ["u1", "u2", "u3", "u1"],
    "group_size": [2, 2, 3, 3], "currency": ["USD"] * 4,
    "state": ["formed", "failed", "formed", "open"], "members": [2, 1, 1, 0],
    "virtual_members": [0, 0, 2, 0], "seconds_to_form": [3600.0, None, 7200.0, None],
    "gmv_cents": [6000, 0, 2000, 0], "group_discount_cents": [4000, 0, 3000, 0],
    "refunded_cents": [0, 3000, 0, 0], "opened_at": [T] * 4,
    "formed_at": [T, None, T, None], "list_price_cents": [5000, 5000, 5000, 5000],
    "group_price_cents": [3000, 3000, 2000, 2000], "seats_taken_ever": [2, 2, 1, 1]})
FISSION = pd.DataFrame({"user_id": ["u1", "u2"], "invites_sent": [3, 1], "joined": [2, 0],
                        "groups_led": [2, 1], "groups_formed": [1, 0],
                        "new_users_acquired": [1, 0]})


def test_summaries_by_hand():
    from dashboards import group_buys_data as d

    frame = GROUPS.drop(columns=["opened_at"])
    s = d.summary(frame)
    assert (s["formed"], s["failed"], s["open"]) == (2, 1, 1)
    assert s["success_rate"] == pytest.approx(2 / 3)
    assert (s["gmv_cents"], s["discount_cents"], s["refunded_cents"]) == (8000, 7000, 3000)
    assert s["median_hours_to_form"] == pytest.approx(1.5)
    offers = d.per_offer(frame).set_index("offer_id")
    assert offers.loc["o1", "success_rate"] == pytest.approx(0.5)
    assert offers.loc["o2", "success_rate"] == 1.0  # the open group is not a failure
    assert d.fission_totals(FISSION) == {"invites_sent": 4, "joined": 2,
                                         "joins_per_invite": 0.5, "new_users_acquired": 1}


@pytest.fixture
def gb_warehouse(warehouse, settings_env):  # noqa: F811
    groups, fission = GROUPS, FISSION  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute("create table marts.fct_group_buys as select * from groups")
        conn.execute("create table marts.fct_group_buy_fission as select * from fission")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_page_tiles_and_tables(gb_warehouse):
    app = _run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Success rate"] == "66.67%" and metrics["GMV"] == "$80.00"
    assert metrics["Discount cost"] == "$70.00" and metrics["New users acquired"] == "1"


def test_a_warehouse_without_the_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the group-buy marts existed" in " ".join(i.value for i in app.info)
