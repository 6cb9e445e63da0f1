"""Catalog: category tree, products and their SKUs, with stock read from inventory."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog.models import Category, Product, Sku
from transactional_api.catalog.schemas import CategoryIn, ProductIn, ProductOut, SkuOut
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.inventory import service as inventory


def list_categories(*, session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.name, Category.id)))


def create_category(*, session: Session, data: CategoryIn) -> Category:
    if data.parent_id and session.get(Category, data.parent_id) is None:
        raise Unprocessable("parent category does not exist", code="unknown_parent")
    if session.scalar(select(Category.id).where(Category.slug == data.slug)):
        raise Conflict("slug already used", code="slug_taken")
    cat = Category(name=data.name, slug=data.slug, parent_id=data.parent_id,
                   created_at=clock.now())
    session.add(cat)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("slug already used", code="slug_taken") from exc
    return cat


def create_product(*, session: Session, data: ProductIn, currency: str) -> ProductOut:
    if session.get(Category, data.category_id) is None:
        raise Unprocessable("category does not exist", code="unknown_category")
    codes = [s.code for s in data.skus]
    if len(set(codes)) != len(codes):
        raise Unprocessable("SKU codes repeat within the product", code="duplicate_sku_code")
    if session.scalar(select(func.count()).select_from(Sku).where(Sku.code.in_(codes))):
        raise Conflict("SKU code already used", code="sku_code_taken")
    product = Product(category_id=data.category_id, name=data.name,
                      description=data.description, created_at=clock.now())
    session.add(product)
    session.flush()
    for s in data.skus:
        sku = Sku(product_id=product.id, code=s.code, name=s.name, price_cents=s.price_cents,
                  currency=currency, created_at=clock.now())
        session.add(sku)
        session.flush()
        inventory.set_stock(session=session, sku_id=sku.id, available=s.stock, reason="initial")
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("SKU code already used", code="sku_code_taken") from exc
    return _outs(session, [product])[0]


def get_product(*, session: Session, product_id: str) -> ProductOut:
    product = session.get(Product, product_id)
    if product is None or product.status != "active":
        raise NotFound("product not found")
    return _outs(session, [product])[0]


def search_products(
    *, session: Session, q: str | None, category_id: str | None, limit: int, offset: int
) -> tuple[list[ProductOut], int]:
    stmt = select(Product).where(Product.status == "active")
    if category_id:
        stmt = stmt.where(Product.category_id == category_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Product.name).like(like),
                              func.lower(Product.description).like(like)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    products = list(session.scalars(stmt.order_by(Product.created_at, Product.id)
                                    .limit(limit).offset(offset)))
    return _outs(session, products), total


def set_stock(*, session: Session, sku_id: str, available: int) -> SkuOut:
    sku = session.get(Sku, sku_id)
    if sku is None:
        raise NotFound("SKU not found")
    inventory.set_stock(session=session, sku_id=sku_id, available=available)
    return SkuOut(id=sku.id, code=sku.code, name=sku.name, price_cents=sku.price_cents,
                  currency=sku.currency, available=available)


def set_price(*, session: Session, sku_id: str, price_cents: int) -> SkuOut:
    """Placed orders keep the price they snapshotted; only new carts and orders see this."""
    sku = session.get(Sku, sku_id)
    if sku is None:
        raise NotFound("SKU not found")
    sku.price_cents = price_cents
    stock = inventory.available(session=session, sku_ids=[sku_id])[sku_id]
    return SkuOut(id=sku.id, code=sku.code, name=sku.name, price_cents=sku.price_cents,
                  currency=sku.currency, available=stock)


def skus_for_order(*, session: Session, sku_ids: list[str]) -> dict[str, tuple[Sku, Product]]:
    """The SKUs with their products, for snapshotting into an order; unknown ids are absent."""
    rows = session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(sku_ids), Product.status == "active")
    )
    return {sku.id: (sku, product) for sku, product in rows}


def _outs(session: Session, products: list[Product]) -> list[ProductOut]:
    if not products:
        return []
    skus = list(session.scalars(select(Sku).where(Sku.product_id.in_([p.id for p in products]))
                                .order_by(Sku.code)))
    stock = inventory.available(session=session, sku_ids=[s.id for s in skus])
    by_product: dict[str, list[SkuOut]] = {}
    for s in skus:
        by_product.setdefault(s.product_id, []).append(
            SkuOut(id=s.id, code=s.code, name=s.name, price_cents=s.price_cents,
                   currency=s.currency, available=stock[s.id]))
    return [ProductOut(id=p.id, category_id=p.category_id, name=p.name,
                       description=p.description, skus=by_product.get(p.id, []))
            for p in products]


def product_skus(*, session: Session, product_ids: list[str],
                 sku_ids: list[str]) -> dict[str, set[str]]:
    """Which of product_ids exist, each with those of sku_ids that belong to it; one query.

    Withdrawn products count: an event may describe a view from before the withdrawal.
    """
    if not product_ids:
        return {}
    rows = session.execute(
        select(Product.id, Sku.id).select_from(Product)
        .outerjoin(Sku, (Sku.product_id == Product.id) & Sku.id.in_(sku_ids))
        .where(Product.id.in_(product_ids))
    )
    found: dict[str, set[str]] = {}
    for product_id, sku_id in rows:
        skus = found.setdefault(product_id, set())
        if sku_id is not None:
            skus.add(sku_id)
    return found
