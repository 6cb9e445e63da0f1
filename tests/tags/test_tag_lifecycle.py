"""Tag definitions through the API: created -> active -> retired, nothing else; manual
assignment of active manual tags only; every change one outbox event; /v1/me serves the
active ones."""

from __future__ import annotations

import uuid

from tests.tags.conftest import emitted, shopper


def _name() -> str:
    return f"vip_{uuid.uuid4().hex[:8]}"


def _move(admin, name: str, action: str):
    return admin.post(f"/v1/admin/tags/{name}/transitions", json={"action": action})


def test_lifecycle_moves_forward_only(api, admin):
    name = _name()
    created = admin.post("/v1/admin/tags", json={"name": name, "description": "big spenders"})
    assert created.status_code == 201, created.text
    assert (created.json()["status"], created.json()["kind"]) == ("created", "manual")
    assert admin.post("/v1/admin/tags", json={"name": name}).json()["error"]["code"] == \
        "tag_exists"

    refused = _move(admin, name, "retire")  # created -> retired skips active
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"from": "created", "to": "retired",
                                                  "allowed": ["active"]}
    assert _move(admin, name, "activate").json()["status"] == "active"
    assert _move(admin, name, "activate").status_code == 409
    retired = _move(admin, name, "retire")
    assert retired.json()["status"] == "retired" and retired.json()["retired_at"]
    for action in ("activate", "retire"):
        assert _move(admin, name, action).status_code == 409
    assert admin.get(f"/v1/admin/tags/{name}").json()["status"] == "retired"

    moves = [(e["payload"]["from_status"], e["payload"]["to_status"])
             for e in emitted(api, "tag_status_changed") if e["payload"]["tag"] == name]
    assert moves == [("created", "active"), ("active", "retired")]
    assert [e["payload"] for e in emitted(api, "tag_created")
            if e["payload"]["tag"] == name] == [{"tag": name, "kind": "manual"}]


def test_assignment_needs_an_active_manual_tag(api, admin):
    name = _name()
    _, uid = shopper(api)
    admin.post("/v1/admin/tags", json={"name": name})
    early = admin.put(f"/v1/admin/users/{uid}/tags/{name}", json={})
    assert (early.status_code, early.json()["error"]["code"]) == (409, "tag_not_active")
    _move(admin, name, "activate")

    auto = admin.put(f"/v1/admin/users/{uid}/tags/dormant_90d", json={})
    assert (auto.status_code, auto.json()["error"]["code"]) == (409, "tag_not_manual")
    assert admin.put(f"/v1/admin/users/{uuid.uuid4()}/tags/{name}", json={}).json()[
        "error"]["code"] == "user_not_found"
    assert admin.put(f"/v1/admin/users/{uid}/tags/no_such_tag", json={}).status_code == 404
    assert admin.put(f"/v1/admin/users/{uid}/tags/Bad-Name", json={}).status_code == 422

    first = admin.put(f"/v1/admin/users/{uid}/tags/{name}", json={"reason": "met at expo"})
    assert (first.status_code, first.json()["created"]) == (201, True)
    again = admin.put(f"/v1/admin/users/{uid}/tags/{name}", json={})
    assert (again.status_code, again.json()["created"]) == (200, False)
    assigned = [e for e in emitted(api, "user_tag_assigned") if e["payload"]["tag"] == name]
    assert [e["payload"] for e in assigned] == [
        {"tag": name, "tagged_user_id": uid, "reason": "met at expo"}]


def test_me_serves_active_manual_tags_and_retiring_hides_them(api, admin):
    name = _name()
    token, uid = shopper(api)
    admin.post("/v1/admin/tags", json={"name": name})
    _move(admin, name, "activate")
    admin.put(f"/v1/admin/users/{uid}/tags/{name}", json={})
    with api.client(token) as me:
        served = [t for t in me.get("/v1/me").json()["user_tags"] if t["kind"] == "manual"]
        assert [(t["name"], t["value"]) for t in served] == [(name, None)]
        assert served[0]["assigned_at"]
        _move(admin, name, "retire")
        assert [t for t in me.get("/v1/me").json()["user_tags"] if t["kind"] == "manual"] == []
    # the assignment is kept (history), the admin view hides it too
    assert admin.get(f"/v1/admin/users/{uid}/tags").json() == {"user_id": uid, "tags": []}


def test_unassign(api, admin):
    name = _name()
    _, uid = shopper(api)
    admin.post("/v1/admin/tags", json={"name": name})
    _move(admin, name, "activate")
    admin.put(f"/v1/admin/users/{uid}/tags/{name}", json={})
    assert admin.delete(f"/v1/admin/users/{uid}/tags/{name}?reason=mistake").status_code == 204
    gone = admin.delete(f"/v1/admin/users/{uid}/tags/{name}")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "tag_not_assigned")
    assert admin.get(f"/v1/admin/users/{uid}/tags").json()["tags"] == []
    assert [e["payload"]["reason"] for e in emitted(api, "user_tag_unassigned")
            if e["payload"]["tag"] == name] == ["mistake"]


def test_operators_only(api):
    token, uid = shopper(api)
    with api.client(token) as c:
        assert c.get("/v1/admin/tags").status_code == 403
        assert c.post("/v1/admin/tags", json={"name": "mine"}).status_code == 403
        assert c.put(f"/v1/admin/users/{uid}/tags/vip", json={}).status_code == 403
    with api.client() as anonymous:
        assert anonymous.get("/v1/admin/audiences").status_code == 401


def test_built_in_automatic_tags_are_defined_and_active(admin):
    got = {t["name"]: t["status"] for t in admin.get("/v1/admin/tags?kind=automatic").json()[
        "items"]}
    assert got == dict.fromkeys(["dormant_90d", "frequent_returner", "high_intent",
                                 "high_potential", "member_level", "price_sensitive",
                                 "rfm_segment"], "active")
