"""Promoters over HTTP, the shopper's side: apply, bind to a promoter's code, and the
promoter's own view (code and links, referrals, orders, commissions, team, withdrawals)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from transactional_api.core.deps import CurrentCaller, Db, ReadDb, SettingsDep
from transactional_api.promoters import applications, binding, links, views, withdrawals
from transactional_api.promoters.schemas import (
    ApplyIn,
    BindIn,
    BindingOut,
    CommissionList,
    MeOut,
    PromoterOut,
    ReferralList,
    TeamList,
    WithdrawalIn,
    WithdrawalList,
    WithdrawalOut,
)

router = APIRouter(tags=["promoters"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.post("/v1/promoters/applications", status_code=201, response_model=PromoterOut)
def apply(body: ApplyIn, request: Request, db: Db, caller: CurrentCaller,
          settings: SettingsDep) -> PromoterOut:
    """Apply to become a promoter (an operator decides); ``parent_code``, the code of the
    promoter who recruited you, makes them your parent. 409 `already_applied`; 422
    `unknown_referral_code`, `self_referral`, `referral_ring`."""
    with db.begin():
        return views.promoter_out(applications.apply(
            session=db, user_id=caller.id, parent_code=body.parent_code, pitch=body.pitch,
            device_fp=links.device_of(request), currency=settings.default_currency))


@router.post("/v1/promoters/bind", response_model=BindingOut)
def bind(body: BindIn, request: Request, db: Db, caller: CurrentCaller,
         settings: SettingsDep) -> BindingOut:
    """Bind the caller to the promoter whose referral code (a link's ``ref``) they came
    with: first or last touch by the settings; ``changed`` says whether this call moved
    the binding. 422 `self_referral`, `unknown_referral_code`."""
    with db.begin():
        b, changed = binding.bind(session=db, buyer_id=caller.id, code=body.code,
                                  device_fp=links.device_of(request), settings=settings)
        return BindingOut(promoter_id=b.promoter_id, bound_at=b.bound_at,
                          first_bound_at=b.first_bound_at, changed=changed,
                          risk_reason=b.risk_reason)


@router.get("/v1/promoters/me", response_model=MeOut)
def me(db: ReadDb, caller: CurrentCaller, settings: SettingsDep) -> MeOut:
    """The caller's promoter account: status, code and referral links, balances, counts.
    404 `not_a_promoter` before applying."""
    with db.begin():
        p = applications.by_user(db, caller.id)
        if p is None:
            applications.approved_by_user(db, caller.id)  # raises not_a_promoter
        base = settings.api_url.rstrip("/")
        links = {"register": f"{base}/v1/auth/register?ref={p.code}",
                 "bind": f"{base}/v1/promoters/bind?ref={p.code}"} if p.code else {}
        return MeOut(promoter=views.promoter_out(p), links=links, **views.counts(db, p.id))


@router.get("/v1/promoters/me/referrals", response_model=ReferralList)
def my_referrals(db: ReadDb, caller: CurrentCaller, limit: Limit = 100) -> ReferralList:
    """Buyers bound to the caller, newest first."""
    with db.begin():
        p = applications.approved_by_user(db, caller.id)
        return ReferralList(items=views.referrals(db, p.id, limit))


@router.get("/v1/promoters/me/orders", response_model=CommissionList)
def my_orders(db: ReadDb, caller: CurrentCaller, limit: Limit = 100) -> CommissionList:
    """Orders of the caller's referred buyers (level 1), with the commission on each."""
    with db.begin():
        p = applications.approved_by_user(db, caller.id)
        return CommissionList(items=views.commissions(db, p.id, level=1, limit=limit),
                              balances=views.promoter_out(p).balances)


@router.get("/v1/promoters/me/commissions", response_model=CommissionList)
def my_commissions(db: ReadDb, caller: CurrentCaller,
                   state: Literal["pending", "held", "withdrawable", "reversed"] | None = None,
                   limit: Limit = 100) -> CommissionList:
    """Commissions at both levels, by state, and the balance of each bucket."""
    with db.begin():
        p = applications.approved_by_user(db, caller.id)
        return CommissionList(items=views.commissions(db, p.id, state=state, limit=limit),
                              balances=views.promoter_out(p).balances)


@router.get("/v1/promoters/me/team", response_model=TeamList)
def my_team(db: ReadDb, caller: CurrentCaller) -> TeamList:
    """Promoters who joined with the caller's code (the caller earns level 2 on their
    buyers' orders)."""
    with db.begin():
        p = applications.approved_by_user(db, caller.id)
        return TeamList(items=views.team(db, p.id))


@router.post("/v1/promoters/me/withdrawals", status_code=201, response_model=WithdrawalOut)
def request_withdrawal(body: WithdrawalIn, db: Db, caller: CurrentCaller,
                       settings: SettingsDep) -> WithdrawalOut:
    """Ask for part of the withdrawable balance; an operator reviews it. 409
    `insufficient_balance`, 422 `below_minimum`."""
    with db.begin():
        return views.withdrawal_out(withdrawals.request(
            session=db, user_id=caller.id, amount_cents=body.amount_cents, settings=settings))


@router.get("/v1/promoters/me/withdrawals", response_model=WithdrawalList)
def my_withdrawals(db: ReadDb, caller: CurrentCaller, limit: Limit = 100) -> WithdrawalList:
    with db.begin():
        p = applications.approved_by_user(db, caller.id)
        return WithdrawalList(items=[views.withdrawal_out(w) for w in withdrawals.listing(
            session=db, promoter_id=p.id, status=None, limit=limit)])
