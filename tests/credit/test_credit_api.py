"""Credit through the live API: applying (approve / decline, explained and recorded), the
revolving limit, offers and the quote, paying with credit, and the unhappy paths."""

from __future__ import annotations

from tests.conftest import register
from tests.credit.helpers import FACTS, order_for, outbox_events, pay_credit, shopper


def test_an_approval_is_explained_recorded_and_opens_one_line(api):
    c, uid, app = shopper(api, "credit-approve@example.com", score=800)
    assert app["decision"] == "approved" and app["model"] == "gbm_v1"
    caps = api.settings.credit_income_band_caps
    # score 800 of the band's cap, halved for an account younger than 30 days
    assert app["limit_cents"] == caps["3000_5999"] * 800 // 1000 // 2
    names = {f["name"] for f in app["factors"]}
    assert {"credit_score", "account_age", "income_band", "orders_completed"} <= names
    line = c.get("/v1/credit/line").json()
    assert (line["limit_cents"], line["used_cents"], line["available_cents"]) == (
        app["limit_cents"], 0, app["limit_cents"])
    again = c.post("/v1/credit/applications", json=FACTS)
    assert again.status_code == 409 and again.json()["error"]["code"] == "credit_line_exists"
    [decided] = [e for e in outbox_events(api, "credit_application_decided")
                 if e["user_id"] == uid]
    assert decided["payload"]["decision"] == "approved"
    assert decided["payload"]["line_id"] == line["id"]


def test_a_low_score_or_a_risk_block_declines_with_a_reason(api):
    c, uid, app = shopper(api, "credit-low@example.com", score=100)
    assert app["decision"] == "declined" and app["reason_code"] == "score_too_low"
    assert app["limit_cents"] == 0 and app["factors"][0]["effect"] == "decisive"
    assert c.get("/v1/credit/line").status_code == 404
    from transactional_api.risk import keys
    c2 = api.client(register(api, "credit-risky@example.com"))
    uid2 = c2.get("/v1/me").json()["id"]
    api.app.state.redis.hset(keys.user_score(uid2), "score", 99)
    r = c2.post("/v1/credit/applications", json=FACTS).json()
    assert (r["decision"], r["reason_code"]) == ("declined", "risk_blocked")
    bad = c2.post("/v1/credit/applications", json={**FACTS, "income_band": "lots"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_income_band"


def test_without_a_published_score_the_rules_alone_decide(api):
    c, _, app = shopper(api, "credit-rules@example.com", score=None,
                        facts={**FACTS, "income_band": "under_1000"})
    assert app["decision"] == "approved" and app["model"] == "rules_only"
    # the band's cap is below the rules-only limit; a young account gets half of it
    assert app["limit_cents"] == min(api.settings.credit_income_band_caps["under_1000"],
                                     api.settings.credit_rules_only_limit_cents) // 2


def test_offers_quote_every_instalment_to_the_cent(api):
    c, _, app = shopper(api, "credit-offer@example.com")
    order = order_for(api, c, 10_001, "CR-OFFER")
    offer = c.get("/v1/credit/offers", params={"order_id": order["id"]}).json()
    assert offer["eligible"] and offer["amount_cents"] == order["total_cents"]
    assert [p["term_months"] for p in offer["plans"]] == [3, 6, 12]
    for plan in offer["plans"]:
        amounts = [i["amount_cents"] for i in plan["installments"]]
        assert len(amounts) == plan["term_months"]
        assert sum(amounts) == plan["total_cents"] == (
            order["total_cents"] + plan["interest_cents"] + plan["fee_cents"])
        assert min(amounts) >= 0 and amounts[-1] >= amounts[0]  # remainder on the last
        assert plan["interest_cents"] == (order["total_cents"] * plan["interest_bps"]
                                          + 5000) // 10000
    dates = [i["due_date"] for i in offer["plans"][0]["installments"]]
    assert dates == sorted(dates) and len(set(dates)) == 3
    big = c.get("/v1/credit/offers", params={"amount_cents": app["limit_cents"] + 1,
                                             "currency": "USD"}).json()
    assert not big["eligible"] and "credit_limit_exceeded" in big["reasons"]
    none = api.client(register(api, "credit-nolines@example.com"))
    assert none.get("/v1/credit/offers", params={"amount_cents": 5000}).json()[
        "reasons"] == ["no_credit_line"]


def test_paying_with_credit_uses_the_limit_and_the_order_goes_on(api, admin):
    c, uid, app = shopper(api, "credit-pay@example.com")
    order = order_for(api, c, 40_000, "CR-PAY")
    r = pay_credit(c, order, term=3)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["payment"]["status"] == "succeeded" and body["payment"]["channel"] == "credit"
    assert body["plan"]["principal_cents"] == order["total_cents"]
    assert len(body["plan"]["installments"]) == 3
    line = c.get("/v1/credit/line").json()
    assert line["used_cents"] == order["total_cents"]
    assert line["available_cents"] == app["limit_cents"] - order["total_cents"]
    assert line["owed_cents"] == (order["total_cents"] + body["plan"]["interest_cents"]
                                  + body["plan"]["fee_cents"])
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    [created] = [e for e in outbox_events(api, "installment_plan_created")
                 if e["user_id"] == uid]
    assert created["payload"]["total_cents"] == line["owed_cents"]
    # a second order over what is left is refused and changes nothing
    over = order_for(api, c, line["available_cents"] + 1, "CR-OVER")
    r = pay_credit(c, over)
    assert r.status_code == 422 and r.json()["error"]["code"] == "channel_not_offered"
    assert c.get("/v1/credit/line").json()["used_cents"] == order["total_cents"]
    assert c.get(f"/v1/orders/{over['id']}").json()["status"] == "pending_payment"
    # a term that is not offered, and the generic payment route without a term
    small = order_for(api, c, 5_000, "CR-TERM")
    r = pay_credit(c, small, term=5)
    assert r.status_code == 422 and r.json()["error"]["code"] == "credit_term_not_offered"
    r = c.post(f"/v1/orders/{small['id']}/payments", json={"channel": "credit"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "credit_term_required"
    assert c.get("/v1/credit/line").json()["used_cents"] == order["total_cents"]


def test_without_a_line_credit_is_not_offered(api):
    c = api.client(register(api, "credit-none@example.com"))
    order = order_for(api, c, 5_000, "CR-NONE")
    r = pay_credit(c, order)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["reason"] == "no_credit_line"
    opts = c.get(f"/v1/orders/{order['id']}/payment-options").json()
    assert {u["channel"]: u["reason"] for u in opts["unavailable"]}["credit"] == \
        "no_credit_line"
