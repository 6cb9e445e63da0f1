"""The catalog's side of search: what a search document is built from.

Search owns its documents but must not read catalog tables; these are the public reads
it calls instead. Read-only, keyword-only, batched (a bulk reindex reads 33k products).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from transactional_api.catalog.models import Brand, Category, Merchant, Product, Sku
from transactional_api.translations import texts as translations

LISTED = "listed"
_CHUNK = 500  # ids per IN (…): far below every engine's bound-parameter limit


def _chunks(ids: list[str], size: int = _CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def documents(*, session: Session, product_ids: list[str] | None) -> list[dict]:
    """The listed products with SKUs among product_ids (None: all of them), each as the
    fields a search document needs. Absent ids are not listed, have no SKU, or do not
    exist: nothing a shopper could buy."""
    if product_ids is None:
        products = list(session.execute(_product_rows().where(Product.status == LISTED)))
    else:
        products = []
        for chunk in _chunks(sorted(set(product_ids))):
            products += session.execute(
                _product_rows().where(Product.status == LISTED, Product.id.in_(chunk)))
    if not products:
        return []
    ids = [p.id for p in products]
    skus: dict[str, list] = {}
    sku_stmt = select(Sku.product_id, Sku.id, Sku.price_cents, Sku.currency).order_by(
        Sku.product_id, Sku.price_cents, Sku.id)
    rows = (session.execute(sku_stmt) if product_ids is None else
            (r for chunk in _chunks(ids) for r in session.execute(
                sku_stmt.where(Sku.product_id.in_(chunk)))))
    for pid, sid, price, currency in rows:
        skus.setdefault(pid, []).append((sid, price, currency))
    paths = {p.path or f"/{p.category_id}/" for p in products}
    wanted = {cid for path in paths for cid in _path_ids(path)}
    names = {}
    for chunk in _chunks(sorted(wanted)):
        names.update(session.execute(select(Category.id, Category.name)
                                     .where(Category.id.in_(chunk))).all())
    # Few categories, many products: each path's chain is built once.
    chains = {path: [(cid, names.get(cid, "")) for cid in _path_ids(path)] for path in paths}
    # Translated texts, every language: a query in any of them finds the product.
    i18n = translations.every_language(session=session, entity_type="product",
                                       entity_ids=ids, fields=("name", "description"))
    cat_i18n = translations.every_language(session=session, entity_type="category",
                                           entity_ids=sorted(wanted), fields=("name",))
    out = []
    for p in products:
        own = skus.get(p.id)
        if not own:
            continue
        path = p.path or f"/{p.category_id}/"
        out.append({
            "id": p.id, "name": p.name, "description": p.description or "",
            "category_id": p.category_id, "category_path": path, "categories": chains[path],
            "brand_id": p.brand_id, "brand_name": p.brand_name,
            "merchant_id": p.merchant_id, "merchant_name": p.merchant_name or p.merchant_id,
            "labels": list(p.labels or []), "image": (p.images or [None])[0],
            "sold_count": int(p.sold_count or 0), "listed_at": p.listed_at or p.updated_at,
            "updated_at": p.updated_at,
            # SKUs come cheapest first
            "min_price_cents": own[0][1],
            "max_price_cents": max(price for _, price, _ in own),
            "currency": own[0][2],
            "sku_ids": [sid for sid, _, _ in own],
            "name_i18n": i18n.get(p.id, {}).get("name", []),
            "description_i18n": i18n.get(p.id, {}).get("description", []),
            "category_i18n": [t for cid, _ in chains[path]
                              for t in cat_i18n.get(cid, {}).get("name", [])],
        })
    return out


def _product_rows():
    return (select(Product.id, Product.name, Product.description, Product.category_id,
                   Category.path, Product.brand_id, Brand.name.label("brand_name"),
                   Product.merchant_id, Merchant.name.label("merchant_name"), Product.labels,
                   Product.images, Product.sold_count, Product.listed_at, Product.updated_at)
            .join(Category, Category.id == Product.category_id)
            .outerjoin(Brand, Brand.id == Product.brand_id)
            .outerjoin(Merchant, Merchant.id == Product.merchant_id))


def _path_ids(path: str | None) -> list[str]:
    return [part for part in (path or "").split("/") if part]


def changed_since(*, session: Session, since: datetime | None, after_id: str = "",
                  limit: int) -> list[tuple[str, datetime, str]]:
    """(id, updated_at, status) of products written after the keyset position
    (since, after_id), oldest first; since None starts from the beginning."""
    stmt = select(Product.id, Product.updated_at, Product.status)
    if since is not None:
        # A row-value comparison: SQLite and PostgreSQL both answer it as one range of
        # the (updated_at, id) index, however many products share one timestamp.
        stmt = stmt.where(tuple_(Product.updated_at, Product.id) > tuple_(since, after_id))
    return [tuple(r) for r in session.execute(
        stmt.order_by(Product.updated_at, Product.id).limit(limit))]


def products_after(*, session: Session, after_id: str, limit: int
                   ) -> list[tuple[str, datetime, str]]:
    """(id, updated_at, status) of the products after after_id in id order: a full walk
    of the catalog in slices."""
    return [tuple(r) for r in session.execute(
        select(Product.id, Product.updated_at, Product.status)
        .where(Product.id > after_id).order_by(Product.id).limit(limit))]


def sku_products(*, session: Session, sku_ids: list[str]) -> dict[str, str]:
    """The product of each SKU; unknown SKUs are absent."""
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(set(sku_ids))):
        out.update(session.execute(select(Sku.id, Sku.product_id)
                                   .where(Sku.id.in_(chunk))).all())
    return out


def product_skus(*, session: Session, product_ids: list[str]) -> dict[str, list[str]]:
    """The SKU ids of each product (products without SKUs are absent)."""
    out: dict[str, list[str]] = {}
    for chunk in _chunks(sorted(set(product_ids))):
        for pid, sid in session.execute(select(Sku.product_id, Sku.id)
                                        .where(Sku.product_id.in_(chunk)).order_by(Sku.id)):
            out.setdefault(pid, []).append(sid)
    return out
