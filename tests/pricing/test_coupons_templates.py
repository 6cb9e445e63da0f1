"""Coupon templates: each kind's params and the cross-field rules (422s), the lifecycle
(409 on illegal moves), edits, who may do what (operator, merchant A vs B, shopper), and
the coupon_template_changed events."""

from __future__ import annotations

import uuid

import pytest

from tests.pricing.coupon_helpers import T0, body, error, events, start_api, template
from tests.rbac.helpers import user_with_role


@pytest.fixture
def api(tmp_path, redis_server):
    """Quiet risk rules and the simulated clock (coupon_helpers.start_api)."""
    yield from start_api(tmp_path, redis_server.url)

BAD_PARAMS = [
    ("full_reduction", {"tiers": []}),
    ("full_reduction", {"tiers": [[5000, 6000]]}),            # more off than the threshold
    ("full_reduction", {"tiers": [[5000, 100], [5000, 200]]}),  # same threshold twice
    ("full_reduction", {"tiers": [[5000, "100"]]}),           # strings are not cents
    ("percent_off", {"percent_bp": 0}),
    ("percent_off", {"percent_bp": 10001}),
    ("percent_off", {"percent_bp": 1000, "cap_cents": 0}),
    ("percent_off", {"percent_bp": True}),
    ("random_amount", {"min_cents": 500, "max_cents": 100}),
    ("random_amount", {"min_cents": 0, "max_cents": 100}),
    ("new_user", {}),                                         # neither amount nor tiers
    ("new_user", {"amount_cents": 500, "tiers": [[1000, 100]]}),
    ("shipping", {"cap_cents": -1}),
    ("shipping", {"unknown": 1}),
]


@pytest.mark.parametrize(("kind", "params"), BAD_PARAMS)
def test_each_kind_refuses_bad_params(admin, kind, params):
    r = admin.post("/v1/admin/coupon-templates", json=body(kind, params=params))
    assert error(r) == (422, "invalid_coupon_params"), r.text
    assert admin.get("/v1/admin/coupon-templates").json()["total"] == 0


@pytest.mark.parametrize("over", [
    {"valid_days": None},                                                  # no validity
    {"valid_from": T0.isoformat(), "valid_until": (T0.replace(day=9)).isoformat()},  # both
    {"valid_days": None, "valid_from": T0.isoformat(), "valid_until": T0.isoformat()},
    {"claim_starts_at": T0.isoformat(), "claim_ends_at": T0.isoformat()},
    {"scope_kind": "category"},                                            # no ids
    {"scope_ids": ["x"]},                                                  # store with ids
])
def test_cross_field_rules_are_422(admin, over):
    data = {k: v for k, v in body(**over).items() if v is not None}
    r = admin.post("/v1/admin/coupon-templates", json=data)
    assert error(r) == (422, "invalid_coupon_template"), r.text


def test_strict_numbers_and_unknown_fields(admin):
    assert admin.post("/v1/admin/coupon-templates",
                      json=body(total_limit="5")).status_code == 422
    assert admin.post("/v1/admin/coupon-templates",
                      json=body(surprise=1)).status_code == 422


def test_valid_kinds_are_stored_normalised(admin):
    t = template(admin, activate=False,
                 params={"tiers": [[10000, 1500], [5000, 500]]})
    assert t["params"] == {"tiers": [[5000, 500], [10000, 1500]]}
    assert (t["status"], t["version"], t["issued_count"], t["per_user_limit"]) == (
        "draft", 1, 0, 1)
    for kind in ("percent_off", "random_amount", "new_user", "shipping"):
        assert template(admin, activate=False, kind=kind)["kind"] == kind


def test_lifecycle_moves_and_illegal_ones(api, admin):
    t = template(admin, activate=False, total_limit=5)

    def move(action: str):
        return admin.post(f"/v1/admin/coupon-templates/{t['id']}/transitions",
                          json={"action": action})

    assert error(move("pause")) == (409, "illegal_transition")
    assert error(move("resume")) == (409, "illegal_transition")
    assert move("activate").json()["status"] == "active"
    assert error(move("activate")) == (409, "illegal_transition")
    assert move("pause").json()["status"] == "paused"
    assert move("resume").json()["status"] == "active"
    ended = move("end").json()
    assert (ended["status"], ended["version"]) == ("ended", 5)
    for action in ("activate", "pause", "resume", "end"):
        assert error(move(action)) == (409, "illegal_transition")
    changed = [e["payload"] for e in events(api, "coupon_template_changed")
               if e["payload"]["template_id"] == t["id"]]
    assert [(c["previous_status"], c["status"]) for c in changed] == [
        (None, "draft"), ("draft", "active"), ("active", "paused"), ("paused", "active"),
        ("active", "ended")]
    assert [c["version"] for c in changed] == [1, 2, 3, 4, 5]
    assert {e["user_id"] for e in events(api, "coupon_template_changed")} == {
        admin.get("/v1/me").json()["id"]}


def test_edits_only_in_draft_or_paused_and_paused_keeps_its_terms(admin):
    t = template(admin, activate=False)
    url = f"/v1/admin/coupon-templates/{t['id']}"
    r = admin.patch(url, json={"name": "Renamed", "params": {"tiers": [[3000, 300]]},
                               "valid_from": T0.isoformat(),
                               "valid_until": T0.replace(month=4).isoformat()})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["valid_days"], r.json()["version"]) == (
        "Renamed", None, 2)
    assert error(admin.patch(url, json={"params": {"tiers": [[3000, 4000]]}})) == (
        422, "invalid_coupon_params")
    admin.post(url + "/transitions", json={"action": "activate"})
    assert error(admin.patch(url, json={"name": "x"})) == (409, "template_not_editable")
    admin.post(url + "/transitions", json={"action": "pause"})
    assert error(admin.patch(url, json={"min_spend_cents": 10})) == (
        409, "template_not_editable")
    r = admin.patch(url, json={"total_limit": 10, "per_user_limit": 2})
    assert (r.json()["total_limit"], r.json()["per_user_limit"]) == (10, 2)


def test_shoppers_and_other_roles_cannot_manage_templates(api, admin):
    for role in (None, "catalog_manager"):
        token, _ = user_with_role(api, admin, role)
        with api.client(token) as c:
            assert error(c.post("/v1/admin/coupon-templates", json=body())) == (
                403, "permission_denied")
            assert c.get("/v1/admin/coupon-templates").status_code == 403
    token, _ = user_with_role(api, admin, "marketer")
    with api.client(token) as marketer:
        assert marketer.post("/v1/admin/coupon-templates", json=body()).status_code == 201


@pytest.fixture
def merchants(api, admin):
    out = {}
    for name in ("a", "b"):
        r = admin.post("/v1/admin/merchants", json={
            "name": name.upper(), "slug": f"cm-{name}-{uuid.uuid4().hex[:4]}"})
        assert r.status_code == 201, r.text
        out[name] = (r.json()["id"], user_with_role(api, admin, "merchant_staff",
                                                    r.json()["id"])[0])
    return out


def test_merchants_run_their_own_templates_only(api, admin, merchants):
    (a_id, a_token), (b_id, b_token) = merchants["a"], merchants["b"]
    with api.client(a_token) as a, api.client(b_token) as b:
        # a merchant's template is its own whatever the body says
        t = template(a, prefix="/v1/merchant", merchant_id=b_id)
        assert t["merchant_id"] == a_id
        url = f"/v1/merchant/coupon-templates/{t['id']}"
        for call in (lambda: b.get(url), lambda: b.patch(url, json={"name": "x"}),
                     lambda: b.post(url + "/transitions", json={"action": "pause"}),
                     lambda: b.post(url + "/codes", json={"count": 1}),
                     lambda: b.post(url + "/grant", json={"user_ids": [a_id]})):
            assert error(call()) == (404, "not_found")
        assert b.get("/v1/merchant/coupon-templates").json()["total"] == 0
        assert [x["id"] for x in a.get("/v1/merchant/coupon-templates").json()["items"]] == [
            t["id"]]
        assert a.post(url + "/transitions", json={"action": "pause"}).json()["status"] == \
            "paused"
        # staff cannot use the operators' routes
        assert a.get(f"/v1/admin/coupon-templates/{t['id']}").status_code == 403
    # operators see every merchant's templates and may filter by merchant
    assert admin.get("/v1/admin/coupon-templates",
                     params={"merchant_id": a_id}).json()["total"] == 1
    assert error(admin.post("/v1/admin/coupon-templates",
                            json=body(scope_kind="merchant", scope_ids=["other"],
                                      merchant_id=a_id))) == (422, "invalid_coupon_template")
