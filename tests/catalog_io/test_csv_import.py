"""CSV import against a real database: grouping, lifecycle trail, per-row errors with the
file's line numbers, all-or-nothing, hostile files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.catalog_io.conftest import add_taxonomy, row, to_csv
from transactional_api.catalog import csv_io
from transactional_api.catalog.models import Brand, Product, ProductStatusChange, Sku
from transactional_api.core.db import transaction
from transactional_api.core.errors import Unprocessable
from transactional_api.events.models import OutboxEvent
from transactional_api.inventory import service as inventory


def run_import(sessions, data: bytes, currency: str = "USD"):
    with transaction(sessions) as s:
        return csv_io.import_csv(session=s, data=data, currency=currency, actor_id="admin-1")


def refused(sessions, data: bytes) -> list[tuple[int, str | None]]:
    with pytest.raises(Unprocessable) as exc:
        run_import(sessions, data)
    assert exc.value.code == "invalid_csv"
    return [(e["line"], e["column"]) for e in exc.value.details["errors"]]


def counts(sessions) -> dict[str, int]:
    with sessions() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in
                (Product, Sku, Brand, ProductStatusChange, OutboxEvent)}


def test_rows_sharing_a_handle_form_one_product(sessions):
    add_taxonomy(sessions)
    data = to_csv([
        row(),
        row(sku_code="TEE-M", sku_name="Basic tee M", attributes="size=M", stock="7",
            price_cents="2199"),
        row(product_handle="mug", product_name="Mug", category_slug="shoes", brand="",
            merchant_slug="", status="", labels="", images="", sku_code="MUG", sku_name="",
            attributes="", price_cents="900", stock="", weight_grams="", length_cm=""),
    ])
    done = run_import(sessions, data)
    assert (done.products, done.skus, done.brands_created) == (2, 3, 1)
    with sessions() as s:
        tee = s.scalar(select(Product).where(Product.name == "Basic tee"))
        mug = s.scalar(select(Product).where(Product.name == "Mug"))
        assert tee.status == "listed" and tee.listed_at is not None
        assert tee.spec == {"size": ["S", "M"]} and tee.labels == ["new", "eco"]
        assert tee.images == ["https://img.example/tee.jpg"]
        assert tee.brand_id == s.scalar(select(Brand.id).where(Brand.slug == "acme"))
        assert (mug.status, mug.listed_at, mug.merchant_id, mug.brand_id) == (
            "draft", None, "self-operated", None)
        skus = {k.code: k for k in s.scalars(select(Sku))}
        assert {c: (k.price_cents, k.currency, k.attributes) for c, k in skus.items()} == {
            "TEE-S": (1999, "USD", {"size": "S"}), "TEE-M": (2199, "USD", {"size": "M"}),
            "MUG": (900, "USD", {})}
        assert skus["MUG"].name == "Mug" and skus["TEE-S"].weight_grams == 200
        assert skus["MUG"].weight_grams is None and skus["MUG"].product_id == mug.id
        units = inventory.sellable(session=s, sku_ids=[k.id for k in skus.values()])
        assert {c: units[k.id] for c, k in skus.items()} == {"TEE-S": 5, "TEE-M": 7, "MUG": 0}
        trail = {(c.product_id, c.action, c.from_status, c.to_status, c.actor_id)
                 for c in s.scalars(select(ProductStatusChange))}
        assert trail == {(tee.id, "import", None, "listed", "admin-1"),
                         (mug.id, "import", None, "draft", "admin-1")}
        events = [e.event_type for e in s.scalars(select(OutboxEvent))]
        assert events.count("product_status_changed") == 2
        assert inventory.ledger_mismatches(session=s) == []


def test_every_error_is_reported_with_its_line_and_nothing_is_written(sessions):
    add_taxonomy(sessions)
    before = counts(sessions)
    data = to_csv([
        row(product_handle="multi", sku_code="M1", description="two\nlines"),  # lines 2-3
        row(sku_code="T1"),                                                 # 4
        row(sku_code="T2", price_cents="12.50", attributes="size=M"),       # 5
        row(product_handle="p1", sku_code="X1", category_slug="nope"),      # 6
        row(product_handle="p5", sku_code="M1"),                            # 7: as line 2
        row(sku_code="X2", product_name="Other name", attributes="size=L"),  # 8
        row(product_handle="p6", sku_code="X3", currency="EUR"),            # 9
        row(product_handle="p2", sku_code="X4", labels="sale"),             # 10
        row(product_handle="p3", sku_code="X5", merchant_slug="ghost"),     # 11
        row(product_handle="p4", sku_code="X6", stock="-1"),                # 12
        row(sku_code="X7"),                                                 # 13: as line 4
    ])
    errors = refused(sessions, data)
    assert sorted(errors) == [(5, "price_cents"), (6, "category_slug"), (7, "sku_code"),
                              (8, "product_name"), (9, "currency"), (10, "labels"),
                              (11, "merchant_slug"), (12, "stock"), (13, "attributes")]
    assert counts(sessions) == before


def test_sku_codes_already_in_the_shop_are_refused(sessions):
    add_taxonomy(sessions)
    data = to_csv([row(), row(sku_code="TEE-M", attributes="size=M")])
    run_import(sessions, data)
    before = counts(sessions)
    assert refused(sessions, data) == [(2, "sku_code"), (3, "sku_code")]
    assert counts(sessions) == before


def test_presale_and_virtual_skus(sessions):
    add_taxonomy(sessions)
    run_import(sessions, to_csv([
        row(sku_code="PRE", kind="presale", ship_from_date="2031-05-01", stock="40"),
        row(product_handle="gift", sku_code="CARD", kind="virtual", stock=""),
    ]))
    with sessions() as s:
        pre, card = (s.scalar(select(Sku).where(Sku.code == c)) for c in ("PRE", "CARD"))
        assert str(pre.ship_from_date) == "2031-05-01"
        assert inventory.presale_info(session=s, sku_ids=[pre.id])[pre.id].quota == 40
        assert inventory.levels(session=s, sku_ids=[card.id]) == []
    assert refused(sessions, to_csv([row(kind="virtual", stock="3")])) == [(2, "stock")]
    assert refused(sessions, to_csv([row(kind="bundle")])) == [(2, "kind")]
    assert refused(sessions, to_csv([row(kind="presale")])) == [(2, "ship_from_date")]


def test_a_bom_blank_lines_and_missing_optional_columns_are_fine(sessions):
    add_taxonomy(sessions)
    minimal = ["product_handle", "product_name", "category_slug", "sku_code", "price_cents"]
    text = to_csv([row()], minimal).decode().replace("\r\n", "\r\n\r\n , ,\r\n", 1)
    done = run_import(sessions, b"\xef\xbb\xbf" + text.encode() + b"\r\n\r\n")
    assert (done.products, done.skus) == (1, 1)
    with sessions() as s:
        assert s.scalar(select(Product.status)) == "draft"
    # the row after the blank lines is reported on its physical line
    bad = "\r\n\r\n".join(["product_handle,product_name,category_slug,sku_code,price_cents",
                           "a,A,tops,A1,1", "b,B,tops,B1,x"])
    assert refused(sessions, bad.encode()) == [(5, "price_cents")]


@pytest.mark.parametrize("data, line", [
    (b"", 1),
    (b"\r\n\r\n", 1),
    (b"product_handle,product_name,category_slug,sku_code,price_cents\r\n", 1),
    (b"product_handle,name,category_slug,sku_code,price_cents\r\na,A,tops,A1,1\r\n", 1),
    (b"product_handle,product_name,product_name,category_slug,sku_code,price_cents\r\n", 1),
    (b"product_handle,product_name,category_slug,sku_code,price_cents\r\n"
     b"a,Caf\xe9,tops,A1,1\r\n", 2),
    (b"product_handle,product_name,category_slug,sku_code,price_cents\r\n"
     b"a,A,tops,A1,1\r\nb,B\x00,tops,B1,1\r\n", 3),
    (b"product_handle,product_name,category_slug,sku_code,price_cents\r\n"
     b'a,"A"x,tops,A1,1\r\n', 2),
    (b"product_handle,product_name,category_slug,sku_code,price_cents\r\n"
     b'a,"' + b"x" * 200_000 + b'",tops,A1,1\r\n', 2),
], ids=["empty", "blank", "header-only", "unknown-column", "repeated-column", "latin-1",
        "nul", "bad-quoting", "huge-field"])
def test_broken_files_are_refused_with_a_line(sessions, data, line):
    add_taxonomy(sessions)
    assert refused(sessions, data) == [(line, None)]
    assert counts(sessions)["Product"] == 0


def test_row_level_hostility(sessions):
    add_taxonomy(sessions)
    header = "product_handle,product_name,category_slug,sku_code,price_cents,description"
    rows = [header, "a,A,tops,A1,1,", "b,B,tops,B1,1,x,extra", "c,C\x07,tops,C1,1,",
            "d,D,tops,D1,99999999999999,", f"e,E,tops,E1,1,{'y' * 20_001}",
            "f,F,tops,F1, 5,", "g,G,tops,G1,true,"]
    assert refused(sessions, "\n".join(rows).encode()) == [
        (3, None), (4, "product_name"), (5, "price_cents"), (6, "description"),
        (7, "price_cents"), (8, "price_cents")]


def test_errors_are_capped_but_counted(sessions):
    add_taxonomy(sessions)
    data = to_csv([row(product_handle=f"p{i}", sku_code=f"C{i}", price_cents="x")
                   for i in range(1500)])
    with pytest.raises(Unprocessable) as exc:
        run_import(sessions, data)
    details = exc.value.details
    assert len(details["errors"]) == csv_io.MAX_ERRORS == 1000
    assert details["error_count"] == 1500 and details["truncated"] is True
    assert details["errors"][-1]["line"] == 1001
