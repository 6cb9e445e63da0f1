"""Settlement routes: commission rates and reconciliation for finance operators; the
merchant's own statements and balance for its staff (their merchant only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from transactional_api.core.deps import (
    Db,
    FinanceCaller,
    MerchantFinanceCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.core.errors import NotFound
from transactional_api.settlement import rates, service
from transactional_api.settlement.models import Payout, Statement
from transactional_api.settlement.reconciliation import reconcile
from transactional_api.settlement.schemas import (
    BalanceOut,
    CommissionRateIn,
    CommissionRateOut,
    PayoutOut,
    StatementDetailOut,
    StatementOut,
)

router = APIRouter(tags=["settlement"])
IdPath = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/v1/admin/commission-rates", response_model=list[CommissionRateOut])
def list_rates(db: ReadDb, caller: FinanceCaller) -> list:
    return rates.list_rates(session=db)


@router.put("/v1/admin/commission-rates", response_model=CommissionRateOut)
def put_rate(body: CommissionRateIn, db: Db, caller: FinanceCaller):
    row = rates.put_rate(session=db, actor_id=caller.id, **body.model_dump())
    out = CommissionRateOut.model_validate(row)
    db.commit()
    return out


@router.get("/v1/admin/settlement/reconciliation")
def reconciliation(db: Db, settings: SettingsDep, caller: FinanceCaller) -> dict:
    """Books the paid sub-orders and refunds not booked yet, then compares."""
    service.sync(db, settings=settings)
    out = reconcile(db)
    db.commit()
    return out


@router.get("/v1/merchant/statements", response_model=list[StatementOut])
def statements(db: ReadDb, caller: MerchantFinanceCaller,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list:
    return list(db.scalars(select(Statement).where(Statement.merchant_id == caller.merchant_id)
                           .order_by(Statement.created_at.desc()).limit(limit)))


@router.get("/v1/merchant/statements/{statement_id}", response_model=StatementDetailOut)
def statement(statement_id: IdPath, db: ReadDb, caller: MerchantFinanceCaller):
    row = db.get(Statement, statement_id)
    if row is None or row.merchant_id != caller.merchant_id:  # another's is simply not found
        raise NotFound("no such statement", code="statement_not_found")
    payout = db.scalar(select(Payout).where(Payout.statement_id == row.id))
    return StatementDetailOut(**StatementOut.model_validate(row).model_dump(),
                              payout=PayoutOut.model_validate(payout) if payout else None)


@router.get("/v1/merchant/balance", response_model=BalanceOut)
def balance(db: ReadDb, caller: MerchantFinanceCaller) -> dict:
    return service.balance(session=db, merchant_id=caller.merchant_id)
