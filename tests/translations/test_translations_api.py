"""Translated texts over the API: the fallback chain, the choice of language, and what
stays exactly as it was when no language is asked for."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import create_product
from tests.translations.helpers import CAT, product_with_texts, tr
from transactional_api.events.models import OutboxEvent


def test_a_missing_translation_falls_back_along_the_chain(api, admin):
    p = product_with_texts(admin)["product"]
    with api.client() as c:
        br = c.get(f"/v1/products/{p['id']}", params={"lang": "pt-BR"})
        # name in pt-BR itself; description only in pt: the base language's
        assert br.json()["name"] == "Toalha de banho"
        assert br.json()["description"] == "Toalha macia de algodão"
        assert br.headers["content-language"] == "pt-BR, pt"
        # pt-PT has no text of its own: the base pt has a description, not a name; the
        # default (en) has no name either, so the original name stays
        pt = c.get(f"/v1/products/{p['id']}", params={"lang": "pt-PT"}).json()
        assert (pt["name"], pt["description"]) == ("Bath towel", "Toalha macia de algodão")
        # a language with no text at all: every text is the original
        fr = c.get(f"/v1/products/{p['id']}", params={"lang": "fr"})
        assert (fr.json()["name"], fr.headers["content-language"]) == ("Bath towel", "en")
    # the shop's default language sits between the base language and the original
    assert admin.put(CAT, json=tr("product", p["id"], "name", "en",
                                  "Bath towel (large)")).status_code == 200
    with api.client() as c:
        fr = c.get(f"/v1/products/{p['id']}", params={"lang": "fr"})
        assert fr.json()["name"] == "Bath towel (large)"


def test_lang_beats_the_header_and_the_header_is_read_by_q_value(api, admin):
    p = product_with_texts(admin)["product"]
    url = f"/v1/products/{p['id']}"
    with api.client() as c:
        header = {"Accept-Language": "fr;q=0.9, es;q=0.95, pt-BR;q=0.5"}
        assert c.get(url, headers=header).json()["name"] == "Toalla de baño"
        r = c.get(url, params={"lang": "pt-BR"}, headers=header)
        assert r.json()["name"] == "Toalha de banho"
        # q=0 refuses a language; an unsupported one (ja) is skipped for the next
        r = c.get(url, headers={"Accept-Language": "es;q=0, ja, pt-br;q=0.2"})
        assert r.json()["name"] == "Toalha de banho"
        listing = c.get("/v1/products", headers={"Accept-Language": "es"})
        assert [i["name"] for i in listing.json()["items"]] == ["Toalla de baño"]
        assert listing.headers["content-language"] == "es, en"


def test_no_language_asked_leaves_responses_as_they_were(api, admin):
    p = create_product(admin, code="SAME-1")
    cat_id = p["category_id"]
    with api.client() as c:
        before = [c.get(u) for u in ("/v1/products", f"/v1/products/{p['id']}",
                                     "/v1/categories", "/v1/brands", "/v1/search?q=product")]
    assert admin.put(f"{CAT}/bulk", json={"items": [
        tr("product", p["id"], "name", "pt-BR", "Produto"),
        tr("category", cat_id, "name", "pt-BR", "Geral")]}).status_code == 200
    with api.client() as c:
        after = [c.get(u) for u in ("/v1/products", f"/v1/products/{p['id']}",
                                    "/v1/categories", "/v1/brands", "/v1/search?q=product")]
        assert c.get("/v1/categories", params={"lang": "pt-BR"}).json()["items"][0][
            "name"] == "Geral"
    for b, a in zip(before, after, strict=True):
        assert a.content == b.content
        assert "content-language" not in a.headers


def test_search_finds_portuguese_words_and_answers_in_the_asked_language(api, admin):
    p = product_with_texts(admin)["product"]
    other = create_product(admin, code="TR-OTHER")
    with api.client() as c:
        hits = c.get("/v1/search", params={"q": "toalha"}).json()
        assert [i["product_id"] for i in hits["items"]] == [p["id"]]
        # accents and case ignored, and the Portuguese description is searched too
        assert c.get("/v1/search", params={"q": "ALGODAO"}).json()["total"] == 1
        r = c.get("/v1/search", params={"q": "toalha", "lang": "pt-BR"})
        assert r.json()["items"][0]["name"] == "Toalha de banho"
        assert r.headers["content-language"] == "pt-BR"
        assert c.get("/v1/search", params={"q": "toalha"}).json()["items"][0][
            "name"] == "Bath towel"
    # a category's translated name finds every product under it
    assert admin.put(CAT, json=tr("category", other["category_id"], "name", "pt-BR",
                                  "Utilidades domésticas")).status_code == 200
    with api.client() as c:
        found = c.get("/v1/search", params={"q": "utilidades"}).json()
        assert {i["product_id"] for i in found["items"]} == {p["id"], other["id"]}
    # a deleted translation is no longer found (the description still says "toalha")
    with api.client() as c:
        assert c.get("/v1/search", params={"q": "banho"}).json()["total"] == 1
    listed = admin.get(CAT, params={"entity_id": p["id"], "field": "name",
                                    "lang": "pt-BR"}).json()["items"]
    assert admin.delete(f"{CAT}/{listed[0]['id']}").status_code == 204
    with api.client() as c:
        assert c.get("/v1/search", params={"q": "banho"}).json()["total"] == 0


def test_puts_update_and_emit_one_event_per_change(api, admin):
    made = product_with_texts(admin, code="EV-1")
    pid = made["product"]["id"]
    assert made["created"] == 3
    again = admin.put(f"{CAT}/bulk", json={"items": [
        tr("product", pid, "name", "pt_br", "Toalha de banho"),  # same text, other spelling
        tr("product", pid, "name", "es", "Toalla grande")]}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert again["items"][0]["lang"] == "pt-BR"
    r = admin.post(f"{CAT}/delete", json={"items": [
        {"entity_type": "product", "entity_id": pid, "field": "name", "lang": "es"},
        {"entity_type": "product", "entity_id": pid, "field": "name", "lang": "de"}]})
    assert r.json() == {"deleted": 1}
    with api.sessions() as s:
        events = [json.loads(e.record)["payload"] for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "translation_changed")
            .order_by(OutboxEvent.id))]
    assert [(e["field"], e["lang"], e["action"]) for e in events] == [
        ("name", "pt-BR", "created"), ("description", "pt", "created"),
        ("name", "es", "created"), ("name", "es", "updated"), ("name", "es", "deleted")]
    assert {e["entity_id"] for e in events} == {pid}
