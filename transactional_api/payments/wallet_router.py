"""Wallet routes: the shopper's balance and ledger, and operator credits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from sqlalchemy import select

from transactional_api.accounts import service as accounts
from transactional_api.core.deps import CurrentCaller, Db, FinanceCaller, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound
from transactional_api.payments import wallet
from transactional_api.payments.models import WalletEntry
from transactional_api.payments.schemas import WalletCreditIn, WalletEntryOut, WalletOut

router = APIRouter(tags=["wallet"])


def _entry_out(e: WalletEntry) -> WalletEntryOut:
    return WalletEntryOut(id=e.id, kind=e.kind, amount_cents=e.amount_cents,
                          currency=e.currency, balance_after_cents=e.balance_after_cents,
                          reason=e.reason, payment_id=e.payment_id, refund_id=e.refund_id,
                          note=e.note, created_at=e.created_at)


def _wallet_out(db, user_id: str, limit: int, offset: int) -> WalletOut:
    held = wallet.account(db, user_id=user_id)
    rows, total = wallet.entries(db, user_id=user_id, limit=limit, offset=offset)
    return WalletOut(user_id=user_id, currency=held.currency if held else None,
                     balance_cents=held.balance_cents if held else 0,
                     entries=[_entry_out(e) for e in rows], total_entries=total)


@router.get("/v1/me/wallet", response_model=WalletOut)
def my_wallet(db: ReadDb, caller: CurrentCaller,
              limit: Annotated[int, Query(ge=1, le=100)] = 20,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> WalletOut:
    """The balance and the newest ledger entries first."""
    with db.begin():
        return _wallet_out(db, caller.id, limit, offset)


@router.post("/v1/admin/wallets/{user_id}/credits", status_code=201, response_model=WalletOut)
def credit_wallet(user_id: Annotated[str, Path(min_length=1, max_length=36)],
                  body: WalletCreditIn, db: Db, caller: FinanceCaller, response: Response,
                  settings: SettingsDep,
                  idempotency_key: Annotated[str | None, Header(min_length=1,
                                                                max_length=100)] = None,
                  ) -> WalletOut:
    """Top up a shopper's wallet; a repeated Idempotency-Key credits once."""
    with db.begin():
        if accounts.get_user(session=db, user_id=user_id) is None:
            raise NotFound("user not found")
        reference = f"admin:{idempotency_key}" if idempotency_key else None
        replayed = reference is not None and db.scalar(select(WalletEntry.id).where(
            WalletEntry.user_id == user_id, WalletEntry.reference == reference)) is not None
        wallet.credit(db, user_id=user_id, amount_cents=body.amount_cents,
                      currency=body.currency or settings.default_currency, reason="top_up",
                      reference=reference, actor_id=caller.id, note=body.note)
        out = _wallet_out(db, user_id, 20, 0)
    if replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out
