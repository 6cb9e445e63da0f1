"""The credit features see nothing at or after their cut-off: rows known after it (an
order paid later, a refund, a risk decision, an overdue bill, a new application) leave the
features unchanged, and the same rows before the cut-off change them."""

import json
from datetime import datetime, timedelta

import pandas as pd
import pytest

from pipelines.ml import credit_features, credit_histories

CUT = datetime(2024, 6, 1)


@pytest.fixture
def conn():
    c = credit_histories.generate(200, months=18, seed=5)
    yield c
    c.close()


def _borrower(conn) -> str:
    return conn.execute("select user_id from staging.stg_flywheel__events where event_type = "
                        "'credit_application_decided' and occurred_at < ? order by user_id "
                        "limit 1", [CUT]).fetchone()[0]


def _add_history(conn, user_id: str, at: datetime, placed: datetime) -> None:
    """One of every kind of row the features read, known at ``at`` (an order placed at
    ``placed`` and paid at ``at``, refunded at ``at``)."""
    conn.execute("insert into staging.stg_oltp__orders values (?, ?, 'paid', 90000, ?, ?)",
                 [f"o-late-{at}", user_id, at, at])
    conn.execute("insert into staging.stg_oltp__orders values (?, ?, 'paid', 50000, ?, ?)",
                 [f"o-old-{at}", user_id, placed, at])
    conn.execute("insert into marts.fct_refunds values (?, ?, 50000, 'refunded', ?)",
                 [f"o-old-{at}", user_id, at])
    conn.execute("insert into staging.stg_flywheel__risk_decisions values (?, ?, 'block', 99)",
                 [user_id, at])
    events = [
        ("credit_bill_issued", {"bill_id": "b-x", "plan_id": "p", "seq": 1,
                                "due_date": (at - timedelta(days=20)).date().isoformat()}),
        ("credit_bill_overdue", {"bill_id": "b-x", "plan_id": "p", "period": 1,
                                 "late_fee_cents": 500, "score_penalty": 50}),
        ("credit_application_decided", {"income_band": "under_1000",
                                        "employment_status": "unemployed"}),
    ]
    for i, (kind, payload) in enumerate(events):
        conn.execute("insert into staging.stg_flywheel__events values (?, ?, ?, ?, ?::json)",
                     [f"e-{kind}-{i}-{at}", kind, at, user_id, json.dumps(payload)])


def _row(conn, user_id: str) -> pd.Series:
    frame = credit_features.features(conn, CUT)
    return frame[frame["user_id"] == user_id].iloc[0]


def test_rows_at_or_after_the_cut_off_change_nothing(conn):
    user = _borrower(conn)
    # an order placed before the cut-off, unpaid then: its later payment and refund update
    # the same OLTP row (the snapshot holds today's state), which must not leak
    conn.execute("insert into staging.stg_oltp__orders values "
                 "('o-open', ?, 'pending', 70000, ?, null)", [user, CUT - timedelta(days=2)])
    before = credit_features.features(conn, CUT)
    conn.execute("update staging.stg_oltp__orders set status = 'paid', paid_at = ? "
                 "where order_id = 'o-open'", [CUT + timedelta(hours=1)])
    conn.execute("insert into marts.fct_refunds values ('o-open', ?, 70000, 'refunded', ?)",
                 [user, CUT + timedelta(days=2)])
    _add_history(conn, user, CUT, placed=CUT)  # exactly at the cut-off is already the future
    _add_history(conn, user, CUT + timedelta(days=3), placed=CUT + timedelta(days=1))
    conn.execute("insert into staging.stg_oltp__users values ('newcomer', ?)", [CUT])
    after = credit_features.features(conn, CUT)
    pd.testing.assert_frame_equal(before, after)


def test_the_same_rows_before_the_cut_off_do_count(conn):
    user = _borrower(conn)
    before = _row(conn, user)
    _add_history(conn, user, CUT - timedelta(hours=1), placed=CUT - timedelta(days=60))
    after = _row(conn, user)
    assert after["orders_placed"] == before["orders_placed"] + 2
    assert after["orders_paid"] == before["orders_paid"] + 2
    assert after["paid_gmv_cents"] == before["paid_gmv_cents"] + 140000
    assert after["refunded_orders"] == before["refunded_orders"] + 1
    assert after["risk_blocks"] == before["risk_blocks"] + 1
    assert after["last_risk_score"] == 99
    assert after["bills_due"] == before["bills_due"] + 1
    assert after["overdue_bills"] == before["overdue_bills"] + 1
    assert after["bills_on_time"] == before["bills_on_time"]
    assert after["late_fees_cents"] == before["late_fees_cents"] + 500
    assert after["score_penalty"] == before["score_penalty"] + 50
    assert (after["income_band"], after["employment_status"]) == ("under_1000", "unemployed")


def test_labels_and_borrowers_follow_the_window(conn):
    user = _borrower(conn)
    conn.execute("insert into staging.stg_flywheel__events values "
                 "('late-1', 'credit_bill_overdue', ?, ?, '{}'::json)",
                 [CUT + timedelta(days=29), user])
    assert user in credit_features.went_overdue(conn, CUT, 30)
    # the label window is [cut, cut + horizon): an overdue bill a day later is not in it
    conn.execute("insert into staging.stg_flywheel__events values "
                 "('late-2', 'credit_bill_overdue', ?, 'later', '{}'::json)",
                 [CUT + timedelta(days=30)])
    assert "later" not in credit_features.went_overdue(conn, CUT, 30)
    assert "later" in credit_features.went_overdue(conn, CUT + timedelta(days=1), 30)
    conn.execute("insert into staging.stg_flywheel__events values ('plan-new', "
                 "'installment_plan_created', ?, 'fresh', ?::json)",
                 [CUT - timedelta(days=1), json.dumps({"term_months": 3,
                                                       "first_due_date": "2024-06-15"})])
    assert "fresh" in credit_features.active_borrowers(conn, CUT)
    # its last bill is due 2024-08-15: no longer active after that
    assert "fresh" not in credit_features.active_borrowers(conn, datetime(2024, 8, 16))
