"""Catalog CSV export in the import's format, streamed in pages of products.

The handle column carries the product id, so a re-import groups the same SKUs together;
stock is what can be sold now (pre-sale: the quota left). Bundle SKUs are left out: the
format cannot express their components. Every cell is escaped against CSV injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.csv_format import COLUMNS, escape_cell, format_attributes
from transactional_api.catalog.models import Brand, Category, Merchant, Product, Sku
from transactional_api.inventory import service as inventory

PAGE = 500


def export_csv(*, session: Session, page_size: int = PAGE) -> Iterator[str]:
    """CSV text, header first, a chunk per page of products (ordered by id, so a page
    boundary never splits or repeats a product while rows are added elsewhere)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    categories = dict(session.execute(select(Category.id, Category.slug)).all())
    merchants = dict(session.execute(select(Merchant.id, Merchant.slug)).all())
    brands = dict(session.execute(select(Brand.id, Brand.name)).all())
    last = ""
    while True:
        products = list(session.scalars(select(Product).where(Product.id > last)
                                        .order_by(Product.id).limit(page_size)))
        if not products:
            break
        last = products[-1].id
        skus = list(session.scalars(
            select(Sku).where(Sku.product_id.in_([p.id for p in products]),
                              Sku.kind != "bundle").order_by(Sku.product_id, Sku.code)))
        units = inventory.sellable(session=session, sku_ids=[s.id for s in skus])
        by_product: dict[str, list[Sku]] = {}
        for s in skus:
            by_product.setdefault(s.product_id, []).append(s)
        for p in products:
            for s in by_product.get(p.id, []):
                writer.writerow([escape_cell(c) for c in (
                    p.id, p.name, p.description, categories.get(p.category_id, ""),
                    brands.get(p.brand_id, "") if p.brand_id else "",
                    merchants.get(p.merchant_id, ""), p.status, "|".join(p.labels or []),
                    "|".join(p.images or []), s.code, s.name, s.kind,
                    format_attributes(s.attributes or {}), str(s.price_cents), s.currency,
                    _stock(s, units), _opt(s.weight_grams), _opt(s.length_cm),
                    _opt(s.width_cm), _opt(s.height_cm),
                    s.ship_from_date.isoformat() if s.ship_from_date else "")])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _stock(sku: Sku, units: dict[str, int | None]) -> str:
    if sku.kind == "virtual":
        return ""
    return str(max(units.get(sku.id) or 0, 0))


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)
