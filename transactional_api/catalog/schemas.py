from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LABELS = ("new", "hot", "eco", "clearance")
Label = Literal["new", "hot", "eco", "clearance"]
Lifecycle = Literal["draft", "pending_review", "listed", "delisted"]
SkuKind = Literal["standard", "bundle", "presale", "virtual"]
Cents = Annotated[int, Field(strict=True, ge=0, le=100_000_000)]
Units = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
AttrName = Annotated[str, Field(min_length=1, max_length=40)]
AttrValue = Annotated[str, Field(min_length=1, max_length=60)]
Id = Annotated[str, Field(min_length=1, max_length=36)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CategoryIn(_In):
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(min_length=1, max_length=120, pattern=_SLUG)
    parent_id: Id | None = None


class CategoryOut(BaseModel):
    id: str
    parent_id: str | None
    name: str
    slug: str
    path: str
    depth: int


class CategoryList(BaseModel):
    items: list[CategoryOut]


class MerchantIn(_In):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=120, pattern=_SLUG)
    region: str | None = Field(None, min_length=1, max_length=16)
    city: str | None = Field(None, min_length=1, max_length=120)


class MerchantOut(BaseModel):
    id: str
    slug: str
    name: str
    region: str | None
    city: str | None
    status: str


class BrandIn(_In):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=120, pattern=_SLUG)


class BrandOut(BaseModel):
    id: str
    slug: str
    name: str


class ComponentIn(_In):
    sku_id: Id
    quantity: int = Field(strict=True, ge=1, le=100)


class PresaleIn(_In):
    quota: Units
    ship_from_date: date


class Dimensions(_In):
    weight_grams: int | None = Field(None, strict=True, ge=0, le=10_000_000)
    length_cm: int | None = Field(None, strict=True, ge=0, le=100_000)
    width_cm: int | None = Field(None, strict=True, ge=0, le=100_000)
    height_cm: int | None = Field(None, strict=True, ge=0, le=100_000)


class SkuIn(Dimensions):
    code: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=200)
    price_cents: Cents
    stock: Units = 0
    kind: SkuKind = "standard"
    attributes: dict[AttrName, AttrValue] = Field(default_factory=dict, max_length=5)
    components: list[ComponentIn] | None = Field(None, min_length=1, max_length=20)
    presale: PresaleIn | None = None

    @model_validator(mode="after")
    def _kind_fields(self):
        if (self.kind == "bundle") != (self.components is not None):
            raise ValueError("components are given for bundles and only for bundles")
        if (self.kind == "presale") != (self.presale is not None):
            raise ValueError("presale is given for pre-sale SKUs and only for them")
        if self.kind in ("bundle", "virtual") and self.stock:
            raise ValueError(f"a {self.kind} SKU has no stock of its own")
        return self


class SkuTemplate(Dimensions):
    """Generates one SKU per combination of the product's spec values."""

    code_prefix: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    price_cents: Cents
    stock: Units = 0


class ProductIn(_In):
    category_id: Id
    merchant_id: Id | None = None
    brand_id: Id | None = None
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    images: list[AnyHttpUrl] = Field(default_factory=list, max_length=20)
    labels: list[Label] = Field(default_factory=list, max_length=4)
    spec: dict[AttrName, list[AttrValue]] = Field(default_factory=dict, max_length=5)
    sku_template: SkuTemplate | None = None
    skus: list[SkuIn] = Field(default_factory=list, max_length=200)
    # Operators may list their own goods at once; anything else starts as a draft.
    status: Literal["draft", "listed"] = "draft"

    @model_validator(mode="after")
    def _needs_skus(self):
        if not self.skus and self.sku_template is None:
            raise ValueError("give skus, or a spec with a sku_template to generate them")
        if self.sku_template is not None and not self.spec:
            raise ValueError("a sku_template needs a spec to generate from")
        for name, values in self.spec.items():
            if not values or len(set(values)) != len(values) or len(values) > 30:
                raise ValueError(f"spec {name!r} needs 1 to 30 distinct values")
        return self


class ProductPatch(_In):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    brand_id: Id | None = None
    images: list[AnyHttpUrl] | None = Field(None, max_length=20)


class LabelsIn(_In):
    labels: list[Label] = Field(max_length=4)


class TransitionIn(_In):
    action: Literal["submit", "approve", "reject", "delist", "relist"]
    reason: str | None = Field(None, min_length=1, max_length=500)


class StockIn(_In):
    available: Units


class PriceIn(_In):
    price_cents: Cents


class PresaleOut(BaseModel):
    quota: int
    remaining: int
    ship_from_date: date


class SkuOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    price_cents: int
    currency: str
    attributes: dict[str, str]
    weight_grams: int | None
    # None: not limited by stock (virtual goods)
    available: int | None
    components: list[ComponentIn] | None = None
    presale: PresaleOut | None = None


class ProductOut(BaseModel):
    id: str
    category_id: str
    merchant_id: str
    brand_id: str | None
    name: str
    description: str
    status: str
    labels: list[str]
    images: list[str]
    spec: dict[str, list[str]]
    skus: list[SkuOut]
    # Published reviews (reviews/ratings.py); rating_avg is null while there are none.
    rating_count: int | None = None
    rating_avg: float | None = Field(None, description="Stars, 2 decimals rounded half up")


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


class StatusChangeOut(BaseModel):
    action: str
    from_status: str | None
    to_status: str
    reason: str | None
    actor_id: str | None
    created_at: datetime


class AuditOut(BaseModel):
    product_id: str
    status: str
    changes: list[StatusChangeOut]
