"""International addresses: each country's required fields and postal codes on the address
book (422 naming the field, nothing written), and the formats clients read."""

from __future__ import annotations

from tests.conftest import register
from tests.duties.helpers import DE, GB
from tests.orders.helpers import ADDRESS

BASE = {"name": "Ada Shopper", "line1": "1 Main Street"}
ACCEPTED = [
    ADDRESS,  # what the existing tests and the simulator save: a US ZIP, a shipping zone
    {**ADDRESS, "postal_code": "12345-6789"},
    GB, {**GB, "postal_code": "m1 1ae"}, DE,
    {**BASE, "city": "Toronto", "region": "ON", "postal_code": "M5V 2T6", "country": "CA"},
    {**BASE, "city": "São Paulo", "region": "SP", "postal_code": "01310-100", "country": "BR"},
    {**BASE, "city": "Chiyoda", "region": "Tokyo", "postal_code": "100-0001", "country": "JP"},
    {**BASE, "city": "Central", "country": "HK"},
    {**BASE, "city": "Dublin", "country": "IE"},
    {**BASE, "city": "Nairobi", "region": "NBO", "postal_code": "00100", "country": "KE"},
]
REFUSED = [  # (address, the field named)
    ({**ADDRESS, "postal_code": "1234"}, "postal_code"),
    ({**ADDRESS, "region": None}, "region"),
    ({**GB, "postal_code": "12345"}, "postal_code"),
    ({**GB, "postal_code": None}, "postal_code"),
    ({**DE, "postal_code": "1011"}, "postal_code"),
    ({**BASE, "city": "Toronto", "region": "ON", "postal_code": "12345", "country": "CA"},
     "postal_code"),
    ({**BASE, "city": "Chiyoda", "postal_code": "100-0001", "country": "JP"}, "region"),
    ({**BASE, "city": "Central", "postal_code": "999077", "country": "HK"}, "postal_code"),
    ({**BASE, "city": "Rio", "region": "RJ", "postal_code": "2000-000", "country": "BR"},
     "postal_code"),
    ({**ADDRESS, "country": "ZZ"}, "country"),
    ({**BASE, "city": "Nairobi", "region": "NBO", "country": "KE"}, "postal_code"),
]


def test_addresses_are_checked_against_their_country(api):
    c = api.client(register(api, "world@example.com"))
    for fields in ACCEPTED:
        r = c.post("/v1/me/addresses", json=fields)
        assert r.status_code == 201, (fields, r.text)
    saved = c.get("/v1/me/addresses").json()
    assert {a["postal_code"] for a in saved if a["country"] == "GB"} == {"SW1A 2AA", "M1 1AE"}
    for fields, field in REFUSED:
        r = c.post("/v1/me/addresses", json={k: v for k, v in fields.items() if v is not None})
        assert r.status_code == 422, (fields, r.text)
        err = r.json()["error"]
        assert err["details"]["field"] == field, (fields, err)
        assert field in err["message"]
    assert len(c.get("/v1/me/addresses").json()) == len(ACCEPTED)


def test_an_edit_is_checked_against_the_address_it_makes(api):
    c = api.client(register(api, "edit@example.com"))
    a = c.post("/v1/me/addresses", json=ADDRESS).json()
    r = c.patch(f"/v1/me/addresses/{a['id']}", json={"country": "GB"})  # 12345 is not a UK code
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "postal_code"
    r = c.patch(f"/v1/me/addresses/{a['id']}", json={"country": "GB", "postal_code": "EC1A 1BB"})
    assert r.status_code == 200, r.text
    assert (r.json()["country"], r.json()["postal_code"]) == ("GB", "EC1A 1BB")


def test_formats_tell_clients_the_fields_and_the_order_of_lines(api):
    c = api.client()
    us = c.get("/v1/address-formats/US").json()
    required = {f["name"] for f in us["fields"] if f["required"]}
    assert {"region", "postal_code", "city"} <= required
    assert us["example_lines"][-2:] == ["Springfield, IL 62704", "UNITED STATES"]
    gb = c.get("/v1/address-formats/gb").json()
    assert "region" not in {f["name"] for f in gb["fields"] if f["required"]}
    assert gb["example_lines"][-3:] == ["London", "SW1A 1AA", "UNITED KINGDOM"]
    jp = c.get("/v1/address-formats/JP").json()  # big to small: country, postcode first
    assert jp["example_lines"][:3] == ["JAPAN", "〒100-0001", "東京都千代田区"]
    assert jp["example_lines"][-1] == "Ada Shopper"
    hk = c.get("/v1/address-formats/HK").json()
    assert hk["postal_code"] == "none"
    generic = c.get("/v1/address-formats/KE").json()
    assert generic["postal_code"] == "required" and generic["postal_code_pattern"] is None
    r = c.get("/v1/address-formats/XX")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_country"
    assert c.get("/v1/address-formats/USA").status_code == 422
