"""Invoices of completed orders: issued on the buyer's request, read as JSON or HTML."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, ReadDb
from transactional_api.core.permissions import Permission
from transactional_api.fulfillment import invoice_html, invoices
from transactional_api.fulfillment.models import Invoice
from transactional_api.fulfillment.schemas import InvoiceLineOut, InvoiceOut, InvoicesOut

router = APIRouter(tags=["invoices"])
OrderPath = Annotated[str, Path(min_length=1, max_length=36)]


def invoice_out(i: Invoice) -> InvoiceOut:
    return InvoiceOut(
        id=i.id, number=i.number, order_id=i.order_id, issued_at=i.issued_at,
        currency=i.currency, seller=i.seller, buyer=i.buyer, sub_order_ids=i.sub_order_ids,
        lines=[InvoiceLineOut(**ln) for ln in i.lines], subtotal_cents=i.subtotal_cents,
        discount_cents=i.discount_cents, shipping_cents=i.shipping_cents,
        tax_cents=i.tax_cents, total_cents=i.total_cents)


@router.post("/v1/orders/{order_id}/invoice", status_code=201, response_model=InvoicesOut)
def request_invoice(order_id: OrderPath, db: Db, caller: CurrentCaller,
                    response: Response) -> InvoicesOut:
    """Issue the invoices of a completed order (one per seller); asking again returns the
    same ones (200). 409 before the order is completed."""
    with db.begin():
        found, created = invoices.issue(
            db, order_id=order_id, now=clock.now(),
            user_id=caller.owner_filter(Permission.ORDERS, Permission.FINANCE))
        out = InvoicesOut(order_id=order_id, invoices=[invoice_out(i) for i in found])
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/v1/orders/{order_id}/invoice", response_model=InvoicesOut, responses={
    200: {"content": {"text/html": {}}, "description": "JSON, or printable HTML"}})
def get_invoice(order_id: OrderPath, db: ReadDb, caller: CurrentCaller,
                fmt: Annotated[Literal["json", "html"], Query(alias="format")] = "json"):
    with db.begin():
        found = invoices.get_invoices(
            db, order_id=order_id,
            user_id=caller.owner_filter(Permission.ORDERS, Permission.FINANCE))
        if fmt == "html":
            return HTMLResponse(invoice_html.render(found),
                                headers={"Content-Security-Policy": invoice_html.CSP})
        return InvoicesOut(order_id=order_id, invoices=[invoice_out(i) for i in found])
