"""The address book: defaults, ownership, validation."""

from __future__ import annotations

from tests.conftest import register
from tests.orders.helpers import ADDRESS, address


def test_first_address_is_default_and_the_default_moves_on_delete(api):
    c = api.client(register(api, "book@example.com"))
    home = address(c)
    work = address(c, name="Ada at work", line1="2 Office Rd")
    assert home["is_default"] and not work["is_default"]
    r = c.patch(f"/v1/me/addresses/{work['id']}", json={"is_default": True, "city": "Shelby"})
    assert r.status_code == 200 and r.json()["city"] == "Shelby"
    book = c.get("/v1/me/addresses").json()
    assert [(a["id"], a["is_default"]) for a in book] == [(work["id"], True),
                                                          (home["id"], False)]
    assert c.delete(f"/v1/me/addresses/{work['id']}").status_code == 204
    assert [(a["id"], a["is_default"]) for a in c.get("/v1/me/addresses").json()] == [
        (home["id"], True)]


def test_someone_elses_address_is_not_found_and_bad_input_changes_nothing(api):
    mine = api.client(register(api, "mine@example.com"))
    other = api.client(register(api, "other@example.com"))
    a = address(mine)
    assert other.get(f"/v1/me/addresses/{a['id']}").status_code == 404
    assert other.delete(f"/v1/me/addresses/{a['id']}").status_code == 404
    assert other.patch(f"/v1/me/addresses/{a['id']}", json={"city": "X"}).status_code == 404
    for bad in ({"country": "usa"}, {"name": "a\x00b"}, {"region": "N W"}, {"line1": ""},
                {"postal_code": "x" * 17}, {"extra": 1}):
        r = mine.post("/v1/me/addresses", json={**ADDRESS, **bad})
        assert r.status_code == 422, (bad, r.text)
    r = mine.patch(f"/v1/me/addresses/{a['id']}", json={"line1": None})
    assert r.status_code == 422 and r.json()["error"]["code"] == "required_field"
    assert [x["line1"] for x in mine.get("/v1/me/addresses").json()] == [ADDRESS["line1"]]


def test_an_address_book_is_bounded(api):
    c = api.client(register(api, "many@example.com"))
    for i in range(20):
        address(c, line1=f"{i} Main St")
    r = c.post("/v1/me/addresses", json=ADDRESS)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_addresses"
