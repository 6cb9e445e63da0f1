"""Replenishment over HTTP (the 'catalog' permission): the published reorder suggestions
and the one call that makes a draft purchase order of one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy.exc import IntegrityError

from transactional_api.core import clock
from transactional_api.core.deps import CatalogCaller, Db, RedisDep
from transactional_api.replenishment import service
from transactional_api.replenishment.schemas import DraftOrderOut, SuggestionList

router = APIRouter(tags=["replenishment"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.get("/v1/admin/replenishment/suggestions", response_model=SuggestionList)
def list_suggestions(redis: RedisDep, _: CatalogCaller) -> SuggestionList:
    """The reorder suggestions of the latest pipeline run; an empty list when none are
    published or Redis is unavailable."""
    return service.published(redis_client=redis)


@router.post("/v1/admin/replenishment/suggestions/{sku_id}/{location_id}/purchase-order",
             response_model=DraftOrderOut, status_code=201,
             responses={200: {"model": DraftOrderOut,
                              "description": "The draft an earlier call made"}})
def accept_suggestion(sku_id: IdPath, location_id: IdPath, response: Response, db: Db,
                      redis: RedisDep, caller: CatalogCaller) -> DraftOrderOut:
    """A draft purchase order for the published suggestion (201), or the one an earlier
    call made of it (200). 404 `no_suggestion`, 409 `no_contract`."""
    suggestion = service.find(redis_client=redis, sku_id=sku_id, location_id=location_id)
    try:
        with db.begin():
            draft, created = service.accept(session=db, suggestion=suggestion,
                                             actor_id=caller.id, now=clock.now())
    except IntegrityError:
        # a concurrent call claimed the suggestion first: answer with its draft
        with db.begin():
            draft = service.existing(session=db, suggestion_id=suggestion.suggestion_id)
        if draft is None:
            raise
        created = False
    if not created:
        response.status_code = 200
    return draft
