from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from transactional_api.core.deps import (
    CatalogCaller,
    CurrentCaller,
    Db,
    MerchantCatalogCaller,
    ReadDb,
)
from transactional_api.reviews import service
from transactional_api.reviews.models import Review
from transactional_api.reviews.ratings import RatingSummary
from transactional_api.reviews.schemas import (
    MerchantReviewPage,
    ModerationIn,
    ModerationPage,
    ModerationReviewOut,
    OwnReviewOut,
    ProductReviewsOut,
    RatingSummaryOut,
    ReplyIn,
    ReplyOut,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    RiskFlagOut,
)
from transactional_api.risk import gates as risk_gates
from transactional_api.risk import service as risk

router = APIRouter(tags=["reviews"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _reply(r: Review) -> ReplyOut | None:
    return ReplyOut(text=r.reply_text, replied_at=r.replied_at) if r.reply_text else None


def _public(r: Review) -> ReviewOut:
    return ReviewOut(id=r.id, product_id=r.product_id, sku_id=r.sku_id, rating=r.rating,
                     text=r.text, photo_urls=list(r.photo_urls or []), created_at=r.created_at,
                     reply=_reply(r))


def _full(r: Review) -> OwnReviewOut:
    return OwnReviewOut(**_public(r).model_dump(), order_id=r.order_id,
                        merchant_id=r.merchant_id, user_id=r.user_id, status=r.status,
                        reject_reason=r.reject_reason, moderated_by=r.moderated_by,
                        moderated_at=r.moderated_at)


def _summary(s: RatingSummary) -> RatingSummaryOut:
    return RatingSummaryOut(count=s.count, average=s.average, histogram=dict(s.histogram))


@router.post("/v1/products/{product_id}/reviews", status_code=201, response_model=OwnReviewOut)
def submit(product_id: IdPath, body: ReviewIn, db: Db, caller: CurrentCaller,
           request: Request) -> OwnReviewOut:
    """Review a SKU you bought and received (once per order line); it shows once an
    operator publishes it. Risk control may refuse it (403 risk_blocked)."""
    with risk_gates.recording(db), db.begin():
        review = service.submit(session=db, user_id=caller.id, product_id=product_id,
                                order_id=body.order_id, sku_id=body.sku_id,
                                rating=body.rating, text=body.text,
                                photo_urls=body.photo_urls)
        risk_gates.check_review(request, session=db, review=review, user_id=caller.id)
        return _full(review)


@router.get("/v1/products/{product_id}/reviews", response_model=ProductReviewsOut)
def product_reviews(product_id: IdPath, db: ReadDb, limit: Limit = 20,
                    offset: Offset = 0) -> ProductReviewsOut:
    """Published reviews, newest first, with the product's rating summary."""
    rows, summary = service.published(session=db, product_id=product_id, limit=limit,
                                      offset=offset)
    return ProductReviewsOut(items=[_public(r) for r in rows], total=summary.count,
                             limit=limit, offset=offset, summary=_summary(summary))


@router.get("/v1/me/reviews", response_model=ReviewPage)
def my_reviews(db: ReadDb, caller: CurrentCaller, limit: Limit = 20,
               offset: Offset = 0) -> ReviewPage:
    """Your reviews in every state (a rejection says why), newest first."""
    rows, total = service.own(session=db, user_id=caller.id, limit=limit, offset=offset)
    return ReviewPage(items=[_full(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/v1/admin/reviews", response_model=ModerationPage)
def admin_reviews(
    db: ReadDb, _: CatalogCaller,
    status: Literal["pending", "published", "rejected"] | None = None,
    product_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> ModerationPage:
    """The moderation queue (status=pending) and every other review, oldest first; risk
    says why risk control challenged a review's submission (review brushing)."""
    rows, total = service.for_operators(session=db, status=status, product_id=product_id,
                                        limit=limit, offset=offset)
    flags = risk.review_flags(session=db, reviews=rows)

    def item(r: Review) -> ModerationReviewOut:
        d = flags.get(r.id)
        flag = d and RiskFlagOut(decision_id=d.id, outcome=d.outcome, score=d.score,
                                 reasons=list(d.reasons or []))
        return ModerationReviewOut(**_full(r).model_dump(), risk=flag)

    return ModerationPage(items=[item(r) for r in rows], total=total, limit=limit,
                          offset=offset)


@router.post("/v1/admin/reviews/{review_id}/moderation", response_model=OwnReviewOut)
def moderate(review_id: IdPath, body: ModerationIn, db: Db,
             caller: CatalogCaller) -> OwnReviewOut:
    """Publish or reject (with a reason) a pending review; any other move is 409."""
    with db.begin():
        return _full(service.moderate(session=db, review_id=review_id, actor_id=caller.id,
                                      decision=body.decision, reason=body.reason))


@router.post("/v1/admin/reviews/{review_id}/reply", response_model=OwnReviewOut)
def reply(review_id: IdPath, body: ReplyIn, db: Db, caller: CatalogCaller) -> OwnReviewOut:
    """The shop's one public answer to a published review (409 already_replied after);
    merchant staff answer their own goods' reviews under /v1/merchant/reviews."""
    with db.begin():
        return _full(service.reply(session=db, review_id=review_id, actor_id=caller.id,
                                   text=body.text))


@router.get("/v1/merchant/reviews", response_model=MerchantReviewPage)
def merchant_reviews(
    db: ReadDb, caller: MerchantCatalogCaller, replied: bool | None = None,
    product_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
    limit: Limit = 20, offset: Offset = 0,
) -> MerchantReviewPage:
    """The published reviews of your goods, newest first (?replied=false: still to answer)."""
    rows, total = service.for_merchant(session=db, merchant_id=caller.merchant_id,
                                       replied=replied, product_id=product_id, limit=limit,
                                       offset=offset)
    return MerchantReviewPage(items=[_public(r) for r in rows], total=total, limit=limit,
                              offset=offset)


@router.put("/v1/merchant/reviews/{review_id}/reply", response_model=ReviewOut)
def merchant_reply(review_id: IdPath, body: ReplyIn, db: Db,
                   caller: MerchantCatalogCaller) -> ReviewOut:
    """Set or replace your shop's public answer to a published review of your goods;
    another merchant's review is 404 like a missing one."""
    with db.begin():
        return _public(service.merchant_reply(session=db, review_id=review_id,
                                              merchant_id=caller.merchant_id,
                                              actor_id=caller.id, text=body.text))


@router.delete("/v1/merchant/reviews/{review_id}/reply", status_code=204)
def delete_merchant_reply(review_id: IdPath, db: Db,
                          caller: MerchantCatalogCaller) -> Response:
    """Withdraw your shop's answer (404 reply_not_found when there is none)."""
    with db.begin():
        service.delete_reply(session=db, review_id=review_id,
                             merchant_id=caller.merchant_id, actor_id=caller.id)
    return Response(status_code=204)
