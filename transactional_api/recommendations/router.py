from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from transactional_api.core.deps import RedisDep
from transactional_api.recommendations import service
from transactional_api.recommendations.schemas import RecommendationsOut, RecommendedItem

router = APIRouter(tags=["recommendations"])


@router.get("/v1/recommendations", response_model=RecommendationsOut)
def recommendations(
    redis: RedisDep,
    user_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    product_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> RecommendationsOut:
    source, items = service.recommend(
        redis=redis, user_id=user_id, product_id=product_id, limit=limit
    )
    return RecommendationsOut(
        source=source, items=[RecommendedItem(product_id=p, score=s) for p, s in items]
    )
