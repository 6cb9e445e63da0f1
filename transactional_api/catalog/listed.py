"""What the storefront may show: the listed products among some ids (a landing page's
product block) and every listed product's SKUs (what recommendations may show)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog import lifecycle
from transactional_api.catalog.models import Product, Sku
from transactional_api.catalog.schemas import ProductOut
from transactional_api.catalog.service import outs


def listed_products(*, session: Session, product_ids: list[str]) -> list[ProductOut]:
    """The listed ones among product_ids, in the order asked, in a few queries (a landing
    page's product block)."""
    if not product_ids:
        return []
    found = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_(product_ids), Product.status == lifecycle.LISTED))}
    return outs(session, [found[i] for i in dict.fromkeys(product_ids) if i in found])


def listed_skus(*, session: Session) -> list[tuple[str, str, str, str]]:
    """(product_id, category_id, sku_id, sku kind) of every listed product's SKUs, one
    query: the products recommendations may show (stock is inventory's to say)."""
    return [tuple(r) for r in session.execute(
        select(Product.id, Product.category_id, Sku.id, Sku.kind)
        .join(Sku, Sku.product_id == Product.id)
        .where(Product.status == lifecycle.LISTED))]
