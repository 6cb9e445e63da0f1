"""Merchants, brands and the category tree."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog.models import Brand, Category, Merchant
from transactional_api.catalog.schemas import BrandIn, CategoryIn, MerchantIn
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, Unprocessable

MAX_DEPTH = 6


def _unique(session: Session, row) -> None:
    if session.scalar(select(type(row).id).where(type(row).slug == row.slug)):
        raise Conflict("slug already used", code="slug_taken")
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert won; the caller's unit rolls back
        raise Conflict("slug already used", code="slug_taken") from exc


def list_categories(*, session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.path, Category.name)))


def create_category(*, session: Session, data: CategoryIn) -> Category:
    parent = session.get(Category, data.parent_id) if data.parent_id else None
    if data.parent_id and parent is None:
        raise Unprocessable("parent category does not exist", code="unknown_parent")
    if parent is not None and parent.depth + 1 >= MAX_DEPTH:
        raise Unprocessable(f"categories nest at most {MAX_DEPTH} levels", code="too_deep")
    cid = new_id()
    cat = Category(id=cid, name=data.name, slug=data.slug, parent_id=data.parent_id,
                   path=f"{parent.path if parent else '/'}{cid}/",
                   depth=parent.depth + 1 if parent else 0, created_at=clock.now())
    _unique(session, cat)
    return cat


def subtree_ids(*, session: Session, category_id: str) -> list[str]:
    cat = session.get(Category, category_id)
    if cat is None:
        return []
    return list(session.scalars(select(Category.id).where(Category.path.startswith(cat.path))))


def list_merchants(*, session: Session, limit: int, offset: int) -> list[Merchant]:
    return list(session.scalars(select(Merchant).order_by(Merchant.slug).limit(limit)
                                .offset(offset)))


def get_merchant(*, session: Session, merchant_id: str) -> Merchant | None:
    return session.get(Merchant, merchant_id)


def create_merchant(*, session: Session, data: MerchantIn, status: str = "active") -> Merchant:
    m = Merchant(name=data.name, slug=data.slug, region=data.region, city=data.city,
                 status=status, created_at=clock.now())
    _unique(session, m)
    return m


def set_merchant_status(*, session: Session, merchant_id: str, from_statuses: list[str],
                        to: str) -> bool:
    """Move the merchant to ``to`` only from one of ``from_statuses`` (merchants/ owns the
    lifecycle); False when it was not in one of them (a racing change won)."""
    return bool(session.execute(update(Merchant).where(
        Merchant.id == merchant_id, Merchant.status.in_(from_statuses))
        .values(status=to)).rowcount)


def list_brands(*, session: Session) -> list[Brand]:
    return list(session.scalars(select(Brand).order_by(Brand.name)))


def create_brand(*, session: Session, data: BrandIn) -> Brand:
    b = Brand(name=data.name, slug=data.slug, created_at=clock.now())
    _unique(session, b)
    return b
