"""Bills, repayments and refunds of credit orders through the live API: the issue's case
(a refund after two of three instalments are paid returns the overpayment to the cent),
early repayment, a repayment larger than owed, overdue bills, and the ledgers balancing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tests.credit.helpers import order_for, outbox_events, pay_credit, shopper
from tests.payments.helpers import refund
from transactional_api.credit import bills, lines
from transactional_api.credit.models import CreditInstallment, CreditLine, CreditRepayment


def _at(day: str | date, days: int = 0) -> datetime:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(d + timedelta(days=days), time(12), tzinfo=UTC)


def _bill(api, day, days: int = 0) -> dict:
    return bills.run(api.sessions, api.settings, now=_at(day, days))


def _billed(c) -> list[dict]:
    return c.get("/v1/credit/bills", params={"status": "billed"}).json()


def _ledgers_balance(api) -> None:
    with api.sessions() as s:
        for line in s.scalars(select(CreditLine)):
            assert lines.ledger_sum(s, line.id) == line.used_cents
        for row in s.scalars(select(CreditInstallment)):
            assert bills.ledger_sum(s, row.id) == (row.outstanding_cents if row.billed_at
                                                   else 0)


def _paid_plan(api, email: str, price: int, term: int = 3):
    c, uid, app = shopper(api, email)
    order = order_for(api, c, price, email)
    r = pay_credit(c, order, term=term)
    assert r.status_code == 201, r.text
    return c, uid, order, r.json()


def test_refund_after_two_of_three_instalments_returns_the_overpayment_exactly(api, admin):
    c, uid, order, paid = _paid_plan(api, "credit-refund@example.com", 30_000)
    quoted = paid["plan"]["installments"]
    for inst in quoted[:2]:
        assert _bill(api, inst["due_date"])["issued"] == 1
        [bill] = _billed(c)
        assert bill["outstanding_cents"] == inst["amount_cents"]
        r = c.post("/v1/credit/repayments", json={"bill_ids": [bill["id"]]})
        assert r.status_code == 201, r.text
    assert c.get("/v1/credit/line").json()["used_cents"] == quoted[2]["principal_cents"]
    r = refund(admin, paid["payment"]["id"], order["total_cents"], "credit-refund-1")
    assert r.status_code == 201, r.text
    [event] = [e for e in outbox_events(api, "installment_plan_refunded")
               if e["user_id"] == uid]
    overpaid = quoted[0]["amount_cents"] + quoted[1]["amount_cents"]
    assert event["payload"]["overpayment_cents"] == overpaid
    assert event["payload"]["cancelled_installments"] == 1
    assert event["payload"]["owed_after_cents"] == 0
    line = c.get("/v1/credit/line").json()
    assert (line["used_cents"], line["owed_cents"]) == (0, 0)
    [plan] = c.get("/v1/credit/plans").json()
    assert plan["status"] == "refunded"
    assert [i["status"] for i in plan["installments"]] == ["paid", "paid", "cancelled"]
    with api.sessions() as s:  # back through the channel it was repaid with
        reps = list(s.scalars(select(CreditRepayment).where(CreditRepayment.user_id == uid)))
        assert sum(r.returned_cents for r in reps) == overpaid
        assert {r.channel for r in reps} == {"sandbox"}
    # the same refund again changes nothing
    assert refund(admin, paid["payment"]["id"], order["total_cents"],
                  "credit-refund-1").status_code in (200, 201)
    assert len([e for e in outbox_events(api, "installment_plan_refunded")
                if e["user_id"] == uid]) == 1
    _ledgers_balance(api)


def test_a_partial_refund_respreads_what_is_still_owed(api, admin):
    c, uid, order, paid = _paid_plan(api, "credit-partial@example.com", 30_000)
    plan = paid["plan"]
    r = refund(admin, paid["payment"]["id"], 12_000, "credit-partial-1")
    assert r.status_code == 201, r.text
    left = order["total_cents"] - 12_000
    interest = (left * plan["interest_bps"] + 5000) // 10000
    line = c.get("/v1/credit/line").json()
    assert line["used_cents"] == left
    assert line["owed_cents"] == left + interest + plan["fee_cents"]
    [after] = c.get("/v1/credit/plans").json()
    live = [i for i in after["installments"] if i["status"] == "scheduled"]
    assert len(live) == 3 and sum(i["outstanding_cents"] for i in live) == line["owed_cents"]
    assert [i["due_date"] for i in live] == [i["due_date"] for i in plan["installments"]]
    _ledgers_balance(api)


def test_early_repayment_waives_future_interest_and_keeps_the_fee(api):
    c, uid, order, paid = _paid_plan(api, "credit-early@example.com", 30_000)
    quoted = paid["plan"]["installments"]
    _bill(api, quoted[0]["due_date"])
    [first] = _billed(c)
    too_much = c.post("/v1/credit/repayments", json={"all": True, "amount_cents": 10**9})
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "repayment_exceeds_owed"
    assert _billed(c) == [first]  # nothing billed early by the refused repayment
    r = c.post("/v1/credit/repayments", json={"all": True})
    assert r.status_code == 201, r.text
    expected = quoted[0]["amount_cents"] + sum(i["amount_cents"] - i["interest_cents"]
                                               for i in quoted[1:])
    assert r.json()["amount_cents"] == expected
    assert r.json()["line"]["used_cents"] == 0 and r.json()["line"]["owed_cents"] == 0
    [plan] = c.get("/v1/credit/plans").json()
    assert plan["status"] == "settled"
    [event] = [e for e in outbox_events(api, "credit_repayment_received")
               if e["user_id"] == uid]
    assert event["payload"]["waived_interest_cents"] == sum(i["interest_cents"]
                                                            for i in quoted[1:])
    assert event["payload"]["fee_cents"] == paid["plan"]["fee_cents"]
    nothing = c.post("/v1/credit/repayments", json={"all": True})
    assert nothing.status_code == 422 and nothing.json()["error"]["code"] == "nothing_owed"
    _ledgers_balance(api)


def test_a_repayment_larger_than_a_bill_is_refused_and_changes_nothing(api):
    c, uid, order, paid = _paid_plan(api, "credit-over@example.com", 9_000)
    _bill(api, paid["plan"]["installments"][0]["due_date"])
    [bill] = _billed(c)
    r = c.post("/v1/credit/repayments", json={"bill_ids": [bill["id"]],
                                              "amount_cents": bill["outstanding_cents"] + 1})
    assert r.status_code == 422 and r.json()["error"]["code"] == "repayment_exceeds_owed"
    assert _billed(c) == [bill]
    assert c.get("/v1/credit/line").json()["used_cents"] == order["total_cents"]
    stranger, _, _ = shopper(api, "credit-stranger@example.com")
    r = stranger.post("/v1/credit/repayments", json={"bill_ids": [bill["id"]]})
    assert r.status_code == 404
    # part of a bill is fine: late fee, fee, interest first, then principal
    r = c.post("/v1/credit/repayments", json={"bill_ids": [bill["id"]], "amount_cents": 100})
    assert r.status_code == 201 and _billed(c)[0]["outstanding_cents"] == \
        bill["outstanding_cents"] - 100
    _ledgers_balance(api)


def test_an_overdue_bill_charges_a_late_fee_once_per_period_and_stops_spending(api):
    c, uid, order, paid = _paid_plan(api, "credit-late@example.com", 9_000)
    due = paid["plan"]["installments"][0]["due_date"]
    _bill(api, due)
    grace, fee = api.settings.credit_grace_days, api.settings.credit_late_fee_cents
    assert _bill(api, due, grace)["overdue"] == 0  # still within grace
    assert _bill(api, due, grace + 1)["overdue"] == 1
    assert _bill(api, due, grace + 2)["overdue"] == 0  # same period: no second fee
    [bill] = _billed(c)
    assert bill["late_fee_cents"] == fee
    line = c.get("/v1/credit/line").json()
    assert line["status"] == "overdue"
    other = order_for(api, c, 2_000, "CR-LATE-2")
    offer = c.get("/v1/credit/offers", params={"order_id": other["id"]}).json()
    assert not offer["eligible"] and "credit_line_overdue" in offer["reasons"]
    assert pay_credit(c, other).status_code == 422
    [late] = [e for e in outbox_events(api, "credit_bill_overdue") if e["user_id"] == uid]
    assert late["payload"]["score_penalty"] == api.settings.credit_overdue_score_penalty
    assert late["payload"]["late_fee_cents"] == fee
    r = c.post("/v1/credit/repayments", json={"bill_ids": [bill["id"]]})
    assert r.status_code == 201 and r.json()["amount_cents"] == bill["outstanding_cents"]
    assert r.json()["line"]["status"] == "active"
    _ledgers_balance(api)
