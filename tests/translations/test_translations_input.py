"""Bad input is a clear 4xx and writes nothing; each group of texts needs its permission;
landing pages and message templates are served in the chosen language."""

from __future__ import annotations

import pytest

from tests.conftest import create_product, register
from tests.rbac.helpers import user_with_role
from tests.translations.helpers import CAT, CONTENT, tr
from transactional_api.core import clock
from transactional_api.reach import campaigns, delivery


@pytest.mark.parametrize("item, status, code", [
    (("product", None, "name", "pt-BR", "Nome"), 422, "unknown_entity"),
    (("product", "P", "colour", "pt-BR", "Azul"), 422, "unknown_field"),
    (("product", "P", "name", "portuguese", "Nome"), 422, "bad_language"),
    (("product", "P", "name", "pt-BR-x", "Nome"), 422, "bad_language"),
    (("product", "P", "name", "ja", "名前"), 422, "unsupported_language"),
    (("product", "P", "name", "pt-BR", "   "), 422, "empty_text"),
    (("product", "P", "name", "pt-BR", "x" * 201), 422, "text_too_long"),
    (("landing_page", "P", "title", "pt-BR", "Título"), 422, "unknown_entity_type"),
])
def test_bad_items_are_refused_and_write_nothing(api, admin, item, status, code):
    p = create_product(admin, code="BAD-1")
    entity_type, eid, field, lang, text = item
    eid = "no-such-id" if eid is None else p["id"]
    r = admin.put(CAT, json=tr(entity_type, eid, field, lang, text))
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    # in bulk, one bad item keeps the good one from being written
    r = admin.put(f"{CAT}/bulk", json={"items": [
        tr("product", p["id"], "name", "pt-BR", "Bom"), tr(entity_type, eid, field, lang, text)]})
    assert r.status_code == 422
    assert admin.get(CAT).json()["total"] == 0


def test_permissions_follow_the_entity(api, admin):
    p = create_product(admin, code="PERM-1")
    marketer, _ = user_with_role(api, admin, "marketer")
    catalog, _ = user_with_role(api, admin, "catalog_manager")
    with api.client(marketer) as m, api.client(catalog) as c:
        assert m.put(CAT, json=tr("product", p["id"], "name", "es", "X")).status_code == 403
        assert c.put(CAT, json=tr("product", p["id"], "name", "es", "X")).status_code == 200
        assert c.get(CONTENT).status_code == 403
        assert m.get(CONTENT).status_code == 200
    with api.client(register(api, "shopper-tr@example.com")) as s:
        assert s.put(CAT, json=tr("product", p["id"], "name", "es", "Y")).status_code == 403
    assert admin.get(CAT).json()["items"][0]["text"] == "X"


def test_a_landing_page_is_served_in_the_asked_language(api, admin):
    p = create_product(admin, code="LP-1")
    page = admin.post("/v1/admin/pages", json={
        "slug": "summer", "title": "Summer sale", "blocks": [
            {"kind": "text", "heading": "Hot deals", "body": "All week long"},
            {"kind": "products", "title": "Picks", "product_ids": [p["id"]]}]}).json()
    assert admin.post(f"/v1/admin/pages/{page['id']}/transitions",
                      json={"action": "publish"}).status_code == 200
    r = admin.put(f"{CONTENT}/bulk", json={"items": [
        tr("landing_page", page["id"], "title", "pt-BR", "Liquidação de verão"),
        tr("landing_page", page["id"], "blocks.0.body", "pt", "A semana toda"),
        tr("landing_page", page["id"], "blocks.1.title", "pt-BR", "Escolhas")]})
    assert r.status_code == 200, r.text
    assert admin.put(CAT, json=tr("product", p["id"], "name", "pt-BR",
                                  "Produto LP")).status_code == 200
    # a block that does not exist, or a text the block does not have
    for field in ("blocks.5.body", "blocks.1.body"):
        r = admin.put(CONTENT, json=tr("landing_page", page["id"], field, "pt-BR", "x"))
        assert r.json()["error"]["code"] == "unknown_field"
    with api.client() as c:
        plain = c.get("/v1/pages/summer").json()
        served = c.get("/v1/pages/summer", headers={"Accept-Language": "pt-BR"})
    body = served.json()
    assert body["title"] == "Liquidação de verão"
    assert (body["blocks"][0]["heading"], body["blocks"][0]["body"]) == (
        "Hot deals", "A semana toda")
    assert body["blocks"][1]["title"] == "Escolhas"
    assert body["blocks"][1]["products"][0]["name"] == "Produto LP"
    assert served.headers["content-language"] == "pt-BR, pt, en"
    assert plain["title"] == "Summer sale" and plain["blocks"][1]["products"][0][
        "name"] == "Product LP-1"


def test_a_message_is_sent_in_the_language_the_shopper_chose(api, admin):
    token = register(api, "lang-msg@example.com")
    camp = admin.post("/v1/admin/reach/campaigns", json={
        "name": "level up", "channel": "inbox", "subject": "Hello",
        "template": "Welcome to {level}",
        "trigger": {"kind": "event", "event_type": "member_level_changed"}})
    assert camp.status_code == 201, camp.text
    cid = camp.json()["id"]
    # a translation may only use the placeholders its original uses
    r = admin.put(CONTENT, json=tr("message_template", cid, "template", "pt-BR",
                                   "Olá {order_id}"))
    assert r.json()["error"]["code"] == "unknown_placeholder"
    assert admin.put(CONTENT, json=tr("message_template", cid, "template", "pt",
                                      "Bem-vindo ao nível {level}")).status_code == 200
    with api.client(token) as s:
        assert s.put("/v1/me/language", json={"lang": "xx-1"}).status_code == 422
        assert s.put("/v1/me/language", json={"lang": "pt_br"}).json()["lang"] == "pt-BR"
        assert s.get("/v1/me/language").json()["lang"] == "pt-BR"
        uid = s.get("/v1/me").json()["id"]
    other = register(api, "lang-none@example.com")
    with api.client(other) as s:
        other_id = s.get("/v1/me").json()["id"]
    now = clock.now()
    with api.sessions() as session, session.begin():
        campaign = campaigns.get(session=session, campaign_id=cid)
        sent = [delivery.deliver(session, campaign=campaign, user_id=u, trigger_key="k1",
                                 triggered_at=now, now=now, values={"level": "gold"})
                for u in (uid, other_id)]
        got = [(m.subject, m.body) for m in sent]
    # pt-BR falls back to pt for the body; the subject has no translation: the original
    assert got == [("Hello", "Bem-vindo ao nível gold"), ("Hello", "Welcome to gold")]
