"""The recommendation marts on the story in reco_story.py, every figure worked out by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.dbt.mart_builds import built_once
from tests.recommendation_feedback import reco_story as story

SELECT = ("+fct_recommendation_performance_daily", "+fct_recommendation_ab_daily")

# 07-01 (home, als, A): L1 shows p1 p2 p3 to u1, L6 shows p1 to anonymous a8: 2 lists,
#   4 impressions, u1's two clicks on L1|p1 are one click: CTR 1/4; users {u1}, visitors
#   {u1, a8}. u1's p1 in o1 goes to the LATER click in L7 (10:50), so nothing here.
# (cart, session_knn, A): L7 shows p1 p2 to u1, one click on p1 at 10:50; o1 (11:00) has
#   p1 for 2000 (its p4 line was never clicked; o5 was never paid): 1 order, 1 line, 2000.
# (home, als, B): L3 shows p1 p3 to u2, clicks on p1 (09:10) and p3 (10:00): CTR 2/2;
#   o2 (09:30) bought p3 BEFORE its click, o4 bought p1 24 h + 1 s after its click: 0.
# (product, session_knn, B): L2 shows p2 p3 to a9, who becomes u3 at 12:30: one user;
#   click on p2 at 12:01, o3 (13:00) buys p2 for 3000: attributed.
# 07-02 (cart, als, A): L5 shows p2 to u1, no click: CTR 0.
PERFORMANCE = [
    (date(2025, 7, 1), "cart", "session_knn", "A", 1, 2, 1, 0.5, 1, 1, 1, 1, 2000),
    (date(2025, 7, 1), "home", "als", "A", 2, 4, 1, 0.25, 1, 2, 0, 0, 0),
    (date(2025, 7, 1), "home", "als", "B", 1, 2, 2, 1.0, 1, 1, 0, 0, 0),
    (date(2025, 7, 1), "product", "session_knn", "B", 1, 2, 1, 0.5, 1, 1, 1, 1, 3000),
    (date(2025, 7, 2), "cart", "als", "A", 1, 1, 0, 0.0, 1, 1, 0, 0, 0),
]

# 07-01 A: impressions 3 + 1 + 2 = 6, clicks L1|p1 and L7|p1 = 2; visitors u1, a8; u1
#   first exposed 10:00, o1 created 11:00 paid (2500 with its p4 line): 1 of 2 converts.
# 07-01 B: impressions 4, clicks 3; u2 (first exposed 09:00) converts with o2 (09:30, 1500)
#   but not o4 (next day 09:10:01, past 24 h); u3 (12:00) with o3 (3000): 2 of 2, 4500.
# 07-02 A: u1 exposed at 08:00, no order after it.
AB = [
    (date(2025, 7, 1), "A", 2, 1, 6, 2, 2 / 6, 1, 0.5, 1, 2500, 1250.0, 2000),
    (date(2025, 7, 1), "B", 2, 2, 4, 3, 0.75, 2, 1.0, 2, 4500, 2250.0, 3000),
    (date(2025, 7, 2), "A", 1, 0, 1, 0, 0.0, 0, 0.0, 0, 0, 0.0, 0),
]


@pytest.fixture(scope="module")
def warehouse():
    return built_once("recommendations", story.build_oltp, story.landings(), SELECT)


def _rows(path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_performance_by_hand(warehouse):
    rows = _rows(warehouse, (
        "select activity_date, placement, model, variant, lists_shown, impressions, clicks, "
        "ctr, exposed_users, exposed_visitors, attributed_orders, attributed_order_lines, "
        "attributed_gmv_cents from marts.fct_recommendation_performance_daily "
        "order by activity_date, placement, model, variant"))
    assert [r[:7] + r[8:] for r in rows] == [r[:7] + r[8:] for r in PERFORMANCE]
    assert [r[7] for r in rows] == pytest.approx([r[7] for r in PERFORMANCE])


def test_ab_by_hand(warehouse):
    rows = _rows(warehouse, (
        "select activity_date, variant, exposed_visitors, clicking_visitors, impressions, "
        "clicks, ctr, converted_visitors, conversion_rate, orders, gmv_cents, "
        "gmv_cents_per_exposed_visitor, attributed_gmv_cents "
        "from marts.fct_recommendation_ab_daily order by activity_date, variant"))
    floats = (6, 8, 11)
    assert [[v for i, v in enumerate(r) if i not in floats] for r in rows] == [
        [v for i, v in enumerate(r) if i not in floats] for r in AB]
    for i in floats:
        assert [r[i] for r in rows] == pytest.approx([r[i] for r in AB])


def test_each_line_is_credited_once_to_the_last_click(warehouse):
    rows = _rows(warehouse, (
        "select order_id, product_id, list_id, clicked_at from "
        "intermediate.int_recommendation_order_lines_attributed order by order_id"))
    assert [(o, p, lst) for o, p, lst, _ in rows] == [("o1", "p1", "L7"), ("o3", "p2", "L2")]


def test_the_mart_columns_match_the_contract(warehouse):
    cols = _rows(warehouse, (
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_recommendation_performance_daily' order by ordinal_position"))
    assert [c for (c,) in cols][:4] == ["activity_date", "placement", "model", "variant"]
