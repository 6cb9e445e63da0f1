"""fct_user_auto_tags on the tags story (tags_story.py): every tag worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from tests.dbt.mart_builds import built_once
from tests.tags import tags_story as story

# RFM (fct_customer_rfm, as of the latest paid day 06-28, n = 7 buyers):
#   recency 0 (t1), 8 (t5), 13 (t7), 29 (t6), 87 (t4), 88 (t3), 119 (t2)
#     -> R = ceil(5k/7), k = buyers at least as recent: t1 5, t5 5, t7 4, t6 3, t4 3,
#        t3 2, t2 1
#   orders 1 (t2, t3, t4: F 1), 2 (t1, t7: j=3, F 1 + floor(15/7) = 3), 3 (t5: F 4), 7 (t6: 5)
#   cents 500 (t2) 1500 (t4) 2400 (t7) 4000 (t1) 6000 (t5) 7000 (t6) 8000 (t3)
#     -> M 1, 1, 2, 3, 3, 4, 5
#   FM = floor((F + M + 1) / 2): t1 3, t2 1, t3 3, t4 1, t5 4, t6 5, t7 3
#   segments: t1 R5 FM3 potential_loyalist, t2 R1 FM1 lost, t3 R2 FM3 at_risk,
#             t4 R3 FM1 about_to_sleep, t5 R5 FM4 champions, t6 R3 FM5 loyal,
#             t7 R4 FM3 potential_loyalist
RFM = {"t1": "potential_loyalist", "t2": "lost", "t3": "at_risk", "t4": "about_to_sleep",
       "t5": "champions", "t6": "loyal", "t7": "potential_loyalist"}
EXPECTED = {
    **{(u, "rfm_segment"): s for u, s in RFM.items()},
    # potential_loyalist or promising
    ("t1", "high_potential"): "true", ("t7", "high_potential"): "true",
    # last paid day at least 90 days before 06-30: t2 (03-01, 121 days), t3 (04-01, 90);
    # t4 (04-02) is 89 days
    ("t2", "dormant_90d"): "true", ("t3", "dormant_90d"): "true",
    # more than half of at least 2 units discounted: t1 2 of 3, t6 4 of 7; t3 2 of 4 is
    # half, t2 has 1 unit, t4's discounted units were never paid
    ("t1", "price_sensitive"): "true", ("t6", "price_sensitive"): "true",
    # >= 2 orders returned and >= 30% of paid orders: t5 2 of 3 (t5-3 was refund_only);
    # t6 2 of 7 is 28.6%; t7 1 (t7-1 twice counts once, t7-2 rejected); t1 1 (t1-1 withdrawn)
    ("t5", "frequent_returner"): "true",
    # members: t1 gold (latest change), t2 back to regular, t5 and t8 never changed
    ("t1", "member_level"): "gold", ("t2", "member_level"): "regular",
    ("t5", "member_level"): "regular", ("t8", "member_level"): "regular",
}


def _rows(sql: str) -> list[tuple]:
    path = built_once("tags", story.build_oltp, story.landings(),
                      ("+path:models/marts/tags",))
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_every_tag_by_hand():
    got = _rows("select user_id, tag, tag_value from marts.fct_user_auto_tags")
    assert {(u, t): v for u, t, v in got} == EXPECTED
    assert len(got) == len(EXPECTED)  # one row per user and tag


def test_computed_at_is_the_warehouse_latest_moment():
    got = set(_rows("select computed_at, as_of_date from marts.fct_user_auto_tags"))
    assert got == {(datetime(2025, 6, 30, 12, 0), date(2025, 6, 30))}
