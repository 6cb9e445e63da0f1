"""Procurement over HTTP: suppliers and contracts, purchase orders and receipts (the
'catalog' permission), supplier payables (the 'finance' permission), consignment pushes,
and the suppliers' signed tracking callback."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import CatalogCaller, Db, FinanceCaller, ReadDb
from transactional_api.core.errors import Unauthorized, Unprocessable
from transactional_api.payments import signing
from transactional_api.procurement import consignment, jobs, receipts, service
from transactional_api.procurement.sandbox_supplier import callback_secret
from transactional_api.procurement.schemas import (
    ContractIn,
    ContractOut,
    PayableOut,
    PurchaseOrderIn,
    PurchaseOrderOut,
    PushOut,
    ReceiptIn,
    ReceiptOut,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
    TrackingCallbackIn,
    TransitionIn,
)

router = APIRouter(tags=["procurement"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
SIGNATURE_HEADER = "X-Flywheel-Signature"
PoStatus = Literal["draft", "approved", "sent", "partially_received", "received", "closed",
                   "cancelled"]


class RunOut(BaseModel):
    created: int
    pushed: int
    failed: int


class CallbackOut(BaseModel):
    outcome: Literal["shipped", "duplicate"]


# --- suppliers and contracts -------------------------------------------------------------
@router.post("/v1/admin/suppliers", status_code=201, response_model=SupplierOut)
def create_supplier(body: SupplierIn, db: Db, _: CatalogCaller) -> SupplierOut:
    """Onboard a supplier (active); 409 `supplier_exists` for a name already taken."""
    with db.begin():
        return service.create_supplier(session=db, data=body)


@router.get("/v1/admin/suppliers", response_model=list[SupplierOut])
def list_suppliers(db: ReadDb, _: CatalogCaller) -> list[SupplierOut]:
    with db.begin():
        return service.list_suppliers(session=db)


@router.get("/v1/admin/suppliers/{supplier_id}", response_model=SupplierOut)
def get_supplier(supplier_id: IdPath, db: ReadDb, _: CatalogCaller) -> SupplierOut:
    with db.begin():
        return service.get_supplier(session=db, supplier_id=supplier_id)


@router.patch("/v1/admin/suppliers/{supplier_id}", response_model=SupplierOut)
def update_supplier(supplier_id: IdPath, body: SupplierPatch, db: Db,
                    _: CatalogCaller) -> SupplierOut:
    """Edit contact details or suspend / reactivate (a suspended supplier gets no new POs)."""
    with db.begin():
        return service.update_supplier(session=db, supplier_id=supplier_id, data=body)


@router.put("/v1/admin/suppliers/{supplier_id}/contracts", response_model=ContractOut)
def set_contract(supplier_id: IdPath, body: ContractIn, db: Db,
                 _: CatalogCaller) -> ContractOut:
    """Create or replace the supplier's terms for one SKU."""
    with db.begin():
        return service.set_contract(session=db, supplier_id=supplier_id, data=body)


@router.get("/v1/admin/suppliers/{supplier_id}/contracts", response_model=list[ContractOut])
def list_contracts(supplier_id: IdPath, db: ReadDb, _: CatalogCaller) -> list[ContractOut]:
    with db.begin():
        return service.list_contracts(session=db, supplier_id=supplier_id)


# --- purchase orders ---------------------------------------------------------------------
@router.post("/v1/admin/purchase-orders", status_code=201, response_model=PurchaseOrderOut)
def create_po(body: PurchaseOrderIn, db: Db, caller: CatalogCaller) -> PurchaseOrderOut:
    """A draft at contract prices; 422 `no_contract`, `below_moq`; 409 `supplier_suspended`."""
    with db.begin():
        return service.create_draft_po(
            session=db, supplier_id=body.supplier_id, location_id=body.location_id,
            lines=[(x.sku_id, x.quantity) for x in body.lines], source="manual",
            unit_costs={x.sku_id: x.unit_cost_cents for x in body.lines
                        if x.unit_cost_cents is not None}, created_by=caller.id)


@router.get("/v1/admin/purchase-orders", response_model=list[PurchaseOrderOut])
def list_pos(db: ReadDb, _: CatalogCaller, supplier_id: str | None = None,
             status: PoStatus | None = None) -> list[PurchaseOrderOut]:
    with db.begin():
        return service.list_pos(session=db, supplier_id=supplier_id, status=status)


@router.get("/v1/admin/purchase-orders/{po_id}", response_model=PurchaseOrderOut)
def get_po(po_id: IdPath, db: ReadDb, _: CatalogCaller) -> PurchaseOrderOut:
    with db.begin():
        return service.get_po(session=db, po_id=po_id)


@router.post("/v1/admin/purchase-orders/{po_id}/transitions", response_model=PurchaseOrderOut)
def transition(po_id: IdPath, body: TransitionIn, db: Db, _: CatalogCaller
               ) -> PurchaseOrderOut:
    """approve, send, close or cancel; 409 `illegal_po_transition` changes nothing."""
    with db.begin():
        return service.transition(session=db, po_id=po_id, to=body.to)


@router.post("/v1/admin/purchase-orders/{po_id}/receipts", status_code=201,
             response_model=ReceiptOut)
def receive(po_id: IdPath, body: ReceiptIn, db: Db, caller: CatalogCaller) -> ReceiptOut:
    """Accepted units enter stock (ledger reason po_receipt), rejected ones are counted;
    422 `over_receipt` when accepted units exceed what is still open, changing nothing."""
    with db.begin():
        return receipts.record_receipt(session=db, po_id=po_id, data=body, actor_id=caller.id)


# --- payables ----------------------------------------------------------------------------
@router.get("/v1/admin/procurement/payables", response_model=list[PayableOut])
def list_payables(db: ReadDb, _: FinanceCaller, supplier_id: str | None = None,
                  status: Literal["open", "paid"] | None = None) -> list[PayableOut]:
    with db.begin():
        return receipts.list_payables(session=db, supplier_id=supplier_id, status=status)


@router.post("/v1/admin/procurement/payables/{payable_id}/pay", response_model=PayableOut)
def pay(payable_id: IdPath, db: Db, caller: FinanceCaller) -> PayableOut:
    """Mark paid; 409 `payable_already_paid` the second time."""
    with db.begin():
        return receipts.pay(session=db, payable_id=payable_id, actor_id=caller.id)


# --- consignment -------------------------------------------------------------------------
@router.get("/v1/admin/procurement/pushes", response_model=list[PushOut])
def list_pushes(db: ReadDb, _: CatalogCaller, order_id: str | None = None,
                status: Literal["pending", "pushed", "shipped"] | None = None
                ) -> list[PushOut]:
    with db.begin():
        return [PushOut.model_validate(p) for p in
                consignment.list_pushes(session=db, order_id=order_id, status=status)]


@router.post("/v1/admin/procurement/run", response_model=RunOut)
def run(request: Request, _: CatalogCaller) -> RunOut:
    """Create the pushes of newly paid consignment sub-orders and push the due ones now
    (at the request's clock, which the simulator moves): what the periodic job does."""
    state = request.app.state
    return RunOut(**jobs.run_once(state.sessions, state.settings, jobs.client_of(state)))


@router.post("/v1/supplier-callbacks/tracking", response_model=CallbackOut)
async def tracking_callback(request: Request) -> CallbackOut:
    """A supplier's signed report that it shipped a consignment push: the sub-order ships
    with its carrier and tracking number. 401 for a bad signature; a repeat is harmless."""
    state = request.app.state
    raw = await request.body()
    secret = callback_secret(state.settings.procurement_supplier_secret, state.webhook_secret)
    if not signing.verify(secret, raw, request.headers.get(SIGNATURE_HEADER)):
        raise Unauthorized("bad or missing signature", code="bad_signature")
    try:
        body = TrackingCallbackIn.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise Unprocessable("malformed callback", code="bad_callback",
                            details=str(exc)[:200]) from exc
    carrier = state.carriers.get(body.carrier)
    if carrier is None:
        raise Unprocessable(f"carrier {body.carrier!r} is not enabled", code="unknown_carrier")
    at = clock.now()

    def _record() -> str:
        with transaction(state.sessions) as s:
            return consignment.record_tracking(s, push_id=body.push_id, carrier=carrier,
                                               tracking_number=body.tracking_number, at=at)
    return CallbackOut(outcome=await run_in_threadpool(_record))

