"""The operators' review queue of orders held by a risk challenge (permission: orders)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core.deps import Db, OrdersCaller, ReadDb, SettingsDep
from transactional_api.risk import service
from transactional_api.risk.schemas import ReviewOut, ReviewPage, VerdictIn

router = APIRouter(tags=["risk"])
ReviewPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.get("/v1/admin/risk/reviews", response_model=ReviewPage,
            description="Orders held for review, oldest first (status=open by default).")
def list_reviews(db: ReadDb, _: OrdersCaller,
                 status: Literal["open", "approved", "rejected", "all"] = "open",
                 limit: Annotated[int, Query(ge=1, le=100)] = 20,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> ReviewPage:
    with db.begin():
        rows, total = service.list_reviews(session=db, status=None if status == "all"
                                           else status, limit=limit, offset=offset)
        return ReviewPage(items=[ReviewOut.model_validate(r) for r in rows], total=total,
                          limit=limit, offset=offset)


def _decide(db, caller, settings, review_id: str, body: VerdictIn | None, approve: bool,
            response: Response) -> ReviewOut:
    with db.begin():
        review, changed = service.decide(
            session=db, review_id=review_id, approve=approve, actor_id=caller.id,
            note=body.note if body else None,
            payment_timeout_seconds=settings.order_payment_timeout_seconds)
        out = ReviewOut.model_validate(review)
    if not changed:
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.post("/v1/admin/risk/reviews/{review_id}/approve", response_model=ReviewOut,
             description="The order may be paid: its sub-orders resume and the shopper gets "
             "the usual payment window. Approving again changes nothing; 409 when rejected.")
def approve(review_id: ReviewPath, db: Db, caller: OrdersCaller, settings: SettingsDep,
            response: Response, body: VerdictIn | None = None) -> ReviewOut:
    return _decide(db, caller, settings, review_id, body, True, response)


@router.post("/v1/admin/risk/reviews/{review_id}/reject", response_model=ReviewOut,
             description="The order is cancelled, its stock released and its points "
             "returned. Rejecting again changes nothing; 409 when approved.")
def reject(review_id: ReviewPath, db: Db, caller: OrdersCaller, settings: SettingsDep,
           response: Response, body: VerdictIn | None = None) -> ReviewOut:
    return _decide(db, caller, settings, review_id, body, False, response)
