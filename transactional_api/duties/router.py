"""The duty table for operators (finance: duties are taxes), and address formats for
storefront clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core.deps import Db, FinanceCaller, ReadDb
from transactional_api.duties import address_formats, service
from transactional_api.duties.schemas import (
    AddressFieldOut,
    AddressFormatOut,
    DutyRateIn,
    DutyRateOut,
)

router = APIRouter(tags=["duties"])
Country = Annotated[str, Path(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]


def _out(r) -> DutyRateOut:
    return DutyRateOut(id=r.id, country=r.country, category_id=r.category_id,
                       duty_bps=r.duty_bps, import_tax_bps=r.import_tax_bps,
                       de_minimis_cents=r.de_minimis_cents,
                       de_minimis_currency=r.de_minimis_currency,
                       effective_from=r.effective_from, created_at=r.created_at)


@router.get("/v1/admin/duty-rates", response_model=list[DutyRateOut])
def list_rates(db: ReadDb, _: FinanceCaller, country: Annotated[str | None, Query(
        pattern=r"^[A-Z]{2}$")] = None) -> list[DutyRateOut]:
    with db.begin():
        return [_out(r) for r in service.list_rates(db, country=country)]


@router.post("/v1/admin/duty-rates", status_code=201, response_model=DutyRateOut)
def create_rate(body: DutyRateIn, db: Db, caller: FinanceCaller) -> DutyRateOut:
    """A new row of the table, in force from effective_from (now when left out)."""
    with db.begin():
        return _out(service.create_rate(db, **body.model_dump(), actor_id=caller.id))


@router.delete("/v1/admin/duty-rates/{rate_id}", status_code=204)
def delete_rate(rate_id: Annotated[str, Path(min_length=1, max_length=36)], db: Db,
                _: FinanceCaller) -> Response:
    """A row not yet in force (409 rate_in_force otherwise)."""
    with db.begin():
        service.delete_rate(db, rate_id=rate_id)
    return Response(status_code=204)


@router.get("/v1/address-formats/{country}", response_model=AddressFormatOut)
def address_format(country: Country) -> AddressFormatOut:
    """Public: the fields an address in ``country`` needs, its postal code's shape, and
    how its lines are written (with an example)."""
    fmt = address_formats.format_for(country.upper())
    required = set(fmt.required())
    example = {"name": "Ada Shopper", "line1": "1 Main Street", "country": fmt.country,
               **fmt.example}
    return AddressFormatOut(
        country=fmt.country, name=fmt.name,
        fields=[AddressFieldOut(name=f, required=f in required)
                for f in address_formats.FIELDS],
        postal_code=fmt.postal, postal_code_pattern=fmt.postal_pattern,
        lines=list(fmt.lines), example=example,
        example_lines=address_formats.format_lines(example))
