from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from transactional_api.core.deps import OptionalCaller, RedisDep
from transactional_api.core.errors import Forbidden
from transactional_api.core.permissions import Permission
from transactional_api.recommendations import service
from transactional_api.recommendations.schemas import RecommendationsOut, RecommendedItem

router = APIRouter(tags=["recommendations"])


@router.get("/v1/recommendations", response_model=RecommendationsOut)
def recommendations(
    redis: RedisDep,
    caller: OptionalCaller,
    user_id: Annotated[str | None, Query(
        min_length=1, max_length=64,
        description="Only an operator may name another user; shoppers get their own list "
                    "from their bearer token")] = None,
    product_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> RecommendationsOut:
    # A personal list reveals what someone browsed and bought: it is the caller's own.
    if user_id is not None and (caller is None or caller.owner_filter(
            Permission.DATA, Permission.MARKETING) not in (None, user_id)):
        raise Forbidden("personal recommendations are for their owner only",
                        code="not_your_recommendations")
    personal = user_id or (caller.id if caller else None)
    source, items = service.recommend(
        redis=redis, user_id=personal, product_id=product_id, limit=limit
    )
    return RecommendationsOut(
        source=source, items=[RecommendedItem(product_id=p, score=s) for p, s in items]
    )
