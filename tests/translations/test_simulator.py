from __future__ import annotations

from tests.conftest import create_product, register
from transactional_api.core import clock
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.translations import run_second_language, to_portuguese


def test_the_play_adds_portuguese_texts_and_shoppers_find_them(api, admin):
    p = create_product(admin, code="SIM-TR")
    assert admin.patch(f"/v1/admin/products/{p['id']}",
                       json={"name": "Classic cotton bath set"}).status_code == 200
    tokens = [register(api, f"pt-{n}@example.com") for n in range(2)]
    with ApiClient(api.url) as client:
        out = run_second_language(client, admin_token=api.admin_token(), clock=clock.now(),
                                  shopper_tokens=tokens, seed=1)
    assert (out.category_texts, out.product_texts, out.shoppers) == (1, 1, 2)
    assert out.searches == 6 and out.search_hits == 6
    with api.client(tokens[0]) as c:
        assert c.get("/v1/me/language").json()["lang"] == "pt-BR"
        r = c.get(f"/v1/products/{p['id']}", headers={"Accept-Language": "pt-BR"})
        assert r.json()["name"] == to_portuguese("Classic cotton bath set") == (
            "Clássico algodão banho conjunto")
