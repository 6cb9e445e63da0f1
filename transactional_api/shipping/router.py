from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from transactional_api.core.deps import Db, FinanceCaller, ReadDb
from transactional_api.shipping import service
from transactional_api.shipping.schemas import (
    REGION,
    RatesOut,
    ShippingRateIn,
    ShippingRateOut,
    TaxRateIn,
    TaxRateOut,
)

router = APIRouter(tags=["shipping"])
Region = Annotated[str, Path(pattern=REGION)]
Currency = Annotated[str, Path(pattern=r"^[A-Z]{3}$")]


def _ship_out(r) -> ShippingRateOut:
    return ShippingRateOut(region=r.region, currency=r.currency, base_cents=r.base_cents,
                           base_grams=r.base_grams, step_cents=r.step_cents,
                           step_grams=r.step_grams, free_over_cents=r.free_over_cents)


@router.get("/v1/shipping-rates", response_model=RatesOut)
def rates(db: ReadDb) -> RatesOut:
    """Public: what shipping and tax cost where (shoppers see it before checkout)."""
    with db.begin():
        ship, tax = service.list_rates(session=db)
        return RatesOut(shipping=[_ship_out(r) for r in ship],
                        tax=[TaxRateOut(region=t.region, rate_bp=t.rate_bp) for t in tax])


@router.put("/v1/admin/shipping-rates/{region}/{currency}", response_model=ShippingRateOut)
def put_rate(region: Region, currency: Currency, body: ShippingRateIn, db: Db,
             _: FinanceCaller) -> ShippingRateOut:
    with db.begin():
        return _ship_out(service.put_shipping_rate(session=db, region=region,
                                                   currency=currency, **body.model_dump()))


@router.delete("/v1/admin/shipping-rates/{region}/{currency}", status_code=204)
def delete_rate(region: Region, currency: Currency, db: Db, _: FinanceCaller) -> Response:
    with db.begin():
        service.delete_shipping_rate(session=db, region=region, currency=currency)
    return Response(status_code=204)


@router.put("/v1/admin/tax-rates/{region}", response_model=TaxRateOut)
def put_tax(region: Region, body: TaxRateIn, db: Db, _: FinanceCaller) -> TaxRateOut:
    with db.begin():
        row = service.put_tax_rate(session=db, region=region, rate_bp=body.rate_bp)
        return TaxRateOut(region=row.region, rate_bp=row.rate_bp)
