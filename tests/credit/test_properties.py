"""Property tests. The schedule: instalments sum exactly to principal + interest + fee,
none negative, the remainder on the last. And for any sequence of credit purchases,
billing days, repayments (of bills, partial, or everything early) and refunds, the
shopper never pays more than the principal still owed plus the disclosed interest and
fees plus the late fees incurred, and every cent is accounted for: the limit ledger equals
used, each bill ledger equals what the bill still owes, and money in equals bill
repayments while money back equals the returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import transaction
from transactional_api.core.errors import DomainError
from transactional_api.credit import bills, lines, plans, repayments
from transactional_api.credit import schedule as sched
from transactional_api.credit.models import (
    CreditApplication,
    CreditBillEntry,
    CreditInstallment,
    CreditLine,
    CreditPlan,
    CreditRepayment,
    CreditReturn,
)
from transactional_api.migrations import upgrade


@given(principal=st.integers(1, 10**10), term=st.integers(1, 36),
       bps=st.integers(0, 5_000), fee=st.integers(0, 10**6),
       start=st.dates(date(2020, 1, 1), date(2035, 12, 31)))
def test_a_schedule_adds_up_to_the_cent(principal, term, bps, fee, start):
    q = sched.quote(principal_cents=principal, term_months=term, interest_bps=bps,
                    fee_cents=fee, start=start)
    amounts = [i.amount_cents for i in q.installments]
    assert len(amounts) == term
    assert sum(amounts) == principal + q.interest_cents + fee == q.total_cents
    assert min(amounts) >= 0
    assert all(a == amounts[0] or i == term - 1 for i, a in enumerate(amounts))
    assert sum(i.principal_cents for i in q.installments) == principal
    assert q.interest_cents == round(principal * bps / 10_000 + 1e-9) or \
        abs(q.interest_cents - principal * bps / 10_000) <= 0.5
    dates = [i.due_date for i in q.installments]
    assert dates == sorted(dates) and len(set(dates)) == term and dates[0] > start


NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
LIMIT = 500_000
CONFIG = Settings(credit_billing_interval_seconds=0)

op = st.one_of(
    st.tuples(st.just("buy"), st.integers(1_000, 200_000), st.sampled_from([3, 6, 12])),
    st.tuples(st.just("days"), st.integers(1, 70)),
    st.tuples(st.just("repay"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("repay_all"), st.booleans()),
    st.tuples(st.just("refund"), st.integers(0, 5), st.integers(1, 200_000)),
)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('credit')}/oltp.sqlite3"
    upgrade(url)
    sessions = sessionmaker(create_engine(url), expire_on_commit=False)
    return sessions


def _new_line(sessions, n: int) -> str:
    uid = f"user-prop-{n}"
    with transaction(sessions) as s:
        from transactional_api.accounts.models import User
        s.add(User(id=uid, email=f"{uid}@example.com", password_hash="x", role="customer",
                   created_at=NOW))
        s.flush()
        app = CreditApplication(user_id=uid, decision="approved", limit_cents=LIMIT,
                                currency="USD", model="test", income_band="6000_plus",
                                employment_status="employed", purpose="x", factors=[],
                                created_at=NOW)
        s.add(app)
        s.flush()
        s.add(CreditLine(id=f"line-{n}", user_id=uid, application_id=app.id, status="active",
                         limit_cents=LIMIT, used_cents=0, currency="USD", created_at=NOW,
                         updated_at=NOW))
    return uid


_counter = iter(range(10**9))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=25))
def test_the_shopper_never_pays_more_than_disclosed_and_every_cent_is_accounted(db, ops):
    n = next(_counter)
    uid = _new_line(db, n)
    now = NOW
    plan_ids: list[str] = []
    for step in ops:
        try:
            with transaction(db) as s:
                if step[0] == "buy":
                    line = lines.line_of(s, uid, lock=True)
                    plan = plans.create(session=s, settings=CONFIG, line=line,
                                        order_id=f"o-{n}-{len(plan_ids)}",
                                        payment_id=f"p-{n}-{len(plan_ids)}",
                                        amount_cents=step[1], currency="USD",
                                        term_months=step[2], at=now)
                    plan_ids.append(plan.id)
                elif step[0] == "repay":
                    open_bills = list(s.scalars(select(CreditInstallment).where(
                        CreditInstallment.user_id == uid, CreditInstallment.status == "billed")
                        .order_by(CreditInstallment.due_date, CreditInstallment.seq)))
                    if not open_bills:
                        continue
                    chosen = open_bills[step[1] % len(open_bills)]
                    owed = chosen.outstanding_cents
                    amount = None if step[2] == 0 else max(1, owed // (step[2] + 1))
                    repayments.repay(session=s, settings=CONFIG, user_id=uid,
                                     bill_ids=[chosen.id], everything=False,
                                     amount_cents=amount, channel="sandbox",
                                     idempotency_key=None, at=now)
                elif step[0] == "repay_all":
                    repayments.repay(session=s, settings=CONFIG, user_id=uid, bill_ids=None,
                                     everything=True, amount_cents=None, channel="sandbox",
                                     idempotency_key=None, at=now)
                elif step[0] == "refund" and plan_ids:
                    plan = s.get(CreditPlan, plan_ids[step[1] % len(plan_ids)])
                    amount = min(step[2], plan.principal_cents - plan.refunded_cents)
                    if amount > 0:
                        plans.refund(session=s, settings=CONFIG, payment_id=plan.payment_id,
                                     refund_id=f"r-{n}-{next(_counter)}",
                                     amount_cents=amount, at=now)
        except DomainError:
            pass  # refused steps (over the limit, line overdue, nothing owed) change nothing
        if step[0] == "days":
            now += timedelta(days=step[1])
            bills.run(db, CONFIG, now=now)
    _check(db, uid)


def _check(sessions, uid: str) -> None:
    with sessions() as s:
        line = s.scalar(select(CreditLine).where(CreditLine.user_id == uid))
        the_plans = list(s.scalars(select(CreditPlan).where(CreditPlan.user_id == uid)))
        rows = list(s.scalars(select(CreditInstallment).where(
            CreditInstallment.user_id == uid)))
        reps = list(s.scalars(select(CreditRepayment).where(CreditRepayment.user_id == uid)))
        paid_in = sum(r.amount_cents for r in reps)
        paid_back = sum(r.returned_cents for r in reps)
        # the limit: used within the limit, equal to its ledger and to the plans' principal
        assert 0 <= line.used_cents <= line.limit_cents
        assert lines.ledger_sum(s, line.id) == line.used_cents == sum(
            p.principal_outstanding_cents for p in the_plans)
        # every bill's ledger equals what it still owes
        for r in rows:
            assert bills.ledger_sum(s, r.id) == (r.outstanding_cents if r.billed_at else 0)
            assert r.outstanding_cents >= 0
        # money in is what the bills record as repaid; money back is what the returns record
        bill_ids = [r.id for r in rows] or ["-"]
        repaid = -int(s.scalar(select(func.coalesce(func.sum(CreditBillEntry.amount_cents), 0))
                               .where(CreditBillEntry.bill_id.in_(bill_ids),
                                      CreditBillEntry.kind == "repayment")))
        assert repaid == paid_in == sum(r.paid_cents for r in rows)
        returned = int(s.scalar(select(func.coalesce(func.sum(CreditReturn.amount_cents), 0))
                                .where(CreditReturn.plan_id.in_([p.id for p in the_plans]
                                                                or ["-"]))))
        assert returned == paid_back
        # never more than the principal still owed + the disclosed interest and fee (as
        # recomputed for the refunded-down principal) + the late fees incurred
        ceiling = 0
        for p in the_plans:
            owe = sched.owed_after_refund(principal_cents=p.principal_cents,
                                          refund_cents=p.refunded_cents,
                                          interest_bps=p.interest_bps, fee_cents=p.fee_cents)
            assert owe[1] <= p.interest_cents
            late = sum(r.late_fee_cents for r in rows if r.plan_id == p.id)
            ceiling += sum(owe) + late
            net = sum(r.paid_cents for r in rows if r.plan_id == p.id) - \
                repayments.returned_for_plan(s, p.id)
            assert 0 <= net <= sum(owe) + late
            if p.status in ("settled", "refunded"):
                assert p.principal_outstanding_cents == 0
        assert paid_in - paid_back <= ceiling
