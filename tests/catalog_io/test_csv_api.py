"""The admin CSV endpoints over HTTP: access, media type, size cap, refusal that changes
nothing, injection-safe export, and an export that re-imports into an empty shop."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.catalog_io.conftest import parse_csv, row, to_csv
from tests.conftest import make_settings, register, run_api
from transactional_api.catalog.models import Product, Sku
from transactional_api.events.models import OutboxEvent

CSV = {"Content-Type": "text/csv"}


def setup_shop(admin) -> None:
    for slug in ("tops", "shoes"):
        r = admin.post("/v1/admin/categories", json={"name": slug.title(), "slug": slug})
        assert r.status_code == 201, r.text
    r = admin.post("/v1/admin/merchants", json={"name": "Acme", "slug": "acme-store"})
    assert r.status_code == 201, r.text


def product_count(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Product))


def test_only_admins_may_import_or_export(api, admin):
    data = to_csv([row()])
    with api.client() as anon:
        assert anon.post("/v1/admin/catalog/import", content=data, headers=CSV
                         ).status_code == 401
        assert anon.get("/v1/admin/catalog/export").status_code == 401
    with api.client(register(api, "csv-shopper@example.com")) as shopper:
        assert shopper.post("/v1/admin/catalog/import", content=data, headers=CSV
                            ).status_code == 403
        assert shopper.get("/v1/admin/catalog/export").status_code == 403


def test_wrong_media_type_and_oversized_bodies_are_refused(api, admin):
    setup_shop(admin)
    data = to_csv([row()])
    r = admin.post("/v1/admin/catalog/import", content=data,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    big = to_csv([row(product_handle=f"p{i}", sku_code=f"S{i}", description="d" * 2000)
                  for i in range(200)])
    assert len(big) > api.settings.max_body_bytes
    r = admin.post("/v1/admin/catalog/import", content=big, headers=CSV)
    assert r.status_code == 413
    assert product_count(api) == 0


def test_a_bad_file_answers_422_with_the_errors_and_changes_nothing(api, admin):
    setup_shop(admin)
    with api.sessions() as s:
        outbox_before = s.scalar(select(func.count()).select_from(OutboxEvent))
    data = to_csv([row(), row(sku_code="TEE-M", attributes="size=M", price_cents="1,5")])
    r = admin.post("/v1/admin/catalog/import", content=data, headers=CSV)
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "invalid_csv"
    assert body["details"]["errors"] == [{"line": 3, "column": "price_cents",
                                          "message": body["details"]["errors"][0]["message"]}]
    assert "digits" in body["details"]["errors"][0]["message"]
    r = admin.post("/v1/admin/catalog/import", content=b"\xff\xfe\x00garbage", headers=CSV)
    assert r.status_code == 422
    assert product_count(api) == 0
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) == outbox_before


def test_export_reimports_into_an_empty_shop(api, admin, tmp_path, redis_server):
    setup_shop(admin)
    rows = [
        row(),
        row(sku_code="TEE-M", sku_name="Basic tee M", attributes="size=M", stock="0"),
        row(product_handle="shoe", product_name="=HYPERLINK(\"http://evil\")",
            description="line one\r\nline two, with \"quotes\"", category_slug="shoes",
            brand="+Brand", merchant_slug="", status="draft", labels="", images="",
            sku_code="@SHOE-42", sku_name="-42", attributes="size=42;colour=red",
            price_cents="12900", stock="3", weight_grams="", length_cm="", width_cm="",
            height_cm=""),
        row(product_handle="pre", product_name="Preorder", sku_code="PRE-1", kind="presale",
            ship_from_date="2031-01-02", stock="50", attributes=""),
        row(product_handle="card", product_name="Gift card", sku_code="CARD", kind="virtual",
            stock="", attributes="", status="pending_review"),
    ]
    r = admin.post("/v1/admin/catalog/import", content=to_csv(rows), headers=CSV)
    assert r.status_code == 201, r.text
    assert r.json() == {"products_created": 4, "skus_created": 5, "brands_created": 2}

    first = admin.get("/v1/admin/catalog/export")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/csv")
    exported = parse_csv(first.text)
    assert len(exported) == 5
    shoe = next(e for e in exported if e["sku_code"] == "'@SHOE-42")
    # OWASP: cells a spreadsheet would evaluate start with a quote
    assert (shoe["product_name"], shoe["brand"], shoe["sku_name"]) == (
        "'=HYPERLINK(\"http://evil\")", "'+Brand", "'-42")
    assert shoe["description"] == "line one\r\nline two, with \"quotes\""

    with api.sessions() as s:
        product_ids = set(s.scalars(select(Product.id)))
    assert {e["product_handle"] for e in exported} == product_ids

    for other in run_api(make_settings(tmp_path / "empty-shop", redis_server.url)):
        with other.client(other.admin_token()) as admin2:
            setup_shop(admin2)
            r = admin2.post("/v1/admin/catalog/import", content=first.content, headers=CSV)
            assert r.status_code == 201, r.text
            second = admin2.get("/v1/admin/catalog/export")
        with other.sessions() as s:
            shoe_sku = s.scalar(select(Sku).where(Sku.code == "@SHOE-42"))
            assert shoe_sku.attributes == {"size": "42", "colour": "red"}
            assert s.scalar(select(Product.name).where(Product.id == shoe_sku.product_id)
                            ) == "=HYPERLINK(\"http://evil\")"
    again = parse_csv(second.text)

    def by_code(items):
        # product ids differ between shops; which SKUs share a product must not
        groups = {}
        for e in items:
            groups.setdefault(e["product_handle"], []).append(e["sku_code"])
        return {e["sku_code"]: ({k: v for k, v in e.items() if k != "product_handle"},
                                sorted(groups[e["product_handle"]])) for e in items}

    assert by_code(again) == by_code(exported)
    units = {e["sku_code"]: e["stock"] for e in exported}
    assert units == {"TEE-S": "5", "TEE-M": "0", "'@SHOE-42": "3", "PRE-1": "50", "CARD": ""}


def test_export_of_an_empty_shop_is_the_header(api, admin):
    r = admin.get("/v1/admin/catalog/export")
    assert r.status_code == 200
    assert r.text.splitlines() == [
        "product_handle,product_name,description,category_slug,brand,merchant_slug,status,"
        "labels,images,sku_code,sku_name,kind,attributes,price_cents,currency,stock,"
        "weight_grams,length_cm,width_cm,height_cm,ship_from_date"]
