"""Operators' landing pages and slot creatives: create, replace, list, and the lifecycle
draft <-> published, any -> archived (final). A definition is checked against the catalog,
coupons and audiences when saved (422, nothing saved); every change bumps its version and
emits one *_changed event in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.catalog import taxonomy
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import landing_events as le
from transactional_api.events.outbox import emit
from transactional_api.landing.models import ARCHIVED, DRAFT, PUBLISHED, LandingPage, SlotCreative
from transactional_api.landing.schemas import CreativeIn, PageIn
from transactional_api.pricing import coupon_templates
from transactional_api.tags import audiences

# action -> (statuses it applies to, resulting status, event action)
MOVES = {"publish": ((DRAFT,), PUBLISHED, "published"),
         "unpublish": ((PUBLISHED,), DRAFT, "unpublished"),
         "archive": ((DRAFT, PUBLISHED), ARCHIVED, "archived")}


def _check_schedule(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise Unprocessable("ends_at must be after starts_at", code="bad_schedule",
                            details={"starts_at": starts_at.isoformat(),
                                     "ends_at": ends_at.isoformat()})


def _check_audience(session: Session, audience_id: str | None) -> None:
    if audience_id is None:
        return
    try:
        audiences.get(session=session, audience_id=audience_id)
    except NotFound:
        raise Unprocessable("audience not found", code="audience_not_found",
                            details={"audience_id": audience_id}) from None


def _check_blocks(session: Session, body: PageIn) -> None:
    wanted = sorted({p for b in body.blocks if b.kind == "products" for p in b.product_ids})
    unknown = sorted(set(wanted) - set(catalog.product_skus(
        session=session, product_ids=wanted, sku_ids=[])))
    if unknown:
        raise Unprocessable("unknown products", code="unknown_products",
                            details={"product_ids": unknown})
    rules = [b for b in body.blocks if b.kind == "product_rule"]
    if rules:
        categories = {c.id for c in taxonomy.list_categories(session=session)}
        brands = {b.id for b in taxonomy.list_brands(session=session)}
    for i, b in enumerate(rules):
        if b.category_id is None and b.brand_id is None:
            raise Unprocessable("a product rule needs a category or a brand",
                                code="bad_product_rule", details={"rule": i})
        if b.category_id is not None and b.category_id not in categories:
            raise Unprocessable("unknown category", code="unknown_category",
                                details={"category_id": b.category_id})
        if b.brand_id is not None and b.brand_id not in brands:
            raise Unprocessable("unknown brand", code="unknown_brand",
                                details={"brand_id": b.brand_id})
        if (b.min_price_cents is not None and b.max_price_cents is not None
                and b.min_price_cents > b.max_price_cents):
            raise Unprocessable("min_price_cents is above max_price_cents",
                                code="bad_price_range", details={"rule": i})
    for b in body.blocks:
        if b.kind == "coupon":
            try:
                coupon_templates.get(session=session, template_id=b.template_id, merchant=None)
            except NotFound:
                raise Unprocessable("unknown coupon template", code="unknown_coupon_template",
                                    details={"template_id": b.template_id}) from None


# --- pages ---------------------------------------------------------------------------
def _page_event(p: LandingPage, action: str, actor_id: str) -> le.LandingPageChanged:
    return le.LandingPageChanged(occurred_at=p.updated_at, user_id=actor_id, payload=(
        le.LandingPageChangedPayload(
            page_id=p.id, slug=p.slug, title=p.title, action=action, status=p.status,
            version=p.version, audience_id=p.audience_id, starts_at=p.starts_at,
            ends_at=p.ends_at, block_count=len(p.blocks))))


def _slug_free(session: Session, slug: str, page_id: str | None) -> None:
    taken = session.scalar(select(LandingPage.id).where(LandingPage.slug == slug))
    if taken is not None and taken != page_id:
        raise Conflict("this slug is taken", code="slug_taken", details={"slug": slug})


def _apply_page(session: Session, p: LandingPage, body: PageIn) -> None:
    _check_schedule(body.starts_at, body.ends_at)
    _check_audience(session, body.audience_id)
    _check_blocks(session, body)
    _slug_free(session, body.slug, p.id)
    p.slug, p.title, p.audience_id = body.slug, body.title, body.audience_id
    p.starts_at, p.ends_at = body.starts_at, body.ends_at
    p.blocks = [b.model_dump(mode="json", exclude_none=True) for b in body.blocks]


def create_page(*, session: Session, body: PageIn, actor_id: str) -> LandingPage:
    now = clock.now()
    p = LandingPage(status=DRAFT, version=1, created_by=actor_id, created_at=now,
                    updated_at=now)
    _apply_page(session, p, body)
    session.add(p)
    session.flush()
    emit(session=session, event=_page_event(p, "created", actor_id))
    return p


def get_page(*, session: Session, page_id: str, lock: bool = False) -> LandingPage:
    query = select(LandingPage).where(LandingPage.id == page_id) \
        .execution_options(populate_existing=True)
    p = session.scalar(query.with_for_update() if lock else query)
    if p is None:
        raise NotFound("landing page not found", code="page_not_found")
    return p


def list_pages(*, session: Session, status: str | None = None) -> list[LandingPage]:
    query = select(LandingPage).order_by(LandingPage.created_at.desc(), LandingPage.id)
    if status:
        query = query.where(LandingPage.status == status)
    return list(session.scalars(query))


def replace_page(*, session: Session, page_id: str, body: PageIn, actor_id: str) -> LandingPage:
    p = get_page(session=session, page_id=page_id, lock=True)
    if p.status == ARCHIVED:
        raise Conflict("an archived page cannot change", code="page_archived")
    _apply_page(session, p, body)
    p.version += 1
    p.updated_at = clock.now()
    emit(session=session, event=_page_event(p, "updated", actor_id))
    return p


def move_page(*, session: Session, page_id: str, action: str, actor_id: str) -> LandingPage:
    p = get_page(session=session, page_id=page_id, lock=True)
    sources, target, done = MOVES[action]
    if p.status not in sources:
        raise Conflict(f"cannot {action} a page that is {p.status}", code="illegal_transition",
                       details={"status": p.status, "action": action})
    p.status, p.updated_at = target, clock.now()
    p.version += 1
    emit(session=session, event=_page_event(p, done, actor_id))
    return p


# --- slot creatives ------------------------------------------------------------------
def _creative_event(c: SlotCreative, action: str, actor_id: str) -> le.SlotCreativeChanged:
    return le.SlotCreativeChanged(occurred_at=c.updated_at, user_id=actor_id, payload=(
        le.SlotCreativeChangedPayload(
            creative_id=c.id, slot=c.slot, title=c.title, action=action, status=c.status,
            version=c.version, priority=c.priority, audience_id=c.audience_id,
            category_id=c.category_id, target_page_slug=c.target_page_slug,
            starts_at=c.starts_at, ends_at=c.ends_at)))


def _apply_creative(session: Session, c: SlotCreative, body: CreativeIn) -> None:
    if (body.target_url is None) == (body.target_page_slug is None):
        raise Unprocessable("give exactly one of target_url and target_page_slug",
                            code="bad_target")
    if body.category_id is not None and body.slot != "category_banner":
        raise Unprocessable("only a category_banner has a category",
                            code="category_not_allowed", details={"slot": body.slot})
    _check_schedule(body.starts_at, body.ends_at)
    _check_audience(session, body.audience_id)
    if body.category_id is not None and body.category_id not in {
            x.id for x in taxonomy.list_categories(session=session)}:
        raise Unprocessable("unknown category", code="unknown_category",
                            details={"category_id": body.category_id})
    if body.target_page_slug is not None and session.scalar(select(LandingPage.id).where(
            LandingPage.slug == body.target_page_slug)) is None:
        raise Unprocessable("no landing page has this slug", code="unknown_page",
                            details={"slug": body.target_page_slug})
    c.slot, c.title, c.image_url = body.slot, body.title, str(body.image_url)
    c.target_url = None if body.target_url is None else str(body.target_url)
    c.target_page_slug, c.category_id = body.target_page_slug, body.category_id
    c.audience_id, c.priority = body.audience_id, body.priority
    c.starts_at, c.ends_at = body.starts_at, body.ends_at


def create_creative(*, session: Session, body: CreativeIn, actor_id: str) -> SlotCreative:
    now = clock.now()
    c = SlotCreative(status=DRAFT, version=1, created_by=actor_id, created_at=now,
                     updated_at=now)
    _apply_creative(session, c, body)
    session.add(c)
    session.flush()
    emit(session=session, event=_creative_event(c, "created", actor_id))
    return c


def get_creative(*, session: Session, creative_id: str, lock: bool = False) -> SlotCreative:
    query = select(SlotCreative).where(SlotCreative.id == creative_id) \
        .execution_options(populate_existing=True)
    c = session.scalar(query.with_for_update() if lock else query)
    if c is None:
        raise NotFound("slot creative not found", code="creative_not_found")
    return c


def list_creatives(*, session: Session, slot: str | None = None,
                   status: str | None = None) -> list[SlotCreative]:
    query = select(SlotCreative).order_by(SlotCreative.slot, SlotCreative.priority.desc(),
                                          SlotCreative.created_at, SlotCreative.id)
    if slot:
        query = query.where(SlotCreative.slot == slot)
    if status:
        query = query.where(SlotCreative.status == status)
    return list(session.scalars(query))


def replace_creative(*, session: Session, creative_id: str, body: CreativeIn,
                     actor_id: str) -> SlotCreative:
    c = get_creative(session=session, creative_id=creative_id, lock=True)
    if c.status == ARCHIVED:
        raise Conflict("an archived creative cannot change", code="creative_archived")
    if body.slot != c.slot:
        raise Unprocessable("a creative's slot cannot change", code="slot_fixed")
    _apply_creative(session, c, body)
    c.version += 1
    c.updated_at = clock.now()
    emit(session=session, event=_creative_event(c, "updated", actor_id))
    return c


def move_creative(*, session: Session, creative_id: str, action: str,
                  actor_id: str) -> SlotCreative:
    c = get_creative(session=session, creative_id=creative_id, lock=True)
    sources, target, done = MOVES[action]
    if c.status not in sources:
        raise Conflict(f"cannot {action} a creative that is {c.status}",
                       code="illegal_transition", details={"status": c.status,
                                                           "action": action})
    c.status, c.updated_at = target, clock.now()
    c.version += 1
    emit(session=session, event=_creative_event(c, done, actor_id))
    return c
