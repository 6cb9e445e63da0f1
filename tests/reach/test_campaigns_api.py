"""Campaigns over HTTP: the lifecycle (409 on illegal moves), template validation (422 on
placeholders the trigger cannot fill), and the marketing permission."""

from __future__ import annotations

import pytest

from tests.conftest import register

LEVEL_UP = {"name": "level up", "channel": "inbox", "template": "Welcome to {level}",
            "trigger": {"kind": "event", "event_type": "member_level_changed"}}


def test_lifecycle_and_illegal_moves(api, admin):
    r = admin.post("/v1/admin/reach/campaigns", json=LEVEL_UP)
    assert r.status_code == 201, r.text
    c = r.json()
    assert (c["status"], c["version"], c["activated_at"]) == ("draft", 1, None)

    def move(action: str) -> int:
        return admin.post(f"/v1/admin/reach/campaigns/{c['id']}/transitions",
                          json={"action": action}).status_code

    assert move("pause") == 409  # a draft is not running
    assert move("activate") == 200
    assert move("activate") == 409
    assert move("pause") == 200
    assert admin.delete(f"/v1/admin/reach/campaigns/{c['id']}").status_code == 409
    assert move("activate") == 200
    r = admin.patch(f"/v1/admin/reach/campaigns/{c['id']}",
                    json={"template": "Now {level}!", "caps": {"per_day": 1}})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["caps"] == {"per_day": 1, "per_week": None}
    assert move("archive") == 200
    for action in ("activate", "pause", "archive"):
        assert move(action) == 409
    r = admin.patch(f"/v1/admin/reach/campaigns/{c['id']}", json={"name": "x"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "campaign_archived")
    got = admin.get("/v1/admin/reach/campaigns", params={"status": "archived"}).json()
    assert [x["id"] for x in got["items"]] == [c["id"]]
    draft = admin.post("/v1/admin/reach/campaigns", json=LEVEL_UP).json()
    assert admin.delete(f"/v1/admin/reach/campaigns/{draft['id']}").status_code == 204
    assert admin.get(f"/v1/admin/reach/campaigns/{draft['id']}").status_code == 404


@pytest.mark.parametrize(("body", "unknown"), [
    ({"template": "Hi {first_name}"}, ["first_name"]),
    ({"template": "Use {offer_code}"}, ["offer_code"]),  # no offer on the campaign
    ({"template": "{cart_items} items"}, ["cart_items"]),  # a cart field on a level trigger
    ({"subject": "{nope}", "template": "ok"}, ["nope"]),
])
def test_unknown_placeholders_are_refused(api, admin, body, unknown):
    r = admin.post("/v1/admin/reach/campaigns", json={**LEVEL_UP, **body})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "unknown_placeholder"
    assert r.json()["error"]["details"]["unknown"] == unknown
    assert admin.get("/v1/admin/reach/campaigns").json()["items"] == []


def test_valid_placeholders_per_trigger(api, admin):
    cart = {"name": "cart", "channel": "email", "subject": "{campaign}",
            "template": "{cart_items} items; {offer_code} for {offer_valid_hours}h",
            "trigger": {"kind": "abandoned_cart"}, "offer": {"code": "BACK5", "valid_hours": 24},
            "quiet_hours": {"start_hour": 22, "end_hour": 8}}
    r = admin.post("/v1/admin/reach/campaigns", json=cart)
    assert r.status_code == 201, r.text
    assert r.json()["trigger"] == {"kind": "abandoned_cart", "idle_minutes": 120}
    for bad in ("{0}", "{level!r}", "{cart_items:>5}", "{", "{a.b}"):
        r = admin.post("/v1/admin/reach/campaigns", json={**cart, "template": bad})
        assert r.status_code == 422, bad


def test_unknown_audience_and_changed_trigger_kind(api, admin):
    r = admin.post("/v1/admin/reach/campaigns", json={
        **LEVEL_UP, "template": "hi", "trigger": {"kind": "audience", "audience_id": "nope"}})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "audience_not_found")
    c = admin.post("/v1/admin/reach/campaigns", json=LEVEL_UP).json()
    r = admin.patch(f"/v1/admin/reach/campaigns/{c['id']}",
                    json={"trigger": {"kind": "abandoned_cart"}})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "trigger_kind_fixed")


def test_shoppers_cannot_manage_campaigns(api):
    token = register(api, "shopper-reach@example.com")
    with api.client(token) as c:
        assert c.post("/v1/admin/reach/campaigns", json=LEVEL_UP).status_code == 403
        assert c.get("/v1/admin/reach/campaigns").status_code == 403
        assert c.post("/v1/admin/reach/run").status_code == 403
