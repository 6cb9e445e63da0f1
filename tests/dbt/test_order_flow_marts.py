"""dbt build over the order-flow story (tests/dbt/order_flow_story.py): sub-orders, payments
by channel, refunds, fulfilment, after-sales, reconciliation and net revenue. Every figure
below is worked out by hand from the story's docstring, not read off a run."""

from datetime import date, datetime

import pytest

from tests.dbt.order_flow_story import story_events

MON, TUE, WED, THU = date(2025, 4, 7), date(2025, 4, 8), date(2025, 4, 9), date(2025, 4, 10)


def _rows(conn, sql: str) -> dict:
    return {r[0]: r[1:] for r in conn.execute(sql).fetchall()}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def test_every_new_mart_has_rows(flow_warehouse):
    for mart in ("fct_sub_orders", "fct_fulfilment", "fct_payments", "fct_payments_by_channel",
                 "fct_refunds", "fct_payment_reconciliation", "fct_after_sales"):
        assert flow_warehouse.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] > 0


def test_sub_orders_status_money_and_times(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT sub_order_id, status, merchant_name, warehouse_name, shipping_region,
               total_cents, units, paid_at, shipped_at, delivered_at, carrier,
               hours_to_ship, hours_to_deliver
        FROM marts.fct_sub_orders""")
    assert rows == {
        # 4000 + 500 shipping + 400 tax; paid 09:05, shipped 15:05 (6 h), arrived a day later
        "sA1": ("delivered", "Self-operated", "Main warehouse", "RS", 4900, 2, at(MON, 9, 5),
                at(MON, 15, 5), at(TUE, 15, 5), "sandbox_post", 6.0, 24.0),
        # 2000 - 100 discount + 200 tax; paid 09:05, shipped Tue 09:05 (24 h), 12 h on the road
        "sA2": ("delivered", "Nordic Goods", "North store", "RS", 2100, 1, at(MON, 9, 5),
                at(TUE, 9, 5), at(TUE, 21, 5), "sandbox_express", 24.0, 12.0),
        "sB1": ("cancelled", "Self-operated", "North store", "SC", 3300, 2, at(MON, 10, 10),
                None, None, None, None, None),
        # paid 11:10, shipped 23:10 (12 h), arrived Tue 23:10 (24 h), completed Fri
        "sF1": ("completed", "Self-operated", "Main warehouse", "RS", 1000, 1, at(MON, 11, 10),
                at(MON, 23, 10), at(TUE, 23, 10), "sandbox_post", 12.0, 24.0),
        "sG1": ("allocated", "Nordic Goods", "North store", "SC", 1200, 1, at(TUE, 9, 3),
                None, None, None, None, None),
        # paid 14:02, shipped Wed 02:02 (12 h), still on its way
        "sC1": ("shipped", "Nordic Goods", "Main warehouse", "RS", 1500, 1, at(TUE, 14, 2),
                at(WED, 2, 2), None, "sandbox_post", 12.0, None),
        # never paid; no region given
        "sD1": ("cancelled", "Self-operated", "Main warehouse", "unknown", 800, 1, None, None,
                None, None, None, None),
        # virtual: allocated and delivered in the same instant, nothing shipped
        "sE1": ("delivered", "Self-operated", None, "unknown", 2500, 1, at(TUE, 12, 5), None,
                at(TUE, 12, 5), None, None, None),
    }


def test_sub_orders_interceptions_and_cancellations(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT sub_order_id, is_intercepted, interceptions, is_paused, hold_reason,
               is_cancelled_after_payment, cancel_reason
        FROM marts.fct_sub_orders
        WHERE is_intercepted OR cancelled_at IS NOT NULL""")
    assert rows == {
        "sA2": (True, 2, False, None, False, None),  # paused, then resumed
        "sB1": (True, 1, False, None, True, "suspected fraud"),  # cancelled after payment
        "sG1": (True, 1, True, "customer called", False, None),  # held now
        "sD1": (False, 0, False, None, False, "payment_timeout"),  # cancelled unpaid
    }


def test_a_re_emitted_move_counts_once(flow_warehouse):
    moves = flow_warehouse.execute(
        "SELECT count(*) FROM staging.stg_flywheel__sub_order_status_changes "
        "WHERE sub_order_id = 'sA1' AND to_status = 'shipped'").fetchone()[0]
    assert moves == 2  # the original and its re-emission under a new event_id
    shipped = flow_warehouse.execute(
        "SELECT shipped_at FROM marts.fct_sub_orders WHERE sub_order_id = 'sA1'").fetchone()
    assert shipped == (at(MON, 15, 5),)


def test_fulfilment_by_day_location_region_and_carrier(flow_warehouse):
    rows = flow_warehouse.execute("""
        SELECT shipped_date, warehouse_id, shipping_region, carrier, sub_orders_shipped,
               sub_orders_delivered, avg_hours_to_ship, median_hours_to_ship,
               p90_hours_to_ship, avg_hours_to_deliver, median_hours_to_deliver
        FROM marts.fct_fulfilment ORDER BY shipped_date""").fetchall()
    assert rows == [
        # sA1 (6 h) and sF1 (12 h) left the main warehouse on Monday, both by sandbox_post,
        # both 24 h on the road: mean and median 9 h, p90 6 + 0.9 * (12 - 6) = 11.4 h
        (MON, "default", "RS", "sandbox_post", 2, 2, 9.0, 9.0, pytest.approx(11.4), 24.0,
         24.0),
        (TUE, "north", "RS", "sandbox_express", 1, 1, 24.0, 24.0, 24.0, 12.0, 12.0),
        (WED, "default", "RS", "sandbox_post", 1, 0, 12.0, 12.0, 12.0, None, None),
    ]


def test_payments_outcomes(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT payment_id, channel, outcome, minutes_to_pay, captured_cents, refunded_cents,
               failure_reason, refund_due_reason
        FROM marts.fct_payments""")
    assert rows == {
        "pA1": ("card", "paid", 4.0, 7000, 2200, None, None),  # 09:01 -> 09:05
        "pB1": ("card", "failed", None, 0, 0, "declined", None),
        "pB2": ("wallet", "paid", 0.0, 3300, 3300, None, None),
        "pF1": ("card", "paid", 10.0, 1000, 0, None, None),
        "pG1": ("card", "paid", 2.0, 1200, 0, None, None),
        "pC1": ("bank_transfer", "paid", 360.0, 1500, 0, None, None),  # six hours later
        # money arrived for a cancelled order: captured, owed back, not repaid yet
        "pD1": ("card", "refund_due", None, 800, 0, None, "order_not_payable"),
        # failed for the shopper, captured anyway, repaid
        "pE1": ("card", "refund_due", None, 2500, 2500, "timeout", "captured_after_failure"),
        "pE2": ("wallet", "paid", 0.0, 2500, 0, None, None),
    }


def test_payments_by_channel_per_day(flow_warehouse):
    rows = {r[:2]: r[3:] for r in flow_warehouse.execute("""
        SELECT payment_date, channel, currency, payments_started, payments_succeeded,
               payments_failed, success_rate, median_minutes_to_pay, p90_minutes_to_pay,
               captured_cents, refunded_cents
        FROM marts.fct_payments_by_channel""").fetchall()}
    assert rows == {
        # pA1, pB1, pF1 started; pA1 (4 min) and pF1 (10 min) paid, pB1 declined:
        # median 7, p90 4 + 0.9 * 6 = 9.4; captured 7000 + 1000
        (MON, "card"): (3, 2, 1, pytest.approx(2 / 3), 7.0, pytest.approx(9.4), 8000, 0),
        (MON, "wallet"): (1, 1, 0, 1.0, 0.0, 0.0, 3300, 3300),  # pB2, refunded by rB
        # pG1 paid (2 min); pE1 failed (then captured 2500); pD1 captured 800 for nothing;
        # rE gave 2500 back
        (TUE, "card"): (3, 1, 1, 0.5, 2.0, 2.0, 1200 + 2500 + 800, 2500),
        (TUE, "wallet"): (1, 1, 0, 1.0, 0.0, 0.0, 2500, 0),
        (TUE, "bank_transfer"): (1, 1, 0, 1.0, 360.0, 360.0, 1500, 0),
        # the after-sales refund of sA1: refunds only, no attempt settled, no rate
        (THU, "card"): (0, 0, 0, None, None, None, 0, 2200),
    }


def test_refunds_kinds_reasons_and_time_to_resolve(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT refund_key, refund_status, refund_kind, reason_code, channel, amount_cents,
               is_revenue_refund, refund_date, hours_to_resolve
        FROM marts.fct_refunds""")
    assert rows == {
        # the interception's refund: the cancellation already counts sB1 (and rB, delivered
        # twice and re-emitted once, is one refund)
        "rB:pB2": ("refunded", "interception", "intercepted", "wallet", 3300, False, MON,
                   None),
        # repays money that never counted in GMV, an hour after it fell due
        "rE:pE1": ("refunded", "owed_back", "captured_after_failure", "card", 2500, False, TUE,
                   1.0),
        # the return of a damaged unit: requested Wed 09:00, refunded Thu 09:00
        "rA:pA1": ("refunded", "after_sales", "damaged", "card", 2200, True, THU, 24.0),
        # still owed
        "owed:pD1": ("owed", "owed_back", "order_not_payable", "card", 800, False, TUE, None),
    }


def test_daily_kpis_gmv_versus_net_revenue(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT kpi_date, gmv_cents, refunded_cents, cancelled_after_payment_cents,
               net_revenue_cents, refunds_due, refunds_due_cents
        FROM marts.fct_daily_kpis""")
    # Monday: oA 7000 + oB 3300 + oF 1000 paid; sB1 (3300) cancelled after payment; its
    # refund is the cancellation, not a second deduction.
    assert rows[MON] == (11_300, 0, 3300, 8000, 0, 0)
    # Tuesday: oG 1200 + oC 1500 + oE 2500 paid; rE repays pE1, which never paid an order;
    # pE1 (2500) and pD1 (800) fell due.
    assert rows[TUE] == (5200, 0, 0, 5200, 2, 3300)
    # Thursday: only the after-sales refund of sA1
    assert rows[THU] == (0, 2200, 0, -2200, 0, 0)
    totals = flow_warehouse.execute(
        "SELECT sum(gmv_cents) - sum(refunded_cents) - sum(cancelled_after_payment_cents), "
        "sum(net_revenue_cents) FROM marts.fct_daily_kpis").fetchone()
    assert totals == (11_300 + 5200 - 3300 - 2200,) * 2


def test_after_sales_requests(flow_warehouse):
    rows = _rows(flow_warehouse, """
        SELECT request_id, request_type, reason_code, decision, resolution, request_status,
               refunded_cents, hours_to_decision, hours_to_resolve, order_paid_at
        FROM marts.fct_after_sales""")
    assert rows == {
        "asA1": ("return_refund", "damaged", "approve", "refunded", "closed", 2200, 2.0, 24.0,
                 at(MON, 9, 5)),
        "asF1": ("return_refund", "no_longer_needed", "reject", "rejected", "closed", 0, 2.0,
                 2.0, at(MON, 11, 10)),
    }
    # after-sales rate per paid orders: 2 requests over 6 paid orders (oA oB oF oG oC oE)
    requests, paid = flow_warehouse.execute(
        "SELECT (SELECT count(*) FROM marts.fct_after_sales), "
        "(SELECT count(*) FROM marts.fct_orders WHERE is_paid)").fetchone()
    assert (requests, paid) == (2, 6)


def test_reconciliation_keeps_the_latest_run_of_each_day(flow_warehouse):
    rows = flow_warehouse.execute("""
        SELECT reconciled_date, channel, mismatch_kind, transaction_kind, run_id, mismatches,
               ledger_amount_cents, statement_amount_cents, difference_cents
        FROM marts.fct_payment_reconciliation ORDER BY reconciled_date, channel""").fetchall()
    assert rows == [
        # Monday's re-run replaced the first run's "missing in statement" finding
        (MON, "card", "amount_differs", "captured", "run-mon-2", 1, 7000, 6900, 100),
        (TUE, "bank_transfer", "missing_in_ledger", "captured", "run-tue-1", 1, 0, 1500, 1500),
        (TUE, "card", "missing_in_statement", "refunded", "run-tue-1", 1, 2500, 0, 2500),
    ]


def test_staging_of_the_new_event_families(flow_warehouse):
    counts = dict(flow_warehouse.execute(
        "SELECT payment_event, count(*) FROM staging.stg_flywheel__payment_events GROUP BY 1"
    ).fetchall())
    # 9 attempts; pA1 authorized; 8 captures (pB1 never); 6 paid; pB1, pE1 failed;
    # pD1, pE1 owed back. The redelivered capture is one row.
    assert counts == {"started": 9, "authorized": 1, "captured": 8, "paid": 6, "failed": 2,
                      "refund_due": 2}
    balance = flow_warehouse.execute(
        "SELECT sum(signed_amount_cents), max_by(balance_after_cents, entry_id) "
        "FROM staging.stg_flywheel__wallet_entries WHERE user_id = 'u2'").fetchone()
    assert balance == (10_000 - 3300 + 3300 - 2500, 7500)
    lines = flow_warehouse.execute(
        "SELECT sum(quantity), sum(tax_cents) FROM staging.stg_flywheel__sub_order_lines "
        "WHERE sub_order_id = 'sB1'").fetchone()
    assert lines == (2, 300)
    tracking = flow_warehouse.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT is_applied) "
        "FROM staging.stg_flywheel__tracking_events").fetchone()
    assert tracking == (4 + 3 + 3, 3)  # accepted for each parcel; delivered, late scan for 3
    shipped = dict(flow_warehouse.execute(
        "SELECT sub_order_id, shipment_id FROM staging.stg_flywheel__shipment_sub_orders"
    ).fetchall())
    assert shipped == {"sA1": "shA1", "sA2": "shA2", "sF1": "shF1", "sC1": "shC1"}


def test_story_redelivers_and_re_emits(flow_warehouse):
    first, second = story_events()
    assert sum(e in first for e in second) == 2  # redelivered as they were
    raw = flow_warehouse.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    staged = flow_warehouse.execute(
        "SELECT count(*) FROM staging.stg_flywheel__events").fetchone()[0]
    assert (raw, staged) == (len(first) + len(second), len(first) + 2)
