"""Resource slots: the creatives in force for this shopper by priority; bad creatives are
4xx; the storefront's page and slot events are accepted with their UTM context."""

from __future__ import annotations

import uuid

from tests.landing.helpers import (
    HOUR,
    creative,
    iso,
    now,
    outbox,
    page,
    shopper,
    tagged_audience,
)


def _ids(c, path: str, **params) -> list[str]:
    r = c.get(path, params=params)
    assert r.status_code == 200, r.text
    return [x["creative_id"] for x in r.json()["items"]]


def test_a_slot_serves_what_is_in_force_for_the_shopper_by_priority(api, admin):
    member_token, member = shopper(api)
    audience = tagged_audience(admin, [member])
    low = creative(admin, priority=1)["id"]
    high = creative(admin, priority=9)["id"]
    members_only = creative(admin, priority=5, audience_id=audience)["id"]
    creative(admin, priority=99, starts_at=iso(now() + HOUR))  # not yet
    creative(admin, priority=98, publish=False)  # a draft
    ended = creative(admin, priority=97)["id"]
    admin.post(f"/v1/admin/slots/{ended}/transitions", json={"action": "archive"})
    with api.client() as anon, api.client(member_token) as c:
        assert _ids(anon, "/v1/slots/home_banner") == [high, low]
        assert _ids(c, "/v1/slots/home_banner") == [high, members_only, low]
        assert _ids(anon, "/v1/slots/popup") == []
        r = anon.get("/v1/slots/sidebar")
        assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown_slot")


def test_a_category_banner_shows_its_category_and_the_general_ones(api, admin):
    cats = [admin.post("/v1/admin/categories", json={
        "name": n, "slug": f"{n}-{uuid.uuid4().hex[:6]}"}).json()["id"] for n in ("shoes", "hats")]
    general = creative(admin, slot="category_banner")["id"]
    shoes = creative(admin, slot="category_banner", category_id=cats[0], priority=3)["id"]
    with api.client() as c:
        assert _ids(c, "/v1/slots/category_banner", category_id=cats[0]) == [shoes, general]
        assert _ids(c, "/v1/slots/category_banner", category_id=cats[1]) == [general]


def test_bad_creatives_are_refused_and_save_nothing(api, admin):
    target = page(admin, publish=False)
    ghost = str(uuid.uuid4())
    base = {"slot": "popup", "title": "t", "image_url": "https://img.example/x.png"}
    cases = [
        ({"slot": "sidebar", "target_url": "https://a.example/"}, "validation_error"),
        ({"target_url": "https://a.example/", "target_page_slug": target["slug"]},
         "bad_target"),
        ({}, "bad_target"),
        ({"target_page_slug": "no-such-page"}, "unknown_page"),
        ({"target_url": "https://a.example/", "category_id": ghost}, "category_not_allowed"),
        ({"target_url": "https://a.example/", "starts_at": iso(now()),
          "ends_at": iso(now() - HOUR)}, "bad_schedule"),
        ({"target_url": "https://a.example/", "audience_id": ghost}, "audience_not_found"),
        ({"target_url": "javascript:alert(1)"}, "validation_error"),
    ]
    for over, code in cases:
        r = admin.post("/v1/admin/slots", json={**base, **over})
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), over
    assert admin.get("/v1/admin/slots").json()["items"] == []
    ok = creative(admin, slot="popup", target_page_slug=target["slug"], target_url=None)
    r = admin.put(f"/v1/admin/slots/{ok['id']}", json={
        "slot": "home_banner", "title": "t", "image_url": "https://img.example/x.png",
        "target_page_slug": target["slug"]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "slot_fixed")
    changes = [e["payload"]["action"] for e in outbox(api, "slot_creative_changed")]
    assert changes == ["created", "published"]


def test_page_views_and_slot_events_are_accepted_with_their_context(api, admin):
    p = page(admin)
    banner = creative(admin)
    utm = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "summer"}
    events = [
        {"event_type": "landing_page_view", "anonymous_id": "a1", "session_id": "s1",
         "context": utm, "payload": {"page_id": p["id"], "slug": p["slug"]}},
        {"event_type": "slot_impression", "anonymous_id": "a1", "session_id": "s1",
         "payload": {"slot": "home_banner", "creative_id": banner["id"]}},
        {"event_type": "slot_click", "anonymous_id": "a1", "session_id": "s1",
         "payload": {"slot": "home_banner", "creative_id": banner["id"]}},
        {"event_type": "slot_click", "payload": {"slot": "sidebar", "creative_id": "x"}},
        {"event_type": "landing_page_view", "payload": {"page_id": "x", "slug": "Bad Slug"}},
    ]
    with api.client() as c:
        r = c.post("/v1/events", json={"events": events})
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3
    assert [x["index"] for x in r.json()["rejected"]] == [3, 4]
    (view,) = outbox(api, "landing_page_view")
    assert view["context"]["utm_campaign"] == "summer"
    assert view["payload"] == {"page_id": p["id"], "slug": p["slug"]}
    assert [e["payload"]["creative_id"] for e in outbox(api, "slot_click")] == [banner["id"]]
