"""Catalog: products (SPU) and their SKUs, with stock read from inventory.

Shoppers see listed products only; operators see every state. The lifecycle lives in
lifecycle.py and merchants, brands and categories in taxonomy.py (re-exported here).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog import lifecycle
from transactional_api.catalog.models import SELF_OPERATED, Brand, Category, Merchant, Product, Sku
from transactional_api.catalog.schemas import (
    ComponentIn,
    PresaleOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    SkuIn,
    SkuOut,
)
from transactional_api.catalog.taxonomy import (  # noqa: F401 (the public surface)
    create_brand,
    create_category,
    create_merchant,
    get_merchant,
    list_brands,
    list_categories,
    list_merchants,
    set_merchant_status,
    subtree_ids,
)
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.catalog_events import SkuPriceChanged, SkuPriceChangedPayload
from transactional_api.events.outbox import emit
from transactional_api.inventory import service as inventory
from transactional_api.reviews import ratings as review_ratings
from transactional_api.search import service as search

audit = lifecycle.audit


def _reindex(session: Session, product_id: str) -> None:
    # Operators see their edit in search at once; the sync job would take ~a second.
    search.reindex_products(session=session, product_ids=[product_id])


def transition(*, session: Session, product_id: str, action: str, reason: str | None,
               actor_id: str | None) -> Product:
    product = lifecycle.transition(session=session, product_id=product_id, action=action,
                                   reason=reason, actor_id=actor_id)
    session.flush()
    _reindex(session, product_id)
    return product


def create_product(*, session: Session, data: ProductIn, currency: str,
                   actor_id: str | None = None) -> ProductOut:
    if session.get(Category, data.category_id) is None:
        raise Unprocessable("category does not exist", code="unknown_category")
    merchant_id = data.merchant_id or SELF_OPERATED
    if session.get(Merchant, merchant_id) is None:
        raise Unprocessable("merchant does not exist", code="unknown_merchant")
    if data.brand_id and session.get(Brand, data.brand_id) is None:
        raise Unprocessable("brand does not exist", code="unknown_brand")
    skus = _expand(data)
    codes = [s.code for s in skus]
    if len(set(codes)) != len(codes):
        raise Unprocessable("SKU codes repeat within the product", code="duplicate_sku_code")
    if session.scalar(select(func.count()).select_from(Sku).where(Sku.code.in_(codes))):
        raise Conflict("SKU code already used", code="sku_code_taken")
    now = clock.now()
    product = Product(id=new_id(), category_id=data.category_id, merchant_id=merchant_id,
                      brand_id=data.brand_id, name=data.name, description=data.description,
                      status=lifecycle.DRAFT, spec=data.spec,
                      images=[str(u) for u in data.images], labels=sorted(set(data.labels)),
                      sold_count=0, created_at=now, updated_at=now)
    session.add(product)
    session.flush()
    lifecycle.record(session, product, action="create", from_status=None,
                     to_status=lifecycle.DRAFT, reason=None, actor_id=actor_id)
    for s in skus:
        _add_sku(session, product, s, currency)
    if data.status == lifecycle.LISTED:
        lifecycle.record(session, product, action="list_on_create", from_status=lifecycle.DRAFT,
                         to_status=lifecycle.LISTED, reason="created listed by an operator",
                         actor_id=actor_id)
        session.flush()
        _reindex(session, product.id)
    return outs(session, [product])[0]


def _expand(data: ProductIn) -> list[SkuIn]:
    """Explicit SKUs, plus one per spec combination the template generates (explicit ones
    with the same attributes win)."""
    for s in data.skus:
        for name, value in s.attributes.items():
            if data.spec and value not in data.spec.get(name, ()):
                raise Unprocessable(f"SKU {s.code}: {name}={value} is not in the spec",
                                    code="attribute_not_in_spec")
    if data.sku_template is None:
        return list(data.skus)
    t = data.sku_template
    given = {tuple(sorted(s.attributes.items())) for s in data.skus}
    names = sorted(data.spec)
    out = list(data.skus)
    for combo in itertools.product(*(data.spec[n] for n in names)):
        attrs = dict(zip(names, combo, strict=True))
        if tuple(sorted(attrs.items())) in given:
            continue
        code = "-".join([t.code_prefix, *(_code_part(v) for v in combo)])[:64]
        out.append(SkuIn(code=code, name=" / ".join(combo)[:200], price_cents=t.price_cents,
                         stock=t.stock, attributes=attrs, weight_grams=t.weight_grams,
                         length_cm=t.length_cm, width_cm=t.width_cm, height_cm=t.height_cm))
    if len(out) > 200:
        raise Unprocessable("a product has at most 200 SKUs", code="too_many_skus")
    return out


def _code_part(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())[:12] or "X"


def _add_sku(session: Session, product: Product, s: SkuIn, currency: str) -> Sku:
    sku = Sku(id=new_id(), product_id=product.id, code=s.code,
              name=s.name or (" / ".join(s.attributes.values()) or s.code)[:200],
              price_cents=s.price_cents, currency=currency, kind=s.kind,
              attributes=s.attributes, weight_grams=s.weight_grams, length_cm=s.length_cm,
              width_cm=s.width_cm, height_cm=s.height_cm,
              ship_from_date=s.presale.ship_from_date if s.presale else None,
              created_at=clock.now())
    session.add(sku)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("SKU code already used", code="sku_code_taken") from exc
    if s.kind == "bundle":
        comps = _components(session, s.components or [])
        inventory.set_bundle(session=session, bundle_sku_id=sku.id, components=comps)
    elif s.kind == "presale":
        inventory.set_presale(session=session, sku_id=sku.id, quota=s.presale.quota,
                              ship_from_date=s.presale.ship_from_date)
    elif s.kind == "standard":
        inventory.set_sellable(session=session, sku_id=sku.id, sellable=s.stock,
                               reason="initial")
    emit(session=session, event=SkuPriceChanged(occurred_at=clock.now(),
                                                payload=SkuPriceChangedPayload(
        product_id=product.id, sku_id=sku.id, currency=currency, old_price_cents=None,
        new_price_cents=sku.price_cents)))
    return sku


def _components(session: Session, comps: list[ComponentIn]) -> dict[str, int]:
    ids = [c.sku_id for c in comps]
    if len(set(ids)) != len(ids):
        raise Unprocessable("a component repeats", code="invalid_bundle")
    kinds = dict(session.execute(select(Sku.id, Sku.kind).where(Sku.id.in_(ids))).all())
    missing = sorted(set(ids) - set(kinds))
    if missing:
        raise Unprocessable("unknown component SKU", code="unknown_sku",
                            details={"sku_ids": missing})
    odd = sorted(i for i in ids if kinds[i] != "standard")
    if odd:
        raise Unprocessable("bundle components must be standard SKUs", code="invalid_bundle",
                            details={"sku_ids": odd})
    return {c.sku_id: c.quantity for c in comps}


def add_sku(*, session: Session, product_id: str, data: SkuIn, currency: str) -> ProductOut:
    product = _product(session, product_id, lock=True)
    if session.scalar(select(Sku.id).where(Sku.code == data.code)):
        raise Conflict("SKU code already used", code="sku_code_taken")
    _add_sku(session, product, data, currency)
    product.updated_at = clock.now()
    session.flush()
    _reindex(session, product.id)
    return outs(session, [product])[0]


def update_product(*, session: Session, product_id: str, data: ProductPatch) -> ProductOut:
    product = _product(session, product_id, lock=True)
    if data.brand_id and session.get(Brand, data.brand_id) is None:
        raise Unprocessable("brand does not exist", code="unknown_brand")
    for field in ("name", "description", "brand_id"):
        if getattr(data, field) is not None:
            setattr(product, field, getattr(data, field))
    if data.images is not None:
        product.images = [str(u) for u in data.images]
    product.updated_at = clock.now()
    session.flush()
    _reindex(session, product.id)
    return outs(session, [product])[0]


def set_labels(*, session: Session, product_id: str, labels: list[str]) -> ProductOut:
    product = _product(session, product_id, lock=True)
    product.labels = sorted(set(labels))
    product.updated_at = clock.now()
    session.flush()
    _reindex(session, product.id)
    return outs(session, [product])[0]


def _product(session: Session, product_id: str, *, lock: bool = False,
             listed_only: bool = False) -> Product:
    stmt = select(Product).where(Product.id == product_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    product = session.scalar(stmt)
    if product is None or (listed_only and product.status != lifecycle.LISTED):
        raise NotFound("product not found")
    return product


def get_product(*, session: Session, product_id: str, operator: bool = False) -> ProductOut:
    return outs(session, [_product(session, product_id, listed_only=not operator)])[0]


def search_products(
    *, session: Session, q: str | None, category_id: str | None, limit: int, offset: int,
    status: str | None = lifecycle.LISTED, merchant_id: str | None = None,
) -> tuple[list[ProductOut], int]:
    """The simple listing (operators filter by status); full-text search is in search/."""
    stmt = select(Product)
    if status:
        stmt = stmt.where(Product.status == status)
    if merchant_id:
        stmt = stmt.where(Product.merchant_id == merchant_id)
    if category_id:
        stmt = stmt.where(Product.category_id.in_(subtree_ids(session=session,
                                                              category_id=category_id)))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Product.name).like(like),
                              func.lower(Product.description).like(like)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    products = list(session.scalars(stmt.order_by(Product.created_at, Product.id)
                                    .limit(limit).offset(offset)))
    return outs(session, products), total


def _sku(session: Session, sku_id: str) -> Sku:
    sku = session.get(Sku, sku_id)
    if sku is None:
        raise NotFound("SKU not found")
    return sku


def set_stock(*, session: Session, sku_id: str, available: int,
              actor_id: str | None = None) -> SkuOut:
    sku = _sku(session, sku_id)
    if sku.kind != "standard":
        raise Unprocessable(f"a {sku.kind} SKU has no stock of its own",
                            code="stock_not_tracked")
    inventory.set_sellable(session=session, sku_id=sku_id, sellable=available,
                           actor_id=actor_id)
    return _sku_outs(session, [sku])[sku.id]


def set_price(*, session: Session, sku_id: str, price_cents: int) -> SkuOut:
    """Placed orders keep the price they snapshotted; only new carts and orders see this."""
    sku = session.scalar(select(Sku).where(Sku.id == sku_id).with_for_update())
    if sku is None:
        raise NotFound("SKU not found")
    old, sku.price_cents = sku.price_cents, price_cents
    if old != price_cents:
        session.get(Product, sku.product_id).updated_at = clock.now()
        emit(session=session, event=SkuPriceChanged(
            occurred_at=clock.now(), payload=SkuPriceChangedPayload(
                product_id=sku.product_id, sku_id=sku.id, currency=sku.currency,
                old_price_cents=old, new_price_cents=price_cents)))
        session.flush()
        _reindex(session, sku.product_id)
    return _sku_outs(session, [sku])[sku.id]


@dataclass(frozen=True)
class OrderableSku:
    sku: Sku
    product: Product

    @property
    def kind(self) -> str:
        return self.sku.kind


# Only an active merchant's products sell (merchants/ moves the status).
MERCHANT_SELLING = "active"


def skus_for_order(*, session: Session, sku_ids: list[str],
                   strict: bool = True) -> dict[str, OrderableSku]:
    """The SKUs with their products, for snapshotting into an order; unknown ids are
    absent. SKUs of products shoppers cannot buy raise 422 product_not_listed (strict) or
    are left out."""
    rows = session.execute(select(Sku, Product).join(Product, Product.id == Sku.product_id)
                           .where(Sku.id.in_(sku_ids))).all()
    # The sellers' rows read under a shared lock (PostgreSQL; SQLite's writers are serial
    # anyway): closing a merchant updates its row, so it waits for this order to commit and
    # then counts its sub-order as open, and an order placed after the close sees it closed.
    # The shop's own row is left unlocked: it is on every order, and shared row locks on
    # one hot row cost PostgreSQL a multixact each.
    sellers = sorted({p.merchant_id for _, p in rows if p.merchant_id})
    marketplace = [m for m in sellers if m != SELF_OPERATED]
    statuses = dict(session.execute(
        select(Merchant.id, Merchant.status).where(Merchant.id.in_(marketplace))
        .order_by(Merchant.id).with_for_update(read=True)).all()) if marketplace else {}
    if SELF_OPERATED in sellers:
        statuses[SELF_OPERATED] = session.scalar(
            select(Merchant.status).where(Merchant.id == SELF_OPERATED))
    found, closed = {}, set()
    for sku, product in rows:
        found[sku.id] = OrderableSku(sku, product)
        if product.merchant_id and statuses.get(product.merchant_id) != MERCHANT_SELLING:
            closed.add(sku.id)  # pending, suspended or closed
    unlisted = sorted(s for s, o in found.items()
                      if o.product.status != lifecycle.LISTED or s in closed)
    if not strict:
        return {s: o for s, o in found.items() if s not in unlisted}
    if unlisted:
        raise Unprocessable("these products are not for sale", code="product_not_listed",
                            details={"sku_ids": unlisted})
    return found


def record_sales(*, session: Session, units: dict[str, int]) -> None:
    """Paid units per product feed the bestselling sort."""
    # one UPDATE per product, not a load and a flush: this runs inside every payment
    for pid, qty in sorted(units.items()):
        session.execute(update(Product).where(Product.id == pid).values(
            sold_count=Product.sold_count + qty, updated_at=clock.now()))


def outs(session: Session, products: list[Product]) -> list[ProductOut]:
    if not products:
        return []
    skus = list(session.scalars(select(Sku).where(Sku.product_id.in_([p.id for p in products]))
                                .order_by(Sku.code)))
    sku_out = _sku_outs(session, skus)
    by_product: dict[str, list[SkuOut]] = {}
    for s in skus:
        by_product.setdefault(s.product_id, []).append(sku_out[s.id])
    rated = review_ratings.summaries(session=session, product_ids=[p.id for p in products])
    return [ProductOut(id=p.id, category_id=p.category_id, merchant_id=p.merchant_id,
                       brand_id=p.brand_id, name=p.name, description=p.description,
                       status=p.status, labels=list(p.labels or []),
                       images=list(p.images or []), spec=dict(p.spec or {}),
                       skus=by_product.get(p.id, []),
                       rating_count=rated.get(p.id, review_ratings.EMPTY).count,
                       rating_avg=rated.get(p.id, review_ratings.EMPTY).average)
            for p in products]


def _sku_outs(session: Session, skus: list[Sku]) -> dict[str, SkuOut]:
    ids = [s.id for s in skus]
    units, comps, presale = inventory.stock_view(session=session, sku_ids=ids,
                                                  kinds={s.id: s.kind for s in skus})
    out = {}
    for s in skus:
        p = presale.get(s.id)
        out[s.id] = SkuOut(
            id=s.id, code=s.code, name=s.name, kind=s.kind, price_cents=s.price_cents,
            currency=s.currency, attributes=dict(s.attributes or {}),
            weight_grams=s.weight_grams,
            available=None if s.kind == "virtual" else units.get(s.id, 0),
            components=[ComponentIn(sku_id=c, quantity=q) for c, q in
                        sorted(comps[s.id].items())] if s.id in comps else None,
            presale=PresaleOut(quota=p.quota, remaining=p.quota - p.taken,
                               ship_from_date=p.ship_from_date) if p else None)
    return out


def product_skus(*, session: Session, product_ids: list[str],
                 sku_ids: list[str]) -> dict[str, set[str]]:
    """Which of product_ids exist, each with those of sku_ids that belong to it; one query.

    Delisted products count: an event may describe a view from before the delisting.
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


def require_stocked_sku(*, session: Session, sku_id: str) -> None:
    """404 for an unknown SKU, 422 for one whose stock is not its own (bundles, virtual)."""
    sku = _sku(session, sku_id)
    if sku.kind in ("bundle", "virtual"):
        raise Unprocessable(f"a {sku.kind} SKU has no stock of its own",
                            code="stock_not_tracked")
