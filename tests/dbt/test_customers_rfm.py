"""fct_customer_rfm on the customers story: scores, ties and segments worked out by hand,
and every cell of the R x FM segment table."""

import json
from datetime import date

from tests.dbt import customers_build
from tests.dbt.mart_builds import dbt

# n = 10 buyers (customers_story.py). Scores:
# R = ceil(5k/10) = ceil(k/2), k = buyers whose recency_days >= this one's. By recency
#   0,0,10,41,76,89,121,140,156,179: c10 k=1 -> 1, c09 k=2 -> 1, c08 3 -> 2, c07 4 -> 2,
#   c06 5 -> 3, c05 6 -> 3, c04 7 -> 4, c03 8 -> 4, c01 and c02 (tied at 0) k=10 -> 5.
# F = 1 + floor(5j/10) = 1 + floor(j/2), j = buyers with fewer orders. Five buyers have 1
#   order (j=0 -> F 1: the tie takes the lower score), c03 and c04 have 2 (j=5 -> 3), c01
#   and c09 have 3 (j=7 -> 4), c06 has 4 (j=9 -> 5).
# M likewise on net cents 1000 (c10, j=0 -> 1), 2000 (c08, 1 -> 1), 3000 (c05, 2 -> 2),
#   5000 (c02 and c07, tied: j=3 -> 2; c07 paid 15000 but got 10000 back, at 15000 it
#   would have had j=5 -> 3), 12000 (c03, 5 -> 3), 60000 (c01, 6 -> 4), 75000 (c09, 7 ->
#   4), 80000 (c04, 8 -> 5), 160000 (c06, 9 -> 5).
# FM = floor((F + M + 1) / 2). Segment from the R x FM table.
EXPECTED = {  # user: recency, orders, net cents, R, F, M, FM, segment
    "c01": (0, 3, 60000, 5, 4, 4, 4, "champions"),           # R5 FM4
    "c02": (0, 1, 5000, 5, 1, 2, 2, "potential_loyalist"),   # R5 FM (1+2+1)/2 = 2
    "c03": (10, 2, 12000, 4, 3, 3, 3, "potential_loyalist"),  # R4 FM3
    "c04": (41, 2, 80000, 4, 3, 5, 4, "champions"),          # R4 FM (3+5+1)/2 = 4
    "c05": (76, 1, 3000, 3, 1, 2, 2, "need_attention"),      # R3 FM2
    "c06": (89, 4, 160000, 3, 5, 5, 5, "loyal"),             # R3 FM5
    "c07": (121, 1, 5000, 2, 1, 2, 2, "about_to_sleep"),     # R2 FM2
    "c08": (140, 1, 2000, 2, 1, 1, 1, "hibernating"),        # R2 FM (1+1+1)/2 = 1
    "c09": (156, 3, 75000, 1, 4, 4, 4, "cant_lose_them"),    # R1 FM4
    "c10": (179, 1, 1000, 1, 1, 1, 1, "lost"),               # R1 FM1
}


def test_scores_and_segments_by_hand():
    got = customers_build.rows(
        "select user_id, recency_days, frequency, monetary_cents, r_score, f_score, m_score,"
        " fm_score, rfm_segment from marts.fct_customer_rfm order by user_id")
    # c11 (cancelled) and c12 (pending) never paid: not customers
    assert {row[0]: row[1:] for row in got} == EXPECTED


def test_dates_and_labels():
    got = customers_build.rows(
        "select user_id, as_of_date, first_paid_date, last_paid_date, rfm_segment_name"
        " from marts.fct_customer_rfm where user_id in ('c01', 'c09') order by user_id")
    assert got == [
        ("c01", date(2025, 6, 30), date(2025, 1, 10), date(2025, 6, 30), "Champions"),
        ("c09", date(2025, 6, 30), date(2025, 1, 5), date(2025, 1, 25), "Can't Lose Them"),
    ]


# The table in _customers.yml, row by row (R 5 first), FM 1..5 left to right.
TABLE = {
    5: ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
    4: ["promising", "potential_loyalist", "potential_loyalist", "champions", "champions"],
    3: ["about_to_sleep", "need_attention", "need_attention", "loyal", "loyal"],
    2: ["hibernating", "about_to_sleep", "at_risk", "at_risk", "at_risk"],
    1: ["lost", "hibernating", "at_risk", "cant_lose_them", "cant_lose_them"],
}


def test_every_cell_of_the_segment_table():
    work = customers_build.warehouse().parent
    sql = ("select r.r, fm.fm, {{ rfm_segment('r.r', 'fm.fm') }} as segment "
           "from (values (1), (2), (3), (4), (5)) as r(r) "
           "cross join (values (1), (2), (3), (4), (5)) as fm(fm)")
    result = dbt(work, "show", "--inline", sql, "--limit", "25", "--output", "json",
                 "--log-format", "json")
    assert result.returncode == 0, result.stdout[-3000:]
    shown = next(json.loads(json.loads(line)["data"]["preview"])
                 for line in result.stdout.splitlines()
                 if '"preview"' in line)
    got = {(row["r"], row["fm"]): row["segment"] for row in shown}
    assert got == {(r, fm): TABLE[r][fm - 1] for r in TABLE for fm in range(1, 6)}
    assert len(set(got.values())) == 11
