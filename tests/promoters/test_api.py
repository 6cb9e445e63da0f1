"""The promoters' flows over HTTP: apply and decide, bind, commissions accrued on payment
at two levels, matured after the after-sales window, withdrawn through review and payout."""

from __future__ import annotations

from tests.api.payment_helpers import outbox_events
from tests.promoters.conftest import (
    buy,
    commissions,
    complete,
    consistent,
    later,
    product,
    promoter,
    run,
    shopper,
)

PRICE = 10_000


def test_commissions_from_payment_to_payout_at_two_levels(api, admin):
    settings = api.settings
    parent_c, parent = promoter(api, admin)
    child_c, child = promoter(api, admin, parent_code=parent["code"])
    assert child["parent_id"] == parent["id"]
    buyer = shopper(api)
    r = buyer.post("/v1/promoters/bind", json={"code": child["code"].lower()})
    assert r.status_code == 200 and r.json()["promoter_id"] == child["id"], r.text
    sku = product(admin, PRICE)["skus"][0]["id"]
    order = buy(buyer, sku, quantity=2)
    run(admin)

    level1 = 2 * PRICE * settings.promoters_default_level1_bp // 10_000
    level2 = 2 * PRICE * settings.promoters_default_level2_bp // 10_000
    mine = commissions(child_c)
    assert [(c["order_id"], c["level"], c["amount_cents"], c["state"])
            for c in mine["items"]] == [(order["id"], 1, level1, "pending")]
    assert mine["balances"]["pending_cents"] == level1
    theirs = commissions(parent_c)
    assert [(c["level"], c["amount_cents"]) for c in theirs["items"]] == [(2, level2)]
    me = child_c.get("/v1/promoters/me").json()
    assert (me["referrals"], me["orders"], me["team"]) == (1, 1, 0)
    assert child["code"] in me["links"]["register"]
    assert parent_c.get("/v1/promoters/me").json()["team"] == 1
    assert [m["promoter_id"] for m in parent_c.get("/v1/promoters/me/team").json()["items"]] \
        == [child["id"]]
    assert [r["buyer_id"] for r in child_c.get("/v1/promoters/me/referrals").json()["items"]] \
        == [buyer.get("/v1/me").json()["id"]]

    # not withdrawable before the order completes and its after-sales window passes
    assert child_c.post("/v1/promoters/me/withdrawals", json={"amount_cents": 100}) \
        .json()["error"]["code"] == "insufficient_balance"
    complete(admin, order["id"])
    run(admin)
    days = settings.promoters_after_sales_days
    assert run(admin, later(days - 1))["matured"] == 0
    assert run(admin, later(days + 1))["matured"] == 2
    balances = commissions(child_c, state="withdrawable")["balances"]
    assert (balances["pending_cents"], balances["withdrawable_cents"]) == (0, level1)

    r = child_c.post("/v1/promoters/me/withdrawals", json={"amount_cents": level1 - 100})
    assert r.status_code == 201, r.text
    first = r.json()
    r = child_c.post("/v1/promoters/me/withdrawals", json={"amount_cents": 101})
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_balance"
    second = child_c.post("/v1/promoters/me/withdrawals", json={"amount_cents": 100}).json()
    base = "/v1/admin/promoters/withdrawals"
    assert admin.post(f"{base}/{first['id']}/payout", json={"reference": "T-1"}) \
        .json()["error"]["code"] == "illegal_transition"  # not approved yet
    assert admin.post(f"{base}/{first['id']}/review", json={"decision": "approve"}) \
        .json()["status"] == "approved"
    paid = admin.post(f"{base}/{first['id']}/payout", json={"reference": "T-1"}).json()
    assert (paid["status"], paid["payout_reference"]) == ("paid", "T-1")
    assert admin.post(f"{base}/{first['id']}/payout", json={"reference": "T-2"}) \
        .status_code == 409
    assert admin.post(f"{base}/{second['id']}/review", json={"decision": "reject"}) \
        .json()["error"]["code"] == "reason_required"
    assert admin.post(f"{base}/{second['id']}/review",
                      json={"decision": "reject", "reason": "bank details wrong"}) \
        .json()["status"] == "rejected"
    balances = commissions(child_c)["balances"]
    assert balances == {"pending_cents": 0, "held_cents": 0, "withdrawable_cents": 100,
                        "requested_cents": 0, "paid_cents": level1 - 100}
    assert consistent(admin, child["id"]) and consistent(admin, parent["id"])
    kinds = {t: len(outbox_events(api, t)) for t in (
        "promoter_applied", "promoter_approved", "buyer_bound", "commission_accrued",
        "commission_matured", "withdrawal_requested", "withdrawal_approved",
        "withdrawal_rejected", "withdrawal_paid")}
    assert kinds == {"promoter_applied": 2, "promoter_approved": 2, "buyer_bound": 1,
                     "commission_accrued": 2, "commission_matured": 2,
                     "withdrawal_requested": 2, "withdrawal_approved": 1,
                     "withdrawal_rejected": 1, "withdrawal_paid": 1}


def test_applications_are_decided_once_and_rejections_need_a_reason(api, admin):
    c = shopper(api)
    assert c.get("/v1/promoters/me").json()["error"]["code"] == "not_a_promoter"
    r = c.post("/v1/promoters/applications", json={"parent_code": "NOSUCH22"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_referral_code"
    applied = c.post("/v1/promoters/applications", json={"pitch": "I blog"}).json()
    assert c.post("/v1/promoters/applications", json={}).json()["error"]["code"] \
        == "already_applied"
    decision = f"/v1/admin/promoters/{applied['id']}/decision"
    assert admin.post(decision, json={"decision": "reject"}).status_code == 422
    r = admin.post(decision, json={"decision": "reject", "reason": "no audience"})
    assert (r.json()["status"], r.json()["code"]) == ("rejected", None)
    assert admin.post(decision, json={"decision": "approve"}).status_code == 409
    assert c.post("/v1/promoters/me/withdrawals", json={"amount_cents": 500}) \
        .json()["error"]["code"] == "not_a_promoter"
    # a rejected applicant may apply again
    assert c.post("/v1/promoters/applications", json={}).json()["status"] == "applied"
    listed = admin.get("/v1/admin/promoters", params={"status": "applied"}).json()["items"]
    assert [p["id"] for p in listed] == [applied["id"]]
    assert len(outbox_events(api, "promoter_rejected")) == 1


def test_the_most_specific_rule_wins(api, admin):
    promo_c, promo = promoter(api, admin)
    cheap, dear = product(admin, 3_000), product(admin, 7_000)
    assert cheap["category_id"] == dear["category_id"]
    put = lambda **b: admin.put("/v1/admin/promoters/rules", json=b)  # noqa: E731
    assert put(scope_kind="merchant", scope_id="self-operated", level1_bp=300,
               level2_bp=0).status_code == 200
    assert put(scope_kind="category", scope_id=cheap["category_id"], level1_bp=1000,
               level2_bp=0).status_code == 200
    rule = put(scope_kind="product", scope_id=dear["id"], level1_bp=200, level2_bp=0).json()
    assert put(scope_kind="product", scope_id=dear["id"], level1_bp=20_000,
               level2_bp=0).status_code == 422
    buyer = shopper(api)
    buyer.post("/v1/promoters/bind", json={"code": promo["code"]})
    buy(buyer, cheap["skus"][0]["id"])
    buy(buyer, dear["skus"][0]["id"])
    run(admin)
    amounts = sorted(c["amount_cents"] for c in commissions(promo_c)["items"])
    assert amounts == sorted([3_000 * 1000 // 10_000, 7_000 * 200 // 10_000])
    assert admin.delete(f"/v1/admin/promoters/rules/{rule['id']}").status_code == 204
    assert len(admin.get("/v1/admin/promoters/rules").json()["items"]) == 2


def test_rereading_the_outbox_changes_nothing(api, admin):
    from sqlalchemy import update

    from transactional_api.promoters.models import Cursor, LedgerEntry

    promo_c, promo = promoter(api, admin)
    buyer = shopper(api)
    buyer.post("/v1/promoters/bind", json={"code": promo["code"]})
    buy(buyer, product(admin, 5_000)["skus"][0]["id"])
    assert run(admin)["applied"] == 1
    before = commissions(promo_c)
    with api.sessions() as s, s.begin():
        s.execute(update(Cursor).values(position=0))
    assert run(admin)["applied"] == 0
    assert commissions(promo_c) == before
    with api.sessions() as s:
        assert s.query(LedgerEntry).count() == 1
