from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.access_events import Role
from transactional_api.orders.schemas import SubOrderOut

Id = Annotated[str, Field(min_length=1, max_length=36)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GrantIn(_In):
    # merchant_staff only: the merchant whose goods and sub-orders the user works on
    merchant_id: Id | None = None


class RoleOut(BaseModel):
    role: str
    merchant_id: str | None
    permissions: list[str]
    source: str = Field(description="grant, or account (users.role, not revocable)")
    granted_by: str | None = None
    granted_at: datetime | None = None


class UserRolesOut(BaseModel):
    user_id: str
    roles: list[RoleOut]
    permissions: list[str] = Field(description="Shop-wide permissions, all roles together")
    merchant_id: str | None = Field(description="The merchant this user is staff of, if any")


class RoleDefinitionOut(BaseModel):
    role: Role
    permissions: list[str]
    scope: str = Field(description="shop-wide, or merchant (only the merchant on the grant)")


class RoleCatalogOut(BaseModel):
    permissions: list[str]
    roles: list[RoleDefinitionOut]


class SubOrderStepIn(_In):
    # merchants pick and pack; shipping goes through POST /v1/merchant/shipments
    to: Literal["picking", "packed"]


class SubOrderPage(BaseModel):
    items: list[SubOrderOut]
    total: int
    limit: int
    offset: int


class SubOrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class MerchantSubOrderOut(SubOrderOut):
    lines: list[SubOrderLineOut] = Field(description="What to pick and pack")
