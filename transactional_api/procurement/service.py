"""Suppliers, their contracts per SKU, and purchase orders up to sending (receipts and
payables: receipts.py). Public seams for replenishment: contract_for, create_draft_po."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog.service import require_stocked_sku
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.outbox import emit
from transactional_api.events.procurement_events import (
    PurchaseOrderChanged,
    PurchaseOrderChangedPayload,
    SupplierChanged,
    SupplierChangedPayload,
    SupplierContractChanged,
    SupplierContractChangedPayload,
)
from transactional_api.inventory.service import list_warehouses
from transactional_api.procurement.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierContract,
)
from transactional_api.procurement.schemas import (
    ContractIn,
    ContractOut,
    PoLineOut,
    PurchaseOrderOut,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
)

DEFAULT_TERMS_DAYS = 30
# Where each state may go; receipts (not this map's callers) move sent -> partially_received
# -> received. A short-delivered order may be closed from partially_received.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"sent", "cancelled"}),
    "sent": frozenset({"partially_received", "received", "cancelled"}),
    "partially_received": frozenset({"partially_received", "received", "closed"}),
    "received": frozenset({"closed"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
}
MANUAL_TARGETS = frozenset({"approved", "sent", "closed", "cancelled"})


# --- suppliers ---------------------------------------------------------------------------
def _supplier(session: Session, supplier_id: str, *, lock: bool = False) -> Supplier:
    stmt = select(Supplier).where(Supplier.id == supplier_id)
    if lock:
        stmt = stmt.with_for_update()
    supplier = session.scalar(stmt)
    if supplier is None:
        raise NotFound("supplier not found", code="supplier_not_found")
    return supplier


def _supplier_event(session: Session, s: Supplier, action: str) -> None:
    emit(session=session, event=SupplierChanged(occurred_at=s.updated_at, payload=(
        SupplierChangedPayload(supplier_id=s.id, name=s.name, status=s.status,
                               action=action))))


def create_supplier(*, session: Session, data: SupplierIn) -> SupplierOut:
    if session.scalar(select(Supplier.id).where(Supplier.name == data.name)):
        raise Conflict("a supplier has this name", code="supplier_exists")
    now = clock.now()
    s = Supplier(name=data.name, contact_name=data.contact_name,
                 contact_email=data.contact_email, status="active", created_at=now,
                 updated_at=now)
    session.add(s)
    try:
        session.flush()
    except IntegrityError as exc:  # the same name, created concurrently
        raise Conflict("a supplier has this name", code="supplier_exists") from exc
    _supplier_event(session, s, "created")
    return SupplierOut.model_validate(s)


def update_supplier(*, session: Session, supplier_id: str, data: SupplierPatch) -> SupplierOut:
    s = _supplier(session, supplier_id, lock=True)
    fields = data.model_dump(exclude_unset=True)
    if fields.get("name") and fields["name"] != s.name and session.scalar(
            select(Supplier.id).where(Supplier.name == fields["name"])):
        raise Conflict("a supplier has this name", code="supplier_exists")
    before = s.status
    for key, value in fields.items():
        if value is not None or key in ("contact_name", "contact_email"):
            setattr(s, key, value)
    s.updated_at = clock.now()
    session.flush()
    action = ("suspended" if s.status == "suspended" and before == "active" else
              "reactivated" if s.status == "active" and before == "suspended" else "updated")
    _supplier_event(session, s, action)
    return SupplierOut.model_validate(s)


def get_supplier(*, session: Session, supplier_id: str) -> SupplierOut:
    return SupplierOut.model_validate(_supplier(session, supplier_id))


def list_suppliers(*, session: Session) -> list[SupplierOut]:
    return [SupplierOut.model_validate(s)
            for s in session.scalars(select(Supplier).order_by(Supplier.name))]


# --- contracts ---------------------------------------------------------------------------
def set_contract(*, session: Session, supplier_id: str, data: ContractIn) -> ContractOut:
    """Create or replace the supplier's terms for one SKU (one contract per pair)."""
    _supplier(session, supplier_id, lock=True)
    require_stocked_sku(session=session, sku_id=data.sku_id)
    now = clock.now()
    c = session.scalar(select(SupplierContract).where(
        SupplierContract.supplier_id == supplier_id, SupplierContract.sku_id == data.sku_id))
    if c is None:
        c = SupplierContract(supplier_id=supplier_id, created_at=now, **data.model_dump())
        session.add(c)
    else:
        for key, value in data.model_dump().items():
            setattr(c, key, value)
    c.updated_at = now
    session.flush()
    emit(session=session, event=SupplierContractChanged(occurred_at=now, payload=(
        SupplierContractChangedPayload(
            contract_id=c.id, supplier_id=c.supplier_id, sku_id=c.sku_id,
            purchase_price_cents=c.purchase_price_cents, currency=c.currency,
            lead_time_days=c.lead_time_days, moq=c.moq, supply_mode=c.supply_mode,
            payment_terms_days=c.payment_terms_days, active=c.active))))
    return ContractOut.model_validate(c)


def list_contracts(*, session: Session, supplier_id: str) -> list[ContractOut]:
    _supplier(session, supplier_id)
    return [ContractOut.model_validate(c) for c in session.scalars(
        select(SupplierContract).where(SupplierContract.supplier_id == supplier_id)
        .order_by(SupplierContract.sku_id))]


def _live_contracts(session: Session, sku_ids: list[str], *, mode: str | None = None):
    stmt = (select(SupplierContract).join(Supplier, Supplier.id == SupplierContract.supplier_id)
            .where(SupplierContract.sku_id.in_(sku_ids), SupplierContract.active.is_(True),
                   Supplier.status == "active")
            .order_by(SupplierContract.sku_id, SupplierContract.purchase_price_cents,
                      SupplierContract.lead_time_days, SupplierContract.id))
    if mode is not None:
        stmt = stmt.where(SupplierContract.supply_mode == mode)
    return session.scalars(stmt)


def contract_for(*, session: Session, sku_id: str) -> ContractOut | None:
    """The contract to buy this SKU under: an active one of an active supplier, the
    cheapest (then the quickest); None when no supplier sells it."""
    c = _live_contracts(session, [sku_id]).first()
    return ContractOut.model_validate(c) if c is not None else None


def consignment_contracts(*, session: Session, sku_ids: list[str]) -> dict[str, ContractOut]:
    """Per SKU, the consignment contract its sub-order lines are pushed under."""
    out: dict[str, ContractOut] = {}
    for c in _live_contracts(session, sku_ids, mode="consignment"):
        out.setdefault(c.sku_id, ContractOut.model_validate(c))
    return out


# --- purchase orders ---------------------------------------------------------------------
def po_out(session: Session, po: PurchaseOrder) -> PurchaseOrderOut:
    lines = list(session.scalars(select(PurchaseOrderLine).where(
        PurchaseOrderLine.po_id == po.id).order_by(PurchaseOrderLine.sku_id)))
    return PurchaseOrderOut(
        id=po.id, supplier_id=po.supplier_id, location_id=po.location_id, status=po.status,
        currency=po.currency, payment_terms_days=po.payment_terms_days,
        lead_time_days=po.lead_time_days, source=po.source,
        amount_cents=sum(x.qty_ordered * x.unit_cost_cents for x in lines),
        created_at=po.created_at, approved_at=po.approved_at, sent_at=po.sent_at,
        expected_at=po.expected_at, received_at=po.received_at, closed_at=po.closed_at,
        cancelled_at=po.cancelled_at, lines=[PoLineOut.model_validate(x) for x in lines])


def po_event(session: Session, po: PurchaseOrder, from_status: str | None) -> None:
    out = po_out(session, po)
    emit(session=session, event=PurchaseOrderChanged(occurred_at=po.updated_at, user_id=None,
         payload=PurchaseOrderChangedPayload(
             po_id=po.id, supplier_id=po.supplier_id, location_id=po.location_id,
             from_status=from_status, to_status=po.status,
             units_ordered=sum(x.qty_ordered for x in out.lines),
             amount_cents=out.amount_cents, currency=po.currency,
             lead_time_days=po.lead_time_days, source=po.source)))


def create_draft_po(*, session: Session, supplier_id: str, location_id: str,
                    lines: list[tuple[str, int]], source: str,
                    unit_costs: dict[str, int] | None = None,
                    created_by: str | None = None) -> PurchaseOrderOut:
    """A draft PO for (sku_id, quantity) lines at the supplier's contract prices. Each SKU
    needs an active contract with this supplier in one currency and at least its MOQ
    (422 otherwise); unit_costs overrides a contract price (a negotiated one-off)."""
    supplier = _supplier(session, supplier_id)
    if supplier.status != "active":
        raise Conflict("the supplier is suspended", code="supplier_suspended")
    if location_id not in {w.id for w in list_warehouses(session=session)}:
        raise NotFound("warehouse not found", code="location_not_found")
    if not lines:
        raise Unprocessable("a purchase order needs lines", code="po_no_lines")
    quantities: dict[str, int] = {}
    for sku_id, qty in lines:
        if qty <= 0 or sku_id in quantities:
            raise Unprocessable("each SKU once, with a positive quantity", code="po_bad_line",
                                details={"sku_id": sku_id})
        quantities[sku_id] = qty
    contracts = {c.sku_id: c for c in session.scalars(select(SupplierContract).where(
        SupplierContract.supplier_id == supplier_id, SupplierContract.active.is_(True),
        SupplierContract.sku_id.in_(list(quantities))))}
    missing = sorted(set(quantities) - set(contracts))
    if missing:
        raise Unprocessable("no active contract with this supplier for these SKUs",
                            code="no_contract", details={"sku_ids": missing})
    below = sorted(s for s, q in quantities.items() if q < contracts[s].moq)
    if below:
        raise Unprocessable("below the minimum order quantity", code="below_moq",
                            details={s: contracts[s].moq for s in below})
    currencies = {c.currency for c in contracts.values()}
    if len(currencies) != 1:
        raise Unprocessable("contracts in several currencies", code="mixed_currency")
    now = clock.now()
    po = PurchaseOrder(
        supplier_id=supplier_id, location_id=location_id, status="draft",
        currency=currencies.pop(), source=source[:40] or "manual", created_by=created_by,
        payment_terms_days=min(c.payment_terms_days for c in contracts.values()),
        lead_time_days=max(c.lead_time_days for c in contracts.values()),
        created_at=now, updated_at=now)
    session.add(po)
    session.flush()
    costs = unit_costs or {}
    session.add_all(PurchaseOrderLine(
        po_id=po.id, sku_id=sku_id, qty_ordered=qty, qty_received=0, qty_rejected=0,
        unit_cost_cents=costs.get(sku_id, contracts[sku_id].purchase_price_cents))
        for sku_id, qty in quantities.items())
    session.flush()
    po_event(session, po, None)
    return po_out(session, po)


def lock_po(session: Session, po_id: str) -> PurchaseOrder:
    po = session.scalar(select(PurchaseOrder).where(PurchaseOrder.id == po_id)
                        .with_for_update().execution_options(populate_existing=True))
    if po is None:
        raise NotFound("purchase order not found", code="po_not_found")
    return po


def set_status(session: Session, po: PurchaseOrder, to: str) -> None:
    """Move po to ``to`` (409 when that is not a legal step), stamp the time, emit."""
    before = po.status
    if to not in TRANSITIONS[before]:
        raise Conflict(f"a {before} purchase order cannot become {to}",
                       code="illegal_po_transition", details={"from": before, "to": to})
    now = clock.now()
    po.status, po.updated_at = to, now
    if to == "approved":
        po.approved_at = now
    elif to == "sent":
        po.sent_at = now
        po.expected_at = now + timedelta(days=po.lead_time_days)
    elif to == "received":
        po.received_at = now
    elif to == "closed":
        po.closed_at = now
    elif to == "cancelled":
        po.cancelled_at = now
    session.flush()
    po_event(session, po, before)


def transition(*, session: Session, po_id: str, to: str) -> PurchaseOrderOut:
    if to not in MANUAL_TARGETS:
        raise Unprocessable("receipts move a purchase order to received",
                            code="not_a_manual_transition")
    po = lock_po(session, po_id)
    if (to in ("approved", "sent") and po.status in ("draft", "approved")
            and _supplier(session, po.supplier_id).status != "active"):
        raise Conflict("the supplier is suspended", code="supplier_suspended")
    set_status(session, po, to)
    return po_out(session, po)


def get_po(*, session: Session, po_id: str) -> PurchaseOrderOut:
    po = session.get(PurchaseOrder, po_id)
    if po is None:
        raise NotFound("purchase order not found", code="po_not_found")
    return po_out(session, po)


def list_pos(*, session: Session, supplier_id: str | None = None, status: str | None = None,
             limit: int = 100) -> list[PurchaseOrderOut]:
    stmt = select(PurchaseOrder).order_by(PurchaseOrder.created_at.desc()).limit(limit)
    if supplier_id:
        stmt = stmt.where(PurchaseOrder.supplier_id == supplier_id)
    if status:
        stmt = stmt.where(PurchaseOrder.status == status)
    return [po_out(session, po) for po in session.scalars(stmt)]


# Drafts count too: a suggestion already turned into a draft must not be bought twice.
ON_ORDER = ("draft", "approved", "sent", "partially_received")


def units_on_order(*, session: Session, sku_id: str, location_id: str) -> int:
    """Units of the SKU on open purchase orders for the location, not yet received."""
    return int(session.scalar(
        select(func.coalesce(func.sum(PurchaseOrderLine.qty_ordered
                                      - PurchaseOrderLine.qty_received), 0))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.po_id)
        .where(PurchaseOrderLine.sku_id == sku_id, PurchaseOrder.location_id == location_id,
               PurchaseOrder.status.in_(ON_ORDER))) or 0)
