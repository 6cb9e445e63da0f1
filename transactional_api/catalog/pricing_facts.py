"""What pricing reads of the catalog: a product's category ancestry and brand, and a SKU's
product, merchant and list price. One query per call, for a whole cart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.models import Category, Product, Sku


def _ancestry(path: str) -> frozenset[str]:
    # Category.path is "/root/child/": every id on it is an ancestor (or the category)
    return frozenset(p for p in path.split("/") if p)


def pricing_facts(session: Session, product_ids: list[str]
                  ) -> dict[str, tuple[frozenset[str], str | None]]:
    """product_id -> (its category id and all its ancestors', its brand id); unknown
    products are absent."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Product.id, Product.brand_id, Category.path)
        .join(Category, Category.id == Product.category_id)
        .where(Product.id.in_(sorted(set(product_ids)))))
    return {pid: (_ancestry(path), brand) for pid, brand, path in rows}


@dataclass(frozen=True)
class SkuFacts:
    sku_id: str
    product_id: str
    merchant_id: str
    category_ids: frozenset[str]
    brand_id: str | None
    list_price_cents: int
    currency: str


def sku_facts(session: Session, sku_ids: list[str]) -> dict[str, SkuFacts]:
    """sku_id -> its product, merchant, category ancestry, brand and list price; unknown
    SKUs are absent."""
    if not sku_ids:
        return {}
    rows = session.execute(
        select(Sku.id, Sku.product_id, Product.merchant_id, Product.brand_id, Category.path,
               Sku.price_cents, Sku.currency)
        .join(Product, Product.id == Sku.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(Sku.id.in_(sorted(set(sku_ids)))))
    return {sid: SkuFacts(sid, pid, mid, _ancestry(path), brand, int(price), currency)
            for sid, pid, mid, brand, path, price, currency in rows}


def product_merchants(session: Session, product_ids: list[str]) -> dict[str, str]:
    """product_id -> its merchant; unknown products are absent."""
    if not product_ids:
        return {}
    return dict(session.execute(select(Product.id, Product.merchant_id)
                                .where(Product.id.in_(sorted(set(product_ids))))).all())
