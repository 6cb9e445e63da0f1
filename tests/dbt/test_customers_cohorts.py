"""fct_customer_cohorts and fct_customer_repurchase on the customers story, by hand."""

from datetime import date

import pytest

from tests.dbt import customers_build


def month(m: int) -> date:
    return date(2025, m, 1)


# Cohort = month of the first paid order; active = paid in the month (customers_story.py):
#   Jan: c01 (Jan 10, Apr 20, Jun 30), c09 (three times in Jan), c10       -> 3 buyers
#   Feb: c06 (Feb 1, Mar 15, Apr 1, Apr 2), c08 (Feb 10)                    -> 2
#   Mar: c07; Apr: c05; May: c04 (May 1, May 20)                            -> 1 each
#   Jun: c02, c03                                                           -> 2
# Each cohort runs to June, the month of the latest payment, idle months at 0.
ACTIVE = {  # cohort month -> active customers in its months 0, 1, 2...
    1: [3, 0, 0, 1, 0, 1],  # c01 back in April and June only
    2: [2, 1, 1, 0, 0],     # c06 in March and April
    3: [1, 0, 0, 0],
    4: [1, 0, 0],
    5: [1, 0],              # c04's second order is in its first month
    6: [2],
}
SIZE = {1: 3, 2: 2, 3: 1, 4: 1, 5: 1, 6: 2}


def test_cohort_retention_by_hand():
    got = customers_build.rows(
        "select cohort_month, months_since_first_order, activity_month, cohort_customers,"
        " active_customers, retention_rate from marts.fct_customer_cohorts"
        " order by cohort_month, months_since_first_order")
    expected = [
        (month(m), k, month(m + k), SIZE[m], active, pytest.approx(active / SIZE[m]))
        for m, actives in ACTIVE.items() for k, active in enumerate(actives)
    ]
    assert got == expected
    assert len(got) == 6 + 5 + 4 + 3 + 2 + 1


# As of Jun 30, a buyer's 90 days are over when their first paid day is on or before Apr 1
# (Apr 1 -> Jun 30 = 29 + 31 + 30 = 90 days). A repurchase is a second purchase DAY within
# 90 days of the first:
#   c01 Jan 10 -> Apr 20 = 21 + 28 + 31 + 20 = 100 days: came back, but too late
#   c09 Jan 5 -> Jan 20 = 15 days: yes;  c10: never
#   c06 Feb 1 -> Mar 15 = 27 + 15 = 42 days: yes;  c08: never
#   c07 (Mar 1, eligible): never
#   c05 (Apr 15: 76 days so far) not eligible; c04 (May 1 -> May 20, 19 days) not
#   eligible yet but has repurchased; c02 (Jun 30) and c03 (two orders on Jun 20, one
#   purchase day) neither.
REPURCHASE = [  # month, first-time, eligible, repurchased within 90 d, so far, rate
    (month(1), 3, 3, 1, 1, pytest.approx(1 / 3)),
    (month(2), 2, 2, 1, 1, 0.5),
    (month(3), 1, 1, 0, 0, 0.0),
    (month(4), 1, 0, 0, 0, None),
    (month(5), 1, 0, 0, 1, None),
    (month(6), 2, 0, 0, 0, None),
]


def test_ninety_day_repurchase_by_hand():
    got = customers_build.rows(
        "select cohort_month, first_time_buyers, eligible_buyers, repurchased_within_90d,"
        " repurchased_so_far, repurchase_rate_90d from marts.fct_customer_repurchase"
        " order by cohort_month")
    assert got == REPURCHASE
    # over all months: 2 of the 6 eligible buyers came back within 90 days
    assert sum(r[3] for r in got) / sum(r[2] for r in got) == pytest.approx(2 / 6)
