from __future__ import annotations

from tests.conftest import create_product

CAT = "/v1/admin/translations/catalog"
CONTENT = "/v1/admin/translations/content"


def tr(entity_type: str, entity_id: str, field: str, lang: str, text: str) -> dict:
    return {"entity_type": entity_type, "entity_id": entity_id, "field": field, "lang": lang,
            "text": text}


def product_with_texts(admin, code: str = "TR-1") -> dict:
    """A listed product "Bath towel" with pt-BR, pt and en names (no fr)."""
    p = create_product(admin, code=code)
    r = admin.patch(f"/v1/admin/products/{p['id']}",
                    json={"name": "Bath towel", "description": "Soft cotton towel"})
    assert r.status_code == 200, r.text
    r = admin.put(f"{CAT}/bulk", json={"items": [
        tr("product", p["id"], "name", "pt-BR", "Toalha de banho"),
        tr("product", p["id"], "description", "pt", "Toalha macia de algodão"),
        tr("product", p["id"], "name", "es", "Toalla de baño")]})
    assert r.status_code == 200, r.text
    return r.json() | {"product": p}
