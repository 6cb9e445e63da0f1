"""POST/GET/PUT/DELETE /v1/admin/campaign-costs: operators only, strict input, one cost per
campaign, channel and day (409 on a second), and every change in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.payment_helpers import outbox_events
from tests.conftest import register

URL = "/v1/admin/campaign-costs"
SPRING = {"campaign": "spring", "source": "facebook", "medium": "paid_social",
          "day": "2025-03-03", "amount_cents": 12_345}


def _events(api) -> list[dict]:
    return outbox_events(api, "campaign_cost_set") + outbox_events(api, "campaign_cost_deleted")


def test_only_operators_enter_or_read_costs(api, admin):
    shopper = api.client(register(api, "shopper@marketing.test"))
    anonymous = api.client()
    for client, status in ((anonymous, 401), (shopper, 403)):
        assert client.post(URL, json=SPRING).status_code == status
        assert client.get(URL).status_code == status
    made = admin.post(URL, json=SPRING).json()
    for client, status in ((anonymous, 401), (shopper, 403)):
        assert client.get(f"{URL}/{made['id']}").status_code == status
        assert client.put(f"{URL}/{made['id']}", json={"amount_cents": 1}).status_code == status
        assert client.delete(f"{URL}/{made['id']}").status_code == status
    # the refused calls changed nothing: still the one cost at its amount, one event
    assert admin.get(f"{URL}/{made['id']}").json()["amount_cents"] == 12_345
    assert len(_events(api)) == 1


TOMORROW_PLUS_ONE = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("change", [
    {"amount_cents": -1},  # negative money
    {"amount_cents": "100"},  # a string is not a number of cents
    {"amount_cents": 1.5},  # no fractions of a cent
    {"amount_cents": True},
    {"amount_cents": 10**12 + 1},  # beyond what the warehouse takes
    {"currency": "usd"},
    {"currency": "US"},
    {"campaign": ""},
    {"campaign": " spring"},  # would never match the sessions' "spring"
    {"source": "x" * 101},
    {"medium": "cpc\n"},
    {"day": "2025-13-01"},
    {"day": "1999-12-31"},
    {"day": TOMORROW_PLUS_ONE},  # a day that has not started anywhere
    {"colour": "red"},  # unknown field
])
def test_bad_input_is_refused_and_stores_nothing(api, admin, change):
    r = admin.post(URL, json={**SPRING, **change})
    assert r.status_code == 422, r.text
    if "day" in change and change["day"] == TOMORROW_PLUS_ONE:
        assert r.json()["error"]["code"] == "day_in_future"
    assert admin.get(URL).json()["total"] == 0
    assert _events(api) == []


def test_missing_key_fields_and_bad_updates_are_refused(api, admin):
    for field in ("campaign", "source", "medium", "day", "amount_cents"):
        body = {k: v for k, v in SPRING.items() if k != field}
        assert admin.post(URL, json=body).status_code == 422, field
    made = admin.post(URL, json=SPRING).json()
    for body in ({"amount_cents": -5}, {}, {"amount_cents": 1, "day": "2025-03-04"},
                 {"amount_cents": 1, "currency": "EURO"}):
        assert admin.put(f"{URL}/{made['id']}", json=body).status_code == 422, body
    assert admin.put(f"{URL}/no-such-cost", json={"amount_cents": 1}).status_code == 404
    assert admin.delete(f"{URL}/no-such-cost").status_code == 404
    assert admin.get(URL, params={"from": "2025-03-05", "to": "2025-03-01"}).status_code == 422
    assert admin.get(URL, params={"limit": 0}).status_code == 422
    assert admin.get(f"{URL}/{made['id']}").json()["amount_cents"] == 12_345
    assert len(_events(api)) == 1


def test_one_cost_per_key_and_every_change_is_an_event(api, admin):
    made = admin.post(URL, json=SPRING)
    assert made.status_code == 201, made.text
    cost = made.json()
    # the shop's currency when none is given (Settings.default_currency, USD in tests)
    assert (cost["currency"], cost["revision"], cost["amount_cents"]) == ("USD", 1, 12_345)

    again = admin.post(URL, json={**SPRING, "amount_cents": 1})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "campaign_cost_exists"
    assert again.json()["error"]["details"]["id"] == cost["id"]
    # another day, medium or campaign is another key
    assert admin.post(URL, json={**SPRING, "day": "2025-03-04"}).status_code == 201
    assert admin.post(URL, json={**SPRING, "medium": "display"}).status_code == 201

    changed = admin.put(f"{URL}/{cost['id']}", json={"amount_cents": 20_000})
    assert (changed.status_code, changed.json()["revision"]) == (200, 2)
    same = admin.put(f"{URL}/{cost['id']}", json={"amount_cents": 20_000, "currency": "USD"})
    assert same.json()["revision"] == 2  # nothing changed, no new revision, no event
    assert admin.delete(f"{URL}/{cost['id']}").status_code == 204
    assert admin.get(f"{URL}/{cost['id']}").status_code == 404
    assert admin.put(f"{URL}/{cost['id']}", json={"amount_cents": 1}).status_code == 404
    back = admin.post(URL, json={**SPRING, "amount_cents": 500, "currency": "EUR"}).json()
    assert (back["id"], back["revision"], back["currency"]) == (cost["id"], 4, "EUR")

    mine = [e for e in _events(api) if e["payload"]["cost_id"] == cost["id"]]
    mine.sort(key=lambda e: e["payload"]["revision"])
    operator = admin.get("/v1/me").json()["id"]
    assert [(e["event_type"], e["payload"]["revision"], e["payload"].get("amount_cents"),
             e["payload"]["previous_amount_cents"], e["user_id"], e["schema_version"])
            for e in mine] == [
        ("campaign_cost_set", 1, 12_345, None, operator, 1),
        ("campaign_cost_set", 2, 20_000, 12_345, operator, 1),
        ("campaign_cost_deleted", 3, None, 20_000, operator, 1),
        ("campaign_cost_set", 4, 500, None, operator, 1),
    ]
    assert {(e["payload"]["campaign"], e["payload"]["source"], e["payload"]["medium"],
             e["payload"]["day"]) for e in mine} == {
        ("spring", "facebook", "paid_social", "2025-03-03")}
    assert len(_events(api)) == 6  # 4 above + the two other keys


def test_list_filters_by_day_range_and_channel(api, admin):
    entries = [("spring", "facebook", "paid_social", "2025-03-01", 100),
               ("spring", "facebook", "paid_social", "2025-03-02", 200),
               ("brand", "google", "cpc", "2025-03-02", 400),
               ("brand", "google", "cpc", "2025-03-03", 800),
               ("weekly", "newsletter", "email", "2025-03-04", 1_600)]
    for campaign, source, medium, day, cents in entries:
        r = admin.post(URL, json={"campaign": campaign, "source": source, "medium": medium,
                                  "day": day, "amount_cents": cents})
        assert r.status_code == 201, r.text

    def page(**params):
        return admin.get(URL, params=params).json()

    both_ends = page(**{"from": "2025-03-02", "to": "2025-03-03"})  # inclusive: 200+400+800
    assert (both_ends["total"], both_ends["total_cents"]) == (3, {"USD": 1_400})
    assert [i["day"] for i in both_ends["items"]] == ["2025-03-03", "2025-03-02", "2025-03-02"]
    assert page(campaign="brand")["total_cents"] == {"USD": 1_200}
    assert page(source="facebook", **{"to": "2025-03-01"})["total_cents"] == {"USD": 100}
    assert page(medium="email")["items"][0]["amount_cents"] == 1_600
    small = page(limit=2, offset=1)  # totals cover every match, not only the page
    assert (len(small["items"]), small["total"], small["total_cents"]) == (2, 5, {"USD": 3_100})
