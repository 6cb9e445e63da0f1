"""Landing pages and slot creatives on the wire: operators' definitions and what the
storefront is served."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
RefId = Annotated[str, Field(min_length=1, max_length=36)]
Status = Literal["draft", "published", "archived"]
SlotName = Literal["home_banner", "popup", "category_banner"]
Url = Annotated[AnyHttpUrl, Field(max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductsBlock(_In):
    kind: Literal["products"]
    title: str | None = Field(None, max_length=200)
    product_ids: list[RefId] = Field(min_length=1, max_length=50)


class ProductRuleBlock(_In):
    """Listed, in-stock products of a category and/or brand in a price range (what the
    search index says), sorted and cut to limit."""

    kind: Literal["product_rule"]
    title: str | None = Field(None, max_length=200)
    category_id: RefId | None = None
    brand_id: RefId | None = None
    min_price_cents: int | None = Field(None, strict=True, ge=0, le=10**12)
    max_price_cents: int | None = Field(None, strict=True, ge=0, le=10**12)
    sort: Literal["newest", "price_asc", "price_desc", "sales"] = "newest"
    limit: int = Field(12, strict=True, ge=1, le=50)


class CouponBlock(_In):
    """A coupon template shoppers claim through POST /v1/coupons/templates/{id}/claim."""

    kind: Literal["coupon"]
    template_id: RefId


class TextBlock(_In):
    kind: Literal["text"]
    heading: str | None = Field(None, max_length=200)
    body: str = Field(min_length=1, max_length=4000)


Block = Annotated[ProductsBlock | ProductRuleBlock | CouponBlock | TextBlock,
                  Field(discriminator="kind")]


class PageIn(_In):
    """The whole definition: PUT replaces it (the status moves by transitions)."""

    slug: Slug
    title: Title
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    audience_id: RefId | None = None
    blocks: list[Block] = Field(default_factory=list, max_length=30)


class PageOut(BaseModel):
    id: str
    slug: str
    title: str
    status: Status
    starts_at: datetime | None
    ends_at: datetime | None
    audience_id: str | None
    blocks: list[dict]
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class PageList(BaseModel):
    items: list[PageOut]


class TransitionIn(_In):
    """publish: draft -> published; unpublish: published -> draft; archive: any -> archived
    (final)."""

    action: Literal["publish", "unpublish", "archive"]


class CreativeIn(_In):
    """Exactly one of target_url and target_page_slug; category_id only on a
    category_banner."""

    slot: SlotName
    title: Title
    image_url: Url
    target_url: Url | None = None
    target_page_slug: Slug | None = None
    category_id: RefId | None = None
    audience_id: RefId | None = None
    priority: int = Field(0, strict=True, ge=0, le=1000)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None


class CreativeOut(BaseModel):
    id: str
    slot: SlotName
    title: str
    image_url: str
    target_url: str | None
    target_page_slug: str | None
    category_id: str | None
    audience_id: str | None
    priority: int
    status: Status
    starts_at: datetime | None
    ends_at: datetime | None
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class CreativeList(BaseModel):
    items: list[CreativeOut]


# --- storefront ----------------------------------------------------------------------
class ProductCard(BaseModel):
    product_id: str
    name: str
    price_cents: int  # the lowest SKU price
    currency: str
    image: str | None


class ServedBlock(BaseModel):
    kind: Literal["products", "product_rule", "coupon", "text"]
    title: str | None = None
    heading: str | None = None
    body: str | None = None
    products: list[ProductCard] | None = None
    # coupon blocks: the template and whether it can be claimed right now
    template_id: str | None = None
    coupon_name: str | None = None
    claimable: bool | None = None
    claim_path: str | None = None


class ServedPage(BaseModel):
    id: str
    slug: str
    title: str
    version: int
    blocks: list[ServedBlock]


class ServedCreative(BaseModel):
    creative_id: str
    title: str
    image_url: str
    target_url: str | None
    target_page_slug: str | None
    priority: int


class ServedSlot(BaseModel):
    slot: SlotName
    items: list[ServedCreative]
