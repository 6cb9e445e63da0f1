"""Claiming, granting and single-use codes into the wallet: happy paths and every refusal
(claim window, sold out, per-user limit, new users only, code reused, expired), validity
fixed vs days after the claim on the simulated clock, the wallet's expired marking, the
risk gate, and the coupon_claimed events."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.pricing.coupon_helpers import (
    T0,
    at,
    claim,
    error,
    events,
    paid_order,
    shopper,
    start_api,
    template,
)
from transactional_api.risk.limits import Limit


@pytest.fixture
def api(tmp_path, redis_server):
    """Quiet risk rules and the simulated clock (coupon_helpers.start_api)."""
    yield from start_api(tmp_path, redis_server.url)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _wallet(client, when=T0, **params) -> list[dict]:
    r = client.get("/v1/me/coupons", params=params, headers=at(when))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_claim_valid_days_after_the_claim_then_expired_on_read(api, admin):
    t = template(admin, valid_days=3, campaign="spring")
    c, uid = shopper(api)
    r = claim(c, t["id"], T0)
    assert r.status_code == 201, r.text
    coupon = r.json()
    assert (coupon["status"], coupon["channel"], coupon["template_id"]) == (
        "available", "claim", t["id"])
    assert (_dt(coupon["valid_from"]), _dt(coupon["valid_until"])) == (T0, T0 + timedelta(3))
    [claimed] = [e for e in events(api, "coupon_claimed")
                 if e["payload"]["coupon_id"] == coupon["id"]]
    assert (claimed["user_id"], claimed["payload"]["campaign"], claimed["payload"]["channel"]
            ) == (uid, "spring", "claim")
    assert [x["status"] for x in _wallet(c, T0 + timedelta(days=2))] == ["available"]
    later = T0 + timedelta(days=3, seconds=1)
    assert [x["status"] for x in _wallet(c, later)] == ["expired"]
    assert _wallet(c, later, status="available") == []


def test_fixed_validity_is_the_templates_and_an_ended_validity_refuses(api, admin):
    until = T0 + timedelta(days=10)
    t = template(admin, valid_days=None, valid_from=(T0 - timedelta(days=1)).isoformat(),
                 valid_until=until.isoformat())
    c, _ = shopper(api)
    coupon = claim(c, t["id"], T0 + timedelta(days=5)).json()
    assert (_dt(coupon["valid_from"]), _dt(coupon["valid_until"])) == (
        T0 - timedelta(days=1), until)
    late, _ = shopper(api)
    assert error(claim(late, t["id"], until)) == (409, "coupon_expired")


def test_claim_window_and_the_public_listing(api, admin):
    t = template(admin, claim_starts_at=(T0 + timedelta(hours=1)).isoformat(),
                 claim_ends_at=(T0 + timedelta(hours=2)).isoformat())
    hidden = template(admin, claimable=False)
    c, _ = shopper(api)

    def listed(when):
        return {x["id"] for x in c.get("/v1/coupons/templates", headers=at(when)).json()[
            "items"]}

    assert t["id"] not in listed(T0) and hidden["id"] not in listed(T0)
    assert t["id"] in listed(T0 + timedelta(minutes=90))
    assert error(claim(c, t["id"], T0)) == (409, "claim_window_closed")
    assert error(claim(c, t["id"], T0 + timedelta(hours=2))) == (409, "claim_window_closed")
    assert claim(c, t["id"], T0 + timedelta(minutes=90)).status_code == 201
    assert error(claim(c, hidden["id"], T0)) == (404, "not_found")
    draft = template(admin, activate=False)
    assert error(claim(c, draft["id"], T0)) == (409, "coupon_not_active")


def test_total_and_per_user_limits(api, admin):
    t = template(admin, total_limit=3, per_user_limit=2)
    (a, _), (b, _) = shopper(api), shopper(api)
    assert [claim(a, t["id"], T0).status_code for _ in range(2)] == [201, 201]
    assert error(claim(a, t["id"], T0)) == (409, "coupon_limit_reached")
    assert claim(b, t["id"], T0).status_code == 201
    assert error(claim(b, t["id"], T0)) == (409, "coupon_sold_out")
    got = admin.get(f"/v1/admin/coupon-templates/{t['id']}").json()
    assert got["issued_count"] == 3
    assert len(_wallet(a)) == 2 and len(_wallet(b)) == 1
    assert t["id"] not in {x["id"] for x in a.get("/v1/coupons/templates",
                                                  headers=at(T0)).json()["items"]}


def test_new_user_coupons_refuse_shoppers_with_a_paid_order(api, admin):
    t = template(admin, kind="new_user")
    veteran, vid = shopper(api)
    paid_order(api, vid)
    assert error(claim(veteran, t["id"], T0)) == (409, "coupon_new_users_only")
    newcomer, _ = shopper(api)
    coupon = claim(newcomer, t["id"], T0).json()
    assert coupon["value_cents"] == 700


def test_random_amounts_are_drawn_within_the_range_at_claim(api, admin):
    t = template(admin, kind="random_amount", per_user_limit=30,
                 params={"min_cents": 100, "max_cents": 104})
    c, _ = shopper(api)
    values = [claim(c, t["id"], T0).json()["value_cents"] for _ in range(30)]
    assert set(values) <= set(range(100, 105))
    assert len(set(values)) > 1  # 30 draws from 5 values are never all alike (p = 5^-29)
    claimed = {e["payload"]["coupon_id"]: e["payload"]["value_cents"]
               for e in events(api, "coupon_claimed")}
    assert sorted(claimed.values()) == sorted(values)


def test_grant_to_users_and_to_an_audience_counts_the_skipped(api, admin):
    t = template(admin, total_limit=3, claimable=False)
    users = [shopper(api) for _ in range(3)]
    ids = [u for _, u in users]
    url = f"/v1/admin/coupon-templates/{t['id']}/grant"
    r = admin.post(url, json={"user_ids": [ids[0], ids[0], "no-such-user", ids[1]]},
                   headers=at(T0))
    assert r.json() == {"granted": 2, "skipped": 1,
                        "skipped_by_reason": {"user_not_found": 1}}
    r = admin.post(url, json={"user_ids": ids}, headers=at(T0))
    assert r.json() == {"granted": 1, "skipped": 2,
                        "skipped_by_reason": {"coupon_limit_reached": 2}}
    r = admin.post(url, json={"user_ids": [shopper(api)[1]]}, headers=at(T0))
    assert r.json()["skipped_by_reason"] == {"coupon_sold_out": 1}
    assert {e["payload"]["channel"] for e in events(api, "coupon_claimed")} == {"grant"}
    assert error(admin.post(url, json={})) == (422, "invalid_grant")

    # by audience: everyone carrying a manual tag
    tag = f"coupon_vip_{t['id'][:6]}"
    admin.post("/v1/admin/tags", json={"name": tag})
    admin.post(f"/v1/admin/tags/{tag}/transitions", json={"action": "activate"})
    for uid in ids[:2]:
        assert admin.put(f"/v1/admin/users/{uid}/tags/{tag}", json={}).status_code < 300
    audience = admin.post("/v1/admin/audiences", json={"name": f"a-{tag}",
                                                       "rule": {"tag": tag}}).json()
    second = template(admin, claimable=False)
    r = admin.post(f"/v1/admin/coupon-templates/{second['id']}/grant",
                   json={"audience_id": audience["id"]}, headers=at(T0))
    assert r.json()["granted"] == 2, r.text
    assert [x["template_id"] for x in _wallet(users[2][0])] == [t["id"]]


def test_single_use_codes(api, admin):
    t = template(admin, claimable=False, per_user_limit=1)
    r = admin.post(f"/v1/admin/coupon-templates/{t['id']}/codes", json={"count": 3})
    assert r.status_code == 201, r.text
    batch, codes = r.json()["batch_id"], r.json()["codes"]
    assert len(set(codes)) == 3 and all(len(x.replace("-", "")) == 16 for x in codes)
    (a, aid), (b, bid) = shopper(api), shopper(api)

    def redeem(client, code):
        return client.post("/v1/me/coupons/redeem-code", json={"code": code}, headers=at(T0))

    r = redeem(a, codes[0].lower())  # case and dashes do not matter
    assert (r.status_code, r.json()["channel"]) == (201, "code")
    assert error(redeem(b, codes[0])) == (409, "coupon_code_used")
    assert error(redeem(b, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")) == (404, "coupon_code_not_found")
    # a refused issue leaves the code unused: a's limit is reached, b may still use it
    assert error(redeem(a, codes[1])) == (409, "coupon_limit_reached")
    assert redeem(b, codes[1]).status_code == 201
    page = admin.get(f"/v1/admin/coupon-templates/{t['id']}/codes/{batch}").json()
    assert (page["total"], page["used"]) == (3, 2)
    assert sorted(x["used_by"] for x in page["items"] if x["used_by"]) == sorted([aid, bid])
    assert {x["hint"] for x in page["items"]} == {c[-4:] for c in codes}
    assert "codes" not in page and not any("code" in x for x in page["items"])


def test_risk_blocks_and_challenges_claims(tmp_path, redis_server):
    gen = start_api(tmp_path, redis_server.url,
                    per_user_hour=Limit(challenge_at=2, block_at=3))
    live = next(gen)
    try:
        with live.client(live.admin_token()) as admin:
            t = template(admin, per_user_limit=10)
        c, uid = shopper(live)
        assert claim(c, t["id"], T0).status_code == 201
        assert error(claim(c, t["id"], T0)) == (401, "challenge_required")
        assert error(claim(c, t["id"], T0)) == (403, "risk_blocked")
        assert len(_wallet(c)) == 1
        decisions = [e["payload"]["outcome"] for e in events(live, "risk_decision_made")
                     if e["user_id"] == uid]
        assert sorted(decisions) == ["block", "challenge"]
    finally:
        next(gen, None)
