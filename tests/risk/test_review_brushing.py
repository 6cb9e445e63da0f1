"""Review brushing under the rules: reviews per user and per device in an hour, and the
distinct reviewers of one merchant behind one device. A block refuses the review and
writes nothing of it but its decision; a challenge lets it in pending, flagged to the
moderators (and only to them)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import register
from tests.reviews.helpers import buy, review, review_rows, shop, sku_id
from tests.risk.conftest import decisions, device, events
from transactional_api.risk.limits import Limit, RiskLimits
from transactional_api.risk.rules import Signals, judge

SHIPPED = RiskLimits()
REVIEW_DEFAULTS = {k: getattr(SHIPPED, k) for k in
                   ("reviews_per_user_hour", "reviews_per_device_hour",
                    "users_per_merchant_device")}


@pytest.fixture
def admin():
    clients = []

    def open_for(api):
        c = api.client(api.admin_token())
        clients.append(c)
        return c

    yield open_for
    for c in clients:
        c.close()


def _buyer(api, admin, skus, **headers):
    c = api.client(register(api, f"rb-{uuid.uuid4().hex[:10]}@example.com"), **headers)
    return c, buy(api, c, admin, skus)


def _queue(admin) -> dict[str, dict]:
    r = admin.get("/v1/admin/reviews", params={"status": "pending", "limit": 100})
    assert r.status_code == 200, r.text
    return {item["id"]: item for item in r.json()["items"]}


def test_review_limits_are_their_own_not_the_shopping_ones():
    # 25 reviews an hour: past the review challenge (20), far below the order one (60)
    assert judge("review", Signals(velocity={"user": 25}), SHIPPED).outcome == "challenge"
    assert judge("place_order", Signals(velocity={"user": 25}), SHIPPED).outcome == "allow"
    d = judge("review", Signals(distinct={"merchant_device": 10}), SHIPPED)
    assert (d.outcome, d.reasons) == ("block", ("users_per_merchant_device",))
    # a household sharing a device, a big order reviewed in one go: allowed
    assert judge("review", Signals(velocity={"user": 8, "device": 12},
                                   distinct={"merchant_device": 3}), SHIPPED).allowed


def test_a_normal_reviewer_is_allowed_under_the_shipped_limits(risk_api, admin):
    api = risk_api(**REVIEW_DEFAULTS)
    a = admin(api)
    goods = shop(a, "Lamp", "Desk")
    skus = [sku_id(goods["Lamp"], "A"), sku_id(goods["Lamp"], "B"), sku_id(goods["Desk"])]
    headers = device()
    c, order = _buyer(api, a, skus, **headers)
    # a second member of the household reviews the same shop's goods on the same device
    c2, order2 = _buyer(api, a, [sku_id(goods["Desk"])], **headers)
    for s, prod in zip(skus, ("Lamp", "Lamp", "Desk"), strict=True):
        r = review(c, goods[prod]["id"], order["id"], s)
        assert r.status_code == 201, r.text
    assert review(c2, goods["Desk"]["id"], order2["id"], sku_id(goods["Desk"])).status_code == 201
    assert [d for d in decisions(api) if d.action == "review"] == []
    assert all(item["risk"] is None for item in _queue(a).values())


def test_user_velocity_challenges_then_blocks_and_a_block_writes_nothing(risk_api, admin):
    api = risk_api(reviews_per_user_hour=Limit(challenge_at=2, block_at=3))
    a = admin(api)
    goods = shop(a, "Kettle", "Mug")
    skus = [sku_id(goods["Kettle"], "A"), sku_id(goods["Kettle"], "B"), sku_id(goods["Mug"])]
    c, order = _buyer(api, a, skus)  # no device header: the user's own count still applies
    first = review(c, goods["Kettle"]["id"], order["id"], skus[0])
    challenged = review(c, goods["Kettle"]["id"], order["id"], skus[1])
    assert first.status_code == 201 and challenged.status_code == 201, challenged.text
    assert challenged.json()["status"] == "pending"
    rows_before = review_rows(api)
    blocked = review(c, goods["Mug"]["id"], order["id"], skus[2])
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "risk_blocked"
    assert "velocity" not in blocked.text
    # nothing of the refused review: no row, no review_submitted event
    assert review_rows(api) == rows_before
    submitted = events(api, "review_submitted")
    assert sorted(e["payload"]["review_id"] for e in submitted) == \
        sorted([first.json()["id"], challenged.json()["id"]])
    # the decisions, as rows and as events, tied to the reviewed order
    got = [(d.action, d.outcome, d.reasons, d.user_id, d.order_id) for d in decisions(api)]
    uid = first.json()["user_id"]
    assert got == [("review", "challenge", ["velocity_user"], uid, order["id"]),
                   ("review", "block", ["velocity_user"], uid, order["id"])]
    made = events(api, "risk_decision_made")
    assert [(e["payload"]["action"], e["payload"]["outcome"]) for e in made] == \
        [("review", "challenge"), ("review", "block")]
    # moderators see the challenged review flagged, the other one not; the author never
    queue = _queue(a)
    assert queue[first.json()["id"]]["risk"] is None
    flag = queue[challenged.json()["id"]]["risk"]
    assert flag["outcome"] == "challenge" and flag["reasons"] == ["velocity_user"]
    assert flag["decision_id"] == made[0]["payload"]["decision_id"]
    mine = c.get("/v1/me/reviews").json()["items"]
    assert len(mine) == 2 and all("risk" not in item for item in mine)
    assert "risk" not in challenged.json()


def test_many_reviewers_of_one_merchant_behind_one_device(risk_api, admin):
    api = risk_api(users_per_merchant_device=Limit(challenge_at=2, block_at=3))
    a = admin(api)
    goods = shop(a, "Chair")
    s = sku_id(goods["Chair"])
    farm = device()
    results = []
    for _ in range(3):
        c, order = _buyer(api, a, [s], **farm)
        results.append(review(c, goods["Chair"]["id"], order["id"], s))
        c.close()
    assert [r.status_code for r in results] == [201, 201, 403]
    # another device is not behind this one's count
    c, order = _buyer(api, a, [s], **device())
    assert review(c, goods["Chair"]["id"], order["id"], s).status_code == 201
    got = [(d.outcome, d.reasons) for d in decisions(api)]
    assert got == [("challenge", ["users_per_merchant_device"]),
                   ("block", ["users_per_merchant_device"])]
    queue = _queue(a)
    assert queue[results[1].json()["id"]]["risk"]["reasons"] == ["users_per_merchant_device"]
    assert len(queue) == 3


def test_device_velocity_blocks_across_accounts(risk_api, admin):
    api = risk_api(reviews_per_device_hour=Limit(challenge_at=0, block_at=2))
    a = admin(api)
    goods = shop(a, "Rug")
    s = sku_id(goods["Rug"])
    shared = device()
    codes = []
    for _ in range(2):
        c, order = _buyer(api, a, [s], **shared)
        codes.append(review(c, goods["Rug"]["id"], order["id"], s).status_code)
        c.close()
    assert codes == [201, 403]
    assert [(d.outcome, d.reasons) for d in decisions(api)] == [("block", ["velocity_device"])]
