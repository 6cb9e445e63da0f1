"""Receivables assigned to a funder: at payment (the plan's principal + interest + fee,
once, with the funder's reference), not before the order completes when settings say so,
and never without a funder configured."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings, run_api
from tests.credit.helpers import order_for, outbox_events, pay_credit, shopper
from transactional_api.credit import jobs


def _api(tmp_path, redis_server, **overrides):
    return run_api(make_settings(tmp_path / "var", redis_server.url,
                                 credit_billing_interval_seconds=0, **overrides))


@pytest.fixture
def at_payment(tmp_path, redis_server):
    yield from _api(tmp_path, redis_server, credit_funder="sandbox", credit_assign_at="payment")


@pytest.fixture
def at_completion(tmp_path, redis_server):
    yield from _api(tmp_path, redis_server, credit_funder="sandbox",
                    credit_assign_at="completion")


def _pay(api, email: str) -> tuple:
    c, uid, _ = shopper(api, email)
    r = pay_credit(c, order_for(api, c, 24_000, email), term=6)
    assert r.status_code == 201, r.text
    return c, uid, r.json()["plan"]


def test_a_receivable_is_assigned_once_at_payment(at_payment):
    api = at_payment
    c, uid, plan = _pay(api, "fund-payment@example.com")
    assert plan["funder"] == "sandbox"
    [event] = [e for e in outbox_events(api, "credit_receivable_assigned")
               if e["user_id"] == uid]
    p = event["payload"]
    assert p["plan_id"] == plan["id"] and p["funder"] == "sandbox"
    assert p["receivable_cents"] == plan["principal_cents"] + plan["interest_cents"] + \
        plan["fee_cents"] > plan["principal_cents"]
    assert p["currency"] == plan["currency"] and p["trigger"] == "payment"
    assert p["funder_reference"]
    assert jobs.nightly(api.sessions, api.settings)["assigned"] == 0  # never twice
    assert len([e for e in outbox_events(api, "credit_receivable_assigned")
                if e["user_id"] == uid]) == 1
    [listed] = c.get("/v1/credit/plans").json()
    assert listed["funder"] == "sandbox"


def test_at_completion_nothing_is_assigned_before_the_order_completes(at_completion):
    api = at_completion
    c, uid, plan = _pay(api, "fund-completion@example.com")
    assert plan["funder"] is None
    assert jobs.nightly(api.sessions, api.settings)["assigned"] == 0
    assert c.get("/v1/credit/plans").json()[0]["funder"] is None
    assert outbox_events(api, "credit_receivable_assigned") == []


def test_without_a_funder_plans_stay_on_the_own_book(api):
    c, uid, plan = _pay(api, "fund-none@example.com")
    assert plan["funder"] is None
    assert jobs.nightly(api.sessions, api.settings)["assigned"] == 0
    assert outbox_events(api, "credit_receivable_assigned") == []
