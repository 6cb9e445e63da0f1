"""Landing pages and resource slots over HTTP: operators' definitions (the 'marketing'
permission) and the storefront's GET /v1/pages/{slug} and GET /v1/slots/{slot}."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import Db, MarketingCaller, OptionalCaller, ReadDb, SettingsDep
from transactional_api.landing import definitions as defs
from transactional_api.landing import serving
from transactional_api.landing.models import LandingPage, SlotCreative
from transactional_api.landing.schemas import (
    CreativeIn,
    CreativeList,
    CreativeOut,
    PageIn,
    PageList,
    PageOut,
    ServedPage,
    ServedSlot,
    TransitionIn,
)
from transactional_api.translations.content import localize_page
from transactional_api.translations.deps import Lang, say_language

router = APIRouter(tags=["landing"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
SlugPath = Annotated[str, Path(min_length=1, max_length=80)]
Status = Literal["draft", "published", "archived"]


def _definitions(request: Request, settings) -> serving.Definitions:
    held = getattr(request.app.state, "landing_definitions", None)
    if held is None:
        held = request.app.state.landing_definitions = serving.Definitions(
            settings.landing_cache_seconds)
    return held


def _changed(request: Request, settings) -> None:
    # after the commit: a reader in between could otherwise cache the old definitions
    _definitions(request, settings).forget()


def page_out(p: LandingPage) -> PageOut:
    return PageOut(id=p.id, slug=p.slug, title=p.title, status=p.status,
                   starts_at=p.starts_at, ends_at=p.ends_at, audience_id=p.audience_id,
                   blocks=list(p.blocks or []), version=p.version, created_by=p.created_by,
                   created_at=p.created_at, updated_at=p.updated_at)


def creative_out(c: SlotCreative) -> CreativeOut:
    return CreativeOut(id=c.id, slot=c.slot, title=c.title, image_url=c.image_url,
                       target_url=c.target_url, target_page_slug=c.target_page_slug,
                       category_id=c.category_id, audience_id=c.audience_id,
                       priority=c.priority, status=c.status, starts_at=c.starts_at,
                       ends_at=c.ends_at, version=c.version, created_by=c.created_by,
                       created_at=c.created_at, updated_at=c.updated_at)


# --- operators: pages ----------------------------------------------------------------
@router.post("/v1/admin/pages", status_code=201, response_model=PageOut)
def create_page(body: PageIn, db: Db, caller: MarketingCaller) -> PageOut:
    """A draft page. 422 unknown_products / unknown_category / unknown_brand /
    unknown_coupon_template / audience_not_found / bad_schedule / bad_product_rule;
    409 slug_taken."""
    with db.begin():
        return page_out(defs.create_page(session=db, body=body, actor_id=caller.id))


@router.get("/v1/admin/pages", response_model=PageList)
def list_pages(db: ReadDb, _: MarketingCaller, status: Status | None = None) -> PageList:
    with db.begin():
        return PageList(items=[page_out(p) for p in defs.list_pages(session=db, status=status)])


@router.get("/v1/admin/pages/{page_id}", response_model=PageOut)
def get_page(page_id: IdPath, db: ReadDb, _: MarketingCaller) -> PageOut:
    with db.begin():
        return page_out(defs.get_page(session=db, page_id=page_id))


@router.put("/v1/admin/pages/{page_id}", response_model=PageOut)
def replace_page(page_id: IdPath, body: PageIn, db: Db, caller: MarketingCaller,
                 request: Request, settings: SettingsDep) -> PageOut:
    """Replace the definition (checked as on create); 409 page_archived."""
    with db.begin():
        out = page_out(defs.replace_page(session=db, page_id=page_id, body=body,
                                         actor_id=caller.id))
    _changed(request, settings)
    return out


@router.post("/v1/admin/pages/{page_id}/transitions", response_model=PageOut)
def move_page(page_id: IdPath, body: TransitionIn, db: Db, caller: MarketingCaller,
              request: Request, settings: SettingsDep) -> PageOut:
    """publish (draft), unpublish (published), archive (final); else 409
    illegal_transition."""
    with db.begin():
        out = page_out(defs.move_page(session=db, page_id=page_id, action=body.action,
                                      actor_id=caller.id))
    _changed(request, settings)
    return out


# --- operators: slot creatives -------------------------------------------------------
@router.post("/v1/admin/slots", status_code=201, response_model=CreativeOut)
def create_creative(body: CreativeIn, db: Db, caller: MarketingCaller) -> CreativeOut:
    """A draft creative in a slot (home_banner, popup, category_banner). 422 bad_target /
    category_not_allowed / unknown_category / unknown_page / audience_not_found /
    bad_schedule."""
    with db.begin():
        return creative_out(defs.create_creative(session=db, body=body, actor_id=caller.id))


@router.get("/v1/admin/slots", response_model=CreativeList)
def list_creatives(db: ReadDb, _: MarketingCaller,
                   slot: Literal["home_banner", "popup", "category_banner"] | None = None,
                   status: Status | None = None) -> CreativeList:
    with db.begin():
        return CreativeList(items=[creative_out(c) for c in defs.list_creatives(
            session=db, slot=slot, status=status)])


@router.get("/v1/admin/slots/{creative_id}", response_model=CreativeOut)
def get_creative(creative_id: IdPath, db: ReadDb, _: MarketingCaller) -> CreativeOut:
    with db.begin():
        return creative_out(defs.get_creative(session=db, creative_id=creative_id))


@router.put("/v1/admin/slots/{creative_id}", response_model=CreativeOut)
def replace_creative(creative_id: IdPath, body: CreativeIn, db: Db, caller: MarketingCaller,
                     request: Request, settings: SettingsDep) -> CreativeOut:
    """Replace the creative (its slot stays: 422 slot_fixed); 409 creative_archived."""
    with db.begin():
        out = creative_out(defs.replace_creative(session=db, creative_id=creative_id,
                                                 body=body, actor_id=caller.id))
    _changed(request, settings)
    return out


@router.post("/v1/admin/slots/{creative_id}/transitions", response_model=CreativeOut)
def move_creative(creative_id: IdPath, body: TransitionIn, db: Db, caller: MarketingCaller,
                  request: Request, settings: SettingsDep) -> CreativeOut:
    with db.begin():
        out = creative_out(defs.move_creative(session=db, creative_id=creative_id,
                                              action=body.action, actor_id=caller.id))
    _changed(request, settings)
    return out


# --- storefront ----------------------------------------------------------------------
def _viewer(request: Request, db, settings, caller) -> serving.Viewer:
    return serving.Viewer(session=db, redis=request.app.state.redis, settings=settings,
                          user_id=caller.id if caller else None, answers={})


@router.get("/v1/pages/{slug}", response_model=ServedPage)
def served_page(slug: SlugPath, request: Request, db: ReadDb, caller: OptionalCaller,
                settings: SettingsDep, lang: Lang, response: Response) -> ServedPage:
    """A published page in its schedule whose audience (if any) holds the shopper; else
    404 page_not_found. Products are listed and in stock at the time of the request."""
    with db.begin():
        page = localize_page(db, serving.page(
            definitions=_definitions(request, settings),
            viewer=_viewer(request, db, settings, caller), slug=slug, now=clock.now()), lang)
    say_language(response, lang)
    return page


@router.get("/v1/slots/{slot}", response_model=ServedSlot)
def served_slot(slot: Annotated[str, Path(min_length=1, max_length=40)], request: Request,
                db: ReadDb, caller: OptionalCaller, settings: SettingsDep,
                category_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None
                ) -> ServedSlot:
    """The creatives in force for this shopper, highest priority first (404 unknown_slot)."""
    with db.begin():
        return serving.slot(definitions=_definitions(request, settings),
                            viewer=_viewer(request, db, settings, caller), slot_name=slot,
                            now=clock.now(), category_id=category_id)
