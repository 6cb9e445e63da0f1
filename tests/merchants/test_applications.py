"""Applying, reviewing (approve, reject, ask for more), resubmitting: the state machine
answers 409 to every illegal move and changes nothing then."""

from __future__ import annotations

import pytest

from tests.merchants.helpers import applicant, application, category, events


@pytest.fixture
def submitted(api, admin):
    owner, uid = applicant(api)
    cat = category(admin)
    r = owner.post("/v1/merchant-applications", json=application(cat))
    assert r.status_code == 201, r.text
    yield owner, uid, cat, r.json()
    owner.close()


def test_applying_stores_the_account_masked_and_emits_merchant_applied(api, submitted):
    owner, uid, cat, app = submitted
    assert app["status"] == "submitted" and app["user_id"] == uid
    assert app["account_masked"].endswith("3000")
    assert "3704" not in app["account_masked"] and set(app["account_masked"][:-4]) == {"*"}
    assert app["qualifications"] == [{"category_id": cat, "document_ref": "doc://licence/1"}]
    (ev,) = events(api, "merchant_applied")
    assert ev["user_id"] == uid and ev["payload"]["application_id"] == app["id"]
    assert ev["payload"]["category_ids"] == [cat] and ev["payload"]["resubmission"] is False
    # one open application per account
    r = owner.post("/v1/merchant-applications", json=application(cat, "Other"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "application_open"


def test_bad_applications_are_refused(api, admin):
    owner, _ = applicant(api)
    cat = category(admin)
    r = owner.post("/v1/merchant-applications",
                   json=application("no-such-category"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"
    r = owner.post("/v1/merchant-applications", json=application(cat, settlement_cycle="daily"))
    assert r.status_code == 422
    r = owner.post("/v1/merchant-applications", json=application(cat, qualifications=[]))
    assert r.status_code == 422
    with api.client() as anonymous:
        assert anonymous.post("/v1/merchant-applications",
                              json=application(cat)).status_code == 401
    assert owner.get("/v1/merchant-applications").json()["total"] == 0
    assert events(api, "merchant_applied") == []


def test_ask_for_more_then_resubmit_then_approve_creates_a_pending_merchant(api, admin,
                                                                           submitted):
    owner, uid, cat, app = submitted
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "request_info"})
    assert r.status_code == 422  # a reason is required
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "request_info", "reason": "licence expired"})
    assert r.status_code == 200 and r.json()["status"] == "info_requested"
    # not submitted: approving now is illegal and changes nothing
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "approve"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    body = application(cat, qualifications=[{"category_id": cat,
                                             "document_ref": "doc://licence/2"}])
    r = owner.put(f"/v1/merchant-applications/{app['id']}", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    assert r.json()["qualifications"][0]["document_ref"] == "doc://licence/2"
    # a stale version read by a reviewer is refused
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "approve", "expected_version": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_application"
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "approve"})
    assert r.status_code == 200, r.text
    merchant_id = r.json()["merchant_id"]
    state = admin.get(f"/v1/admin/merchants/{merchant_id}/lifecycle").json()
    assert state["status"] == "pending_deposit" and state["settlement_cycle"] == "weekly"
    assert state["deposit_due_cents"] == api.settings.merchants_deposit_cents
    # the applicant is the owner: the merchant's routes open for them
    assert owner.get("/v1/merchant/staff").json()[0]["role"] == "owner"
    assert owner.get("/v1/merchant/products").status_code == 200
    reviewed = events(api, "merchant_application_reviewed")
    assert [e["payload"]["decision"] for e in reviewed] == ["request_info", "approve"]
    assert reviewed[0]["payload"]["reason"] == "licence expired"
    assert [e["payload"]["resubmission"] for e in events(api, "merchant_applied")] == [False, True]
    (status,) = events(api, "merchant_status_changed")
    assert status["payload"]["from_status"] is None
    assert status["payload"]["to_status"] == "pending_deposit"
    # approved is final
    for decision in ("approve", "reject"):
        r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                       json={"decision": decision, "reason": "again"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"


def test_rejection_is_final_and_the_applicant_may_apply_again(api, admin, submitted):
    owner, _, cat, app = submitted
    r = admin.post(f"/v1/admin/merchant-applications/{app['id']}/review",
                   json={"decision": "reject", "reason": "no licence for this category"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["merchant_id"] is None
    r = owner.put(f"/v1/merchant-applications/{app['id']}", json=application(cat))
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    assert owner.get("/v1/merchant/staff").status_code == 403  # no merchant came of it
    assert owner.post("/v1/merchant-applications", json=application(cat)).status_code == 201


def test_applicants_see_only_their_own_applications(api, admin, submitted):
    _, _, _, app = submitted
    other, _ = applicant(api, "other")
    r = other.get(f"/v1/merchant-applications/{app['id']}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "application_not_found"
    assert other.get("/v1/merchant-applications").json()["total"] == 0
    assert other.get("/v1/admin/merchant-applications").status_code == 403
    queue = admin.get("/v1/admin/merchant-applications",
                      params={"status": "submitted"}).json()
    assert [a["id"] for a in queue["items"]] == [app["id"]]
