from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter

MAX_TEXT = 2000
MAX_PHOTOS = 5
_http_url: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _photo_url(value: str) -> str:
    # http(s) only, with a host: no javascript:, data: or relative links on a product page
    _http_url.validate_python(value)
    return value


PhotoUrl = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_photo_url)]
Rating = Annotated[int, Field(strict=True, ge=1, le=5)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewIn(_In):
    """The order line is named by its order and SKU; the product is the path's."""

    order_id: str = Field(min_length=1, max_length=36)
    sku_id: str = Field(min_length=1, max_length=36)
    rating: Rating
    text: str = Field("", max_length=MAX_TEXT)
    photo_urls: list[PhotoUrl] = Field(default_factory=list, max_length=MAX_PHOTOS)


class ModerationIn(_In):
    decision: Literal["publish", "reject"]
    reason: str | None = Field(None, min_length=1, max_length=500,
                               description="Required to reject; shown to the author")


class ReplyIn(_In):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ReplyOut(BaseModel):
    text: str
    replied_at: datetime


class ReviewOut(BaseModel):
    """What shoppers see of a published review: no author id, no moderation detail."""

    id: str
    product_id: str
    sku_id: str
    rating: int
    text: str
    photo_urls: list[str]
    created_at: datetime
    reply: ReplyOut | None


class OwnReviewOut(ReviewOut):
    """The author's and the operators' view: where the review stands, and why."""

    order_id: str
    merchant_id: str
    user_id: str
    status: str
    reject_reason: str | None
    moderated_by: str | None
    moderated_at: datetime | None


class RiskFlagOut(BaseModel):
    """Why risk control challenged this review's submission (operators only)."""

    decision_id: str
    outcome: str
    score: int
    reasons: list[str]


class ModerationReviewOut(OwnReviewOut):
    """The operators' view: with the risk challenge its submission met, if any."""

    risk: RiskFlagOut | None = None


class RatingSummaryOut(BaseModel):
    count: int
    average: float | None = Field(description="Stars, 2 decimals rounded half up; "
                                              "null without published reviews")
    histogram: dict[int, int] = Field(description="Published reviews per star, 1..5")


class ProductReviewsOut(BaseModel):
    items: list[ReviewOut]
    total: int
    limit: int
    offset: int
    summary: RatingSummaryOut


class ReviewPage(BaseModel):
    items: list[OwnReviewOut]
    total: int
    limit: int
    offset: int


class ModerationPage(BaseModel):
    items: list[ModerationReviewOut]
    total: int
    limit: int
    offset: int


class MerchantReviewPage(BaseModel):
    """The merchant's published reviews as shoppers see them (no author id), with the
    shop's reply."""

    items: list[ReviewOut]
    total: int
    limit: int
    offset: int
