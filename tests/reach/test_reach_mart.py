"""fct_reach_campaigns on the reach story (reach_story.py), every figure worked out by hand."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.dbt.mart_builds import built_once
from tests.reach import reach_story as story

# Level up (c-level), sends of 06-02: m1 u1 10:00, m2 u2 11:00, m3 u1 12:00
#   opens m1, m2 (m2's on 06-05 still counts for 06-02); clicks m1 (on 06-03)
#   conversions: u1 (o1 06-02 13:00 and o6 06-06, each once though both follow m1 and m3),
#   u2 (o2 exactly 7 days after m2; o3 came before the send) -> 2; 5000 + 1500 + 2000 = 8500
# Level up, 06-04: m4 u3 09:00; o4 7 days + 1 s later is outside, o5 (EUR) converts: 1, 0
# Cart reminder (c-cart), 06-02: m5 u1 14:00 landed twice (one send); opened and clicked;
#   o1 13:00 is before it, o6 06-06 after: 1 conversion, 1500
EXPECTED = [
    ("c-cart", date(2025, 6, 2), "Cart reminder", "email", "abandoned_cart",
     1, 1, 1, 1, 1, 1500, "USD", 7),
    ("c-level", date(2025, 6, 2), "Level up", "inbox", "event", 3, 2, 2, 1, 2, 8500, "USD", 7),
    ("c-level", date(2025, 6, 4), "Level up", "inbox", "event", 1, 1, 0, 0, 1, 0, "USD", 7),
]


def test_campaign_days_by_hand():
    path = built_once("reach", story.build_oltp, story.landings(), ("+fct_reach_campaigns",))
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "select campaign_id, send_date, campaign_name, channel, trigger_kind, sends, "
            "unique_recipients, opens, clicks, conversions, conversion_revenue_cents, "
            "currency, attribution_days from marts.fct_reach_campaigns "
            "order by campaign_id, send_date").fetchall()
    assert rows == EXPECTED
