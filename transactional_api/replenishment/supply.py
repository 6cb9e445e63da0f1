"""What procurement says about buying a SKU: its contract's supplier, lead time and MOQ,
and the units already on order. Read through procurement's public functions only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Terms:
    supplier_id: str
    lead_time_days: int
    moq: int


def terms_for(*, session: Session, sku_id: str) -> Terms | None:
    """The SKU's contract terms, None when no supplier has one for it."""
    from transactional_api.procurement import service as procurement

    contract = procurement.contract_for(session=session, sku_id=sku_id)
    if contract is None:
        return None
    return Terms(supplier_id=contract.supplier_id, lead_time_days=int(contract.lead_time_days),
                 moq=max(1, int(contract.moq)))


def units_on_order(*, session: Session, sku_id: str, location_id: str) -> int:
    """Units on open purchase orders for the location, drafts included, not yet received."""
    from transactional_api.procurement import service as procurement

    return procurement.units_on_order(session=session, sku_id=sku_id, location_id=location_id)
