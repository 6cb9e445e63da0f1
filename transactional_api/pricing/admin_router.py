"""Pricing admin API: promotions (platform ones with the marketing permission; a merchant's
own under /v1/merchant/promotions), per-SKU price sources and price floors (catalog).

The flash-price slot has no route here: the flash-sale work writes it; GET .../prices
shows it read-only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict

from transactional_api.core import clock
from transactional_api.core.deps import (
    CatalogCaller,
    Db,
    MarketingCaller,
    MerchantCatalogCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.pricing import floors, prices, promotions
from transactional_api.pricing.admin_schemas import (
    FloorIn,
    FloorOut,
    MemberPricesIn,
    PromoPricesIn,
    PromotionIn,
    PromotionOut,
    PromotionPage,
    PromotionPatch,
    ScopeIn,
    SkuPricesOut,
    Status,
    TiersIn,
)
from transactional_api.pricing.models import Promotion

router = APIRouter(tags=["pricing"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["activate", "pause", "resume", "end"]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _out(p: Promotion, warnings: list[dict] | None = None) -> PromotionOut:
    return PromotionOut(
        id=p.id, name=p.name, kind=p.kind, params=p.params,
        scope=ScopeIn.model_construct(kind=p.scope_kind, ids=list(p.scope_ids)),
        merchant_id=p.merchant_id, priority=p.priority, exclusive=p.exclusive,
        stacking_group=p.stacking_group, status=p.status, starts_at=p.starts_at,
        ends_at=p.ends_at, budget_cents=p.budget_cents, spent_cents=p.spent_cents,
        usage_limit=p.usage_limit, used_count=p.used_count, per_user_limit=p.per_user_limit,
        member_levels=list(p.member_levels), audience_id=p.audience_id,
        payment_channel=p.payment_channel, campaign=p.campaign, currency=p.currency,
        version=p.version, created_by=p.created_by, created_at=p.created_at,
        updated_at=p.updated_at, floor_warnings=warnings or [])


def _levels(settings) -> list[str]:
    return [lv.name for lv in settings.members_levels]


# --- the shared handlers; merchant_id None: a platform operator ---------------------
def _create(db, body: PromotionIn, merchant_id, actor_id, settings) -> PromotionOut:
    with db.begin():
        p = promotions.create(db, data=body, merchant_id=merchant_id, actor_id=actor_id,
                              levels=_levels(settings), now=clock.now())
        return _out(p, promotions.warnings_of(db, p))


def _edit(db, promotion_id, body: PromotionPatch, merchant_id, actor_id,
          settings) -> PromotionOut:
    with db.begin():
        p = promotions.edit(db, promotion_id=promotion_id,
                            changes=body.model_dump(exclude_unset=True),
                            merchant_id=merchant_id, actor_id=actor_id,
                            levels=_levels(settings), now=clock.now())
        return _out(p, promotions.warnings_of(db, p))


def _move(db, promotion_id, action, merchant_id, actor_id) -> PromotionOut:
    with db.begin():
        p = promotions.transition(db, promotion_id=promotion_id, action=action,
                                  merchant_id=merchant_id, actor_id=actor_id, now=clock.now())
        return _out(p, promotions.warnings_of(db, p) if action == "activate" else None)


def _list(db, merchant_id, status, limit, offset) -> PromotionPage:
    return PromotionPage(items=[_out(p) for p in promotions.list_promotions(
        db, merchant_id=merchant_id, status=status, limit=limit, offset=offset)])


# --- platform operators --------------------------------------------------------------
@router.post("/v1/admin/promotions", status_code=201, response_model=PromotionOut)
def create_promotion(body: PromotionIn, db: Db, caller: MarketingCaller,
                     settings: SettingsDep) -> PromotionOut:
    """A platform promotion, as a draft. floor_warnings lists scoped SKUs whose floor it
    alone could break (conservative worst case per kind)."""
    return _create(db, body, None, caller.id, settings)


@router.get("/v1/admin/promotions", response_model=PromotionPage)
def list_promotions(db: ReadDb, _: MarketingCaller, status: Status | None = None,
                    limit: Limit = 50, offset: Offset = 0) -> PromotionPage:
    """Every promotion, platform and merchants' alike, newest first."""
    return _list(db, None, status, limit, offset)


@router.get("/v1/admin/promotions/{promotion_id}", response_model=PromotionOut)
def get_promotion(promotion_id: IdPath, db: ReadDb, _: MarketingCaller) -> PromotionOut:
    return _out(promotions.get(db, promotion_id=promotion_id, merchant_id=None))


@router.patch("/v1/admin/promotions/{promotion_id}", response_model=PromotionOut)
def edit_promotion(promotion_id: IdPath, body: PromotionPatch, db: Db,
                   caller: MarketingCaller, settings: SettingsDep) -> PromotionOut:
    """Only a draft or paused promotion (409 promotion_not_editable); bumps version."""
    return _edit(db, promotion_id, body, None, caller.id, settings)


@router.post("/v1/admin/promotions/{promotion_id}/transitions", response_model=PromotionOut)
def move_promotion(promotion_id: IdPath, body: TransitionIn, db: Db,
                   caller: MarketingCaller) -> PromotionOut:
    """activate (draft), pause (active), resume (paused), end (any but ended: final).
    409 illegal_transition otherwise, nothing changed."""
    return _move(db, promotion_id, body.action, None, caller.id)


# --- a merchant's own promotions -----------------------------------------------------
@router.post("/v1/merchant/promotions", status_code=201, response_model=PromotionOut)
def merchant_create(body: PromotionIn, db: Db, caller: MerchantCatalogCaller,
                    settings: SettingsDep) -> PromotionOut:
    """Funded by and limited to the caller's merchant: scope store (its goods), merchant
    (itself), or its own products or SKUs; category and brand scopes are refused."""
    return _create(db, body, caller.merchant_id, caller.id, settings)


@router.get("/v1/merchant/promotions", response_model=PromotionPage)
def merchant_list(db: ReadDb, caller: MerchantCatalogCaller, status: Status | None = None,
                  limit: Limit = 50, offset: Offset = 0) -> PromotionPage:
    return _list(db, caller.merchant_id, status, limit, offset)


@router.get("/v1/merchant/promotions/{promotion_id}", response_model=PromotionOut)
def merchant_get(promotion_id: IdPath, db: ReadDb,
                 caller: MerchantCatalogCaller) -> PromotionOut:
    return _out(promotions.get(db, promotion_id=promotion_id, merchant_id=caller.merchant_id))


@router.patch("/v1/merchant/promotions/{promotion_id}", response_model=PromotionOut)
def merchant_edit(promotion_id: IdPath, body: PromotionPatch, db: Db,
                  caller: MerchantCatalogCaller, settings: SettingsDep) -> PromotionOut:
    return _edit(db, promotion_id, body, caller.merchant_id, caller.id, settings)


@router.post("/v1/merchant/promotions/{promotion_id}/transitions",
             response_model=PromotionOut)
def merchant_move(promotion_id: IdPath, body: TransitionIn, db: Db,
                  caller: MerchantCatalogCaller) -> PromotionOut:
    return _move(db, promotion_id, body.action, caller.merchant_id, caller.id)


# --- price sources -------------------------------------------------------------------
@router.get("/v1/admin/skus/{sku_id}/prices", response_model=SkuPricesOut)
def sku_prices(sku_id: IdPath, db: ReadDb, _: CatalogCaller) -> SkuPricesOut:
    """Every price source of the SKU, the flash-sale slot (read only) and its floor."""
    return SkuPricesOut(**prices.sku_prices(db, sku_id=sku_id))


@router.put("/v1/admin/skus/{sku_id}/prices/tiers", response_model=SkuPricesOut)
def put_tiers(sku_id: IdPath, body: TiersIn, db: Db, _: CatalogCaller) -> SkuPricesOut:
    """Replace the quantity tiers; 422 under_price_floor for a price under the floor."""
    with db.begin():
        prices.set_tiers(db, sku_id=sku_id,
                         tiers=[(t.min_quantity, t.unit_price_cents) for t in body.tiers])
        return SkuPricesOut(**prices.sku_prices(db, sku_id=sku_id))


@router.put("/v1/admin/skus/{sku_id}/prices/member", response_model=SkuPricesOut)
def put_member_prices(sku_id: IdPath, body: MemberPricesIn, db: Db, _: CatalogCaller,
                      settings: SettingsDep) -> SkuPricesOut:
    """Replace the member-level prices (configured levels only)."""
    with db.begin():
        prices.set_member_prices(db, sku_id=sku_id, levels=_levels(settings),
                                 prices=[(m.level, m.unit_price_cents) for m in body.prices])
        return SkuPricesOut(**prices.sku_prices(db, sku_id=sku_id))


@router.put("/v1/admin/skus/{sku_id}/prices/promo", response_model=SkuPricesOut)
def put_promo_prices(sku_id: IdPath, body: PromoPricesIn, db: Db,
                     _: CatalogCaller) -> SkuPricesOut:
    """Replace the promotional prices, each with its window."""
    with db.begin():
        prices.set_promo_prices(db, sku_id=sku_id, prices=[
            (p.unit_price_cents, p.starts_at, p.ends_at, p.label) for p in body.prices])
        return SkuPricesOut(**prices.sku_prices(db, sku_id=sku_id))


# --- price floors --------------------------------------------------------------------
@router.get("/v1/admin/price-floors/{sku_id}", response_model=FloorOut)
def get_floor(sku_id: IdPath, db: ReadDb, _: CatalogCaller) -> FloorOut:
    return FloorOut.model_validate(floors.get_floor(db, sku_id=sku_id), from_attributes=True)


@router.put("/v1/admin/price-floors/{sku_id}", response_model=FloorOut)
def put_floor(sku_id: IdPath, body: FloorIn, db: Db, caller: CatalogCaller) -> FloorOut:
    """The lowest unit price any combination may reach; the engine blocks the rest."""
    with db.begin():
        f = floors.set_floor(db, sku_id=sku_id, floor_cents=body.floor_cents,
                             basis=body.basis, actor_id=caller.id, now=clock.now())
        return FloorOut.model_validate(f, from_attributes=True)


@router.delete("/v1/admin/price-floors/{sku_id}", status_code=204)
def delete_floor(sku_id: IdPath, db: Db, _: CatalogCaller) -> Response:
    with db.begin():
        floors.delete_floor(db, sku_id=sku_id)
    return Response(status_code=204)
