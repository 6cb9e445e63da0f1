"""The credit marts built (DuckDB) from the events the live API wrote in the credit story
and its OLTP snapshot, checked against the OLTP's credit tables, orders and the story."""

from __future__ import annotations

import shutil
from datetime import timedelta

import duckdb
import pytest
from sqlalchemy import select

from tests.conftest import make_settings, run_api
from tests.credit import credit_story as story
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.credit.models import (
    CreditApplication,
    CreditInstallment,
    CreditLine,
    CreditPlan,
)
from transactional_api.orders.models import Order

MARTS = ("fct_credit_book", "fct_credit_lines", "fct_installment_uptake",
         "fct_installment_uptake_by_term", "fct_credit_funders", "fct_credit_conversion")


def _owed(i: CreditInstallment) -> int:
    return i.outstanding_cents


@pytest.fixture(scope="module")
def played(tmp_path_factory, redis_server):
    var = tmp_path_factory.mktemp("credit-story")
    settings = make_settings(var / "api", redis_server.url, **story.SETTINGS)
    server = run_api(settings)
    api = next(server)
    try:
        facts = story.play(api)
        events = story.records(api)
        with api.sessions() as s:
            oltp = {"plans": list(s.scalars(select(CreditPlan))),
                    "installments": list(s.scalars(select(CreditInstallment))),
                    "lines": list(s.scalars(select(CreditLine))),
                    "applications": list(s.scalars(select(CreditApplication))),
                    "paid_orders": [(o.id, o.total_cents, o.currency) for o in s.scalars(
                        select(Order).where(Order.paid_at.is_not(None)))],
                    "orders": list(s.scalars(select(Order)))}
            s.expunge_all()
    finally:
        server.close()
    oltp_file = var / "oltp-copy.sqlite3"
    shutil.copy(settings.resolved_database_url.removeprefix("sqlite:///"), oltp_file)
    return facts, events, oltp, oltp_file


def _build(played, tmp_path) -> dict:
    _, events, _, oltp_file = played
    settings = Settings(var_dir=tmp_path, warehouse="duckdb",
                        database_url=f"sqlite:///{tmp_path / 'oltp.sqlite3'}")
    story.prepare(oltp_file, events)(settings)
    engines.ingest(settings)
    path = engines.build(settings, "--select", *(f"+{m}" for m in MARTS), *engines.CAUTIOUS)
    out = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        for mart in MARTS:
            rel = conn.execute(f"select * from marts.{mart}")
            cols = [d[0] for d in rel.description]
            out[mart] = [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
    return out


@pytest.fixture(scope="module")
def marts(played, tmp_path_factory):
    return _build(played, tmp_path_factory.mktemp("credit-dbt"))


def test_the_book_agrees_with_the_oltp(played, marts):
    facts, _, oltp, _ = played
    plans, insts = oltp["plans"], oltp["installments"]
    [row] = marts["fct_credit_book"]  # every plan was created this month
    assert row["vintage_month"] == min(p.created_at for p in plans).date().replace(day=1)
    assert row["currency"] == "USD"
    assert row["plans"] == len(plans) == 3
    assert row["principal_cents"] == sum(p.principal_cents for p in plans) == 51_000
    assert row["interest_cents"] == sum(p.interest_cents for p in plans)
    assert row["fee_cents"] == sum(p.fee_cents for p in plans)
    assert row["repaid_cents"] == sum(i.paid_cents for i in insts) > 0
    assert row["outstanding_cents"] == sum(_owed(i) for i in insts) > 0
    billed = [i for i in insts if i.billed_at is not None]
    late = [i for i in billed if i.late_fee_periods > 0]
    assert row["bills_issued"] == len(billed)
    assert row["bills_overdue"] == len(late) >= 1
    assert row["overdue_rate"] == pytest.approx(len(late) / len(billed))
    assert row["late_fee_cents"] == sum(i.late_fee_cents for i in insts) > 0
    assert row["overdue_cents"] == sum(_owed(i) for i in late if i.status == "billed")
    last_day = facts["last_run"].date()
    lost = [i for i in late if i.status == "billed"
            and last_day - i.due_date > timedelta(days=90)]
    assert len(lost) == 1  # the late shopper's first bill, 95 days past due
    assert row["loss_cents"] == sum(_owed(i) for i in lost) > 0
    assert row["refunds"] == 1 and row["refunded_cents"] == 12_000
    assert row["cancelled_cents"] == sum(i.cancelled_cents for i in insts) > 0


def test_lines_end_on_the_oltp_limits_and_exposure(played, marts):
    _, _, oltp, _ = played
    rows = sorted(marts["fct_credit_lines"], key=lambda r: r["line_date"])
    last = rows[-1]
    assert last["lines"] == len(oltp["lines"]) == 3
    assert last["limit_cents"] == sum(line.limit_cents for line in oltp["lines"])
    assert last["used_cents"] == sum(line.used_cents for line in oltp["lines"]) > 0
    assert last["utilisation"] == pytest.approx(last["used_cents"] / last["limit_cents"])
    apps = oltp["applications"]
    assert sum(r["applications_approved"] for r in rows) == \
        sum(a.decision == "approved" for a in apps) == 3
    assert sum(r["applications_declined"] for r in rows) == 1
    # the orders, the repayment and the refund all happened on the first day (only the
    # billing runs were in the future): what was lent, less what came back that day
    first = rows[0]
    repaid = sum(i.paid_principal_cents for i in oltp["installments"])
    assert repaid == 10_000  # the first of three instalments of 30_000
    assert first["used_cents"] == 51_000 - 12_000 - repaid and first["lines"] == 3
    assert len({r["line_date"] for r in rows}) == len(rows)  # one row a day, no gaps
    assert (rows[-1]["line_date"] - rows[0]["line_date"]).days == len(rows) - 1


def test_uptake_counts_credit_orders_and_their_aov(played, marts):
    _, _, oltp, _ = played
    [row] = marts["fct_installment_uptake"]
    credit_orders = {p.order_id for p in oltp["plans"]}
    totals = {oid: total for oid, total, _ in oltp["paid_orders"]}
    credit = [totals[o] for o in credit_orders]
    other = [t for o, t in totals.items() if o not in credit_orders]
    assert (row["paid_orders"], row["credit_orders"], row["other_orders"]) == (5, 3, 2)
    assert row["credit_share"] == pytest.approx(3 / 5)
    assert row["credit_aov_cents"] == pytest.approx(sum(credit) / len(credit))
    assert row["other_aov_cents"] == pytest.approx(sum(other) / len(other))
    assert row["aov_lift"] == pytest.approx((sum(credit) / 3) / (sum(other) / 2) - 1)
    by_term = {r["term_months"]: r for r in marts["fct_installment_uptake_by_term"]}
    assert {t: r["credit_orders"] for t, r in by_term.items()} == {3: 2, 6: 1}
    assert by_term[6]["share_of_paid_orders"] == pytest.approx(1 / 5)


def test_funders_hold_what_was_assigned_repaid_and_overdue(played, marts):
    _, _, oltp, _ = played
    [row] = marts["fct_credit_funders"]
    funded = {p.id for p in oltp["plans"] if p.funder == "sandbox"}
    assert len(funded) == 3  # assigned at payment, the refunded one included
    insts = [i for i in oltp["installments"] if i.plan_id in funded]
    assert row["funder"] == "sandbox" and row["plans_assigned"] == 3
    assert row["assigned_cents"] == sum(p.principal_cents + p.interest_cents + p.fee_cents
                                        for p in oltp["plans"])
    assert row["repaid_cents"] == sum(i.paid_cents for i in insts)
    assert row["outstanding_cents"] == sum(_owed(i) for i in insts)
    late = [i for i in insts if i.status == "billed" and i.late_fee_periods > 0]
    assert row["bills_overdue"] == len(late) >= 1
    assert row["overdue_cents"] == sum(_owed(i) for i in late)


def test_conversion_compares_line_holders_with_the_other_shoppers(played, marts):
    _, _, oltp, _ = played
    [row] = marts["fct_credit_conversion"]
    approved = {a.user_id: a.created_at for a in oltp["applications"]
                if a.decision == "approved"}
    holders = [o for o in oltp["orders"]
               if o.user_id in approved and approved[o.user_id] <= o.created_at]
    others = [o for o in oltp["orders"] if o not in holders]
    assert (row["line_holder_orders"], row["other_orders"]) == (len(holders), len(others))
    assert (len(holders), len(others)) == (4, 3)  # each group has one unpaid order
    assert row["line_holder_paid_orders"] == sum(o.paid_at is not None for o in holders) == 3
    assert row["other_paid_orders"] == 2
    assert row["line_holder_conversion"] == pytest.approx(3 / 4)
    assert row["other_conversion"] == pytest.approx(2 / 3)
