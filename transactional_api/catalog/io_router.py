"""Admin endpoints for bulk catalog import and export as CSV (thin: csv_io does the work)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from transactional_api.catalog import csv_export, csv_io
from transactional_api.core.deps import CatalogCaller, Db, SettingsDep
from transactional_api.core.errors import DomainError, ErrorOut

router = APIRouter(tags=["catalog"])

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


class CatalogImportOut(BaseModel):
    products_created: int
    skus_created: int
    brands_created: int


async def csv_body(request: Request) -> bytes:
    """The raw body; its size is already capped by FLYWHEEL_MAX_BODY_BYTES (413 past it)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType("send the file as text/csv")
    return await request.body()


@router.post(
    "/v1/admin/catalog/import", status_code=201, response_model=CatalogImportOut,
    summary="Import products and SKUs from CSV (all rows or none)",
    responses={415: {"model": ErrorOut, "description": "The body is not text/csv"}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}}}}},
)
def import_catalog(caller: CatalogCaller, db: Db, settings: SettingsDep,
                   body: Annotated[bytes, Depends(csv_body)]) -> CatalogImportOut:
    """CSV (UTF-8, header first) with one row per SKU; rows sharing `product_handle` form
    one product and repeat its columns identically. Required columns: product_handle,
    product_name, category_slug, sku_code, price_cents; optional: description, brand
    (created if new), merchant_slug (self-operated), status (draft), labels (`new|hot`),
    images (`https://…|https://…`), sku_name, kind (standard, presale, virtual),
    attributes (`colour=red;size=M`), currency (the shop's), stock, weight_grams,
    length_cm, width_cm, height_cm, ship_from_date (presale only). Categories and merchants
    must exist; SKU codes must be new. Any invalid row refuses the whole file with 422 and
    every error found (line, column, message; the first 1000 and a total). The body is
    capped by FLYWHEEL_MAX_BODY_BYTES: use `flywheel import catalog-csv` for large files."""
    with db.begin():
        done = csv_io.import_csv(session=db, data=body, currency=settings.default_currency,
                                 actor_id=caller.id)
    return CatalogImportOut(products_created=done.products, skus_created=done.skus,
                            brands_created=done.brands_created)


@router.get(
    "/v1/admin/catalog/export", response_class=StreamingResponse,
    summary="Export the catalog as CSV, in the import's format",
    responses={200: {"description": "The catalog, one row per SKU",
                     "content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_catalog(request: Request, _: CatalogCaller) -> StreamingResponse:
    sessions = request.app.state.read_sessions

    def stream() -> Iterator[str]:
        # Its own session: the request's would be closed before the body is streamed.
        with sessions() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                # one snapshot for every page, as SQLite's read transaction gives
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield from csv_export.export_csv(session=session)

    return StreamingResponse(stream(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="catalog.csv"'})
