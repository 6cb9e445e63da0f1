"""What the storefront is served: the published page behind a slug and the creatives in
force in a slot, for this shopper.

- Definitions (every published page and creative) are read once per
  settings.landing_cache_seconds per process (one Definitions per app); an operator's edit
  in this process drops them once its transaction commits, other processes see it within
  the TTL. The schedule and audience are judged per request, at the shop clock.
- Audiences through tags' public in_audience (a deleted audience or tags being down hides
  the content rather than failing the page); an anonymous shopper sees only content
  without an audience.
- Products are resolved live: a products block through the catalog (unlisted and out of
  stock products dropped), a product_rule through the search index (listed and in stock).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import redis as redis_lib
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog import listed as catalog_listed
from transactional_api.catalog.schemas import ProductOut
from transactional_api.config import Settings
from transactional_api.core.errors import DomainError, NotFound
from transactional_api.landing.models import PUBLISHED, SLOTS, LandingPage, SlotCreative
from transactional_api.landing.schemas import (
    ProductCard,
    ServedBlock,
    ServedCreative,
    ServedPage,
    ServedSlot,
)
from transactional_api.pricing import coupon_templates
from transactional_api.search import service as search
from transactional_api.search.query import SearchQuery
from transactional_api.tags.audience_check import in_audience

log = logging.getLogger("flywheel.landing")
RULE_SORTS = {"newest": "newest", "price_asc": "price_asc", "price_desc": "price_desc",
              "sales": "bestselling"}


@dataclass(frozen=True)
class PageDef:
    id: str
    slug: str
    title: str
    version: int
    starts_at: datetime | None
    ends_at: datetime | None
    audience_id: str | None
    blocks: tuple[dict, ...]


@dataclass(frozen=True)
class CreativeDef:
    id: str
    slot: str
    title: str
    image_url: str
    target_url: str | None
    target_page_slug: str | None
    category_id: str | None
    audience_id: str | None
    priority: int
    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True)
class Snapshot:
    pages: dict[str, PageDef]  # by slug
    slots: dict[str, tuple[CreativeDef, ...]]  # by slot, highest priority first


class Definitions:
    """The published definitions of one app, reread at most every ttl seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._held: tuple[float, Snapshot] | None = None
        self._lock = threading.Lock()

    def forget(self) -> None:
        self._held = None

    def get(self, session: Session) -> Snapshot:
        held = self._held
        if held is not None and time.monotonic() - held[0] < self.ttl:
            return held[1]
        read_at = time.monotonic()
        snapshot = _load(session)
        with self._lock:
            self._held = (read_at, snapshot)
        return snapshot


def _load(session: Session) -> Snapshot:
    pages = {p.slug: PageDef(id=p.id, slug=p.slug, title=p.title, version=p.version,
                             starts_at=p.starts_at, ends_at=p.ends_at,
                             audience_id=p.audience_id, blocks=tuple(p.blocks or ()))
             for p in session.scalars(select(LandingPage).where(
                 LandingPage.status == PUBLISHED))}
    slots: dict[str, list[CreativeDef]] = {s: [] for s in SLOTS}
    for c in session.scalars(select(SlotCreative).where(SlotCreative.status == PUBLISHED)
                             .order_by(SlotCreative.priority.desc(), SlotCreative.created_at,
                                       SlotCreative.id)):
        slots[c.slot].append(CreativeDef(
            id=c.id, slot=c.slot, title=c.title, image_url=c.image_url,
            target_url=c.target_url, target_page_slug=c.target_page_slug,
            category_id=c.category_id, audience_id=c.audience_id, priority=c.priority,
            starts_at=c.starts_at, ends_at=c.ends_at))
    return Snapshot(pages=pages, slots={k: tuple(v) for k, v in slots.items()})


def in_schedule(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> bool:
    return (starts_at is None or starts_at <= now) and (ends_at is None or now < ends_at)


@dataclass
class Viewer:
    """The shopper (None: anonymous) and their audience answers, asked once per request."""

    session: Session
    redis: redis_lib.Redis
    settings: Settings
    user_id: str | None
    answers: dict[str, bool]

    def sees(self, audience_id: str | None) -> bool:
        if audience_id is None:
            return True
        if self.user_id is None:
            return False
        if audience_id not in self.answers:
            try:
                self.answers[audience_id] = in_audience(
                    self.session, self.redis, audience_id, self.user_id,
                    settings=self.settings)
            except DomainError as exc:
                log.warning("audience check failed", extra={"audience_id": audience_id,
                                                            "error": exc.code})
                self.answers[audience_id] = False
        return self.answers[audience_id]


def _card(p: ProductOut) -> ProductCard | None:
    stocked = [s for s in p.skus if s.available is None or s.available > 0]
    if not stocked:
        return None
    cheapest = min(stocked, key=lambda s: s.price_cents)
    return ProductCard(product_id=p.id, name=p.name, price_cents=cheapest.price_cents,
                       currency=cheapest.currency, image=p.images[0] if p.images else None)


def _rule_cards(session: Session, block: dict) -> list[ProductCard]:
    found = search.search(session=session, params=SearchQuery(
        category_id=block.get("category_id"), brand_id=block.get("brand_id"),
        min_price_cents=block.get("min_price_cents"),
        max_price_cents=block.get("max_price_cents"), in_stock=True,
        sort=RULE_SORTS[block.get("sort", "newest")], limit=block.get("limit", 12),
        facets=False))
    return [ProductCard(product_id=i["product_id"], name=i["name"],
                        price_cents=i["min_price_cents"], currency=i["currency"],
                        image=i.get("image")) for i in found.items]


def _served_blocks(session: Session, blocks: tuple[dict, ...], now: datetime
                   ) -> list[ServedBlock]:
    explicit = [p for b in blocks if b["kind"] == "products" for p in b["product_ids"]]
    listed = {p.id: p for p in catalog_listed.listed_products(session=session,
                                                               product_ids=explicit)}
    claimable: set[str] | None = None
    out = []
    for b in blocks:
        kind = b["kind"]
        if kind == "products":
            cards = [c for c in (_card(listed[i]) for i in b["product_ids"] if i in listed) if c]
            out.append(ServedBlock(kind=kind, title=b.get("title"), products=cards))
        elif kind == "product_rule":
            out.append(ServedBlock(kind=kind, title=b.get("title"),
                                   products=_rule_cards(session, b)))
        elif kind == "coupon":
            try:
                t = coupon_templates.get(session=session, template_id=b["template_id"],
                                         merchant=None)
            except NotFound:
                continue
            if claimable is None:
                claimable = {x.id for x in coupon_templates.claimable(session=session, now=now)}
            out.append(ServedBlock(kind=kind, template_id=t.id, coupon_name=t.name,
                                   claimable=t.id in claimable,
                                   claim_path=f"/v1/coupons/templates/{t.id}/claim"))
        else:
            out.append(ServedBlock(kind=kind, heading=b.get("heading"), body=b.get("body")))
    return out


def page(*, definitions: Definitions, viewer: Viewer, slug: str, now: datetime) -> ServedPage:
    """404 page_not_found unless published, in schedule and the shopper is in its audience
    (a page someone may not see answers exactly as one that does not exist)."""
    p = definitions.get(viewer.session).pages.get(slug)
    if p is None or not in_schedule(p.starts_at, p.ends_at, now) or not viewer.sees(
            p.audience_id):
        raise NotFound("landing page not found", code="page_not_found")
    return ServedPage(id=p.id, slug=p.slug, title=p.title, version=p.version,
                      blocks=_served_blocks(viewer.session, p.blocks, now))


def slot(*, definitions: Definitions, viewer: Viewer, slot_name: str, now: datetime,
         category_id: str | None = None) -> ServedSlot:
    """The creatives in force for this shopper, highest priority first. A category_banner
    asked with a category shows creatives of that category and those of none."""
    if slot_name not in SLOTS:
        raise NotFound("no such slot", code="unknown_slot", details={"slots": list(SLOTS)})
    items = [ServedCreative(creative_id=c.id, title=c.title, image_url=c.image_url,
                            target_url=c.target_url, target_page_slug=c.target_page_slug,
                            priority=c.priority)
             for c in definitions.get(viewer.session).slots[slot_name]
             if in_schedule(c.starts_at, c.ends_at, now)
             and (c.category_id is None or c.category_id == category_id)
             and viewer.sees(c.audience_id)]
    return ServedSlot(slot=slot_name, items=items)
