"""Promoters over HTTP, the operators' side: applications, commission rules and held
commissions ('marketing'), withdrawals ('finance')."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import (
    Db,
    FinanceCaller,
    MarketingCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.promoters import applications, commissions, jobs, ledger, rules, views
from transactional_api.promoters import withdrawals as wd
from transactional_api.promoters.schemas import (
    Balances,
    CommissionList,
    CommissionOut,
    DecisionIn,
    HeldDecisionIn,
    LedgerCheckOut,
    PayoutIn,
    PromoterList,
    PromoterOut,
    RuleIn,
    RuleList,
    RuleOut,
    RunOut,
    WithdrawalList,
    WithdrawalOut,
)

router = APIRouter(tags=["promoters"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/v1/admin/promoters", response_model=PromoterList)
def list_promoters(db: ReadDb, _: MarketingCaller,
                   status: Literal["applied", "approved", "rejected"] | None = None,
                   limit: Limit = 100) -> PromoterList:
    with db.begin():
        return PromoterList(items=[views.promoter_out(p) for p in applications.listing(
            session=db, status=status, limit=limit)])


@router.post("/v1/admin/promoters/{promoter_id}/decision", response_model=PromoterOut)
def decide(promoter_id: IdPath, body: DecisionIn, db: Db, caller: MarketingCaller
           ) -> PromoterOut:
    """Approve (a referral code is issued) or reject (a reason is required) an application;
    409 `illegal_transition` once decided."""
    with db.begin():
        return views.promoter_out(applications.decide(
            session=db, promoter_id=promoter_id, approve=body.decision == "approve",
            reason=body.reason, actor_id=caller.id))


@router.get("/v1/admin/promoters/{promoter_id}/commissions", response_model=CommissionList)
def promoter_commissions(promoter_id: IdPath, db: ReadDb, _: MarketingCaller,
                         state: Literal["pending", "held", "withdrawable",
                                        "reversed"] | None = None,
                         limit: Limit = 100) -> CommissionList:
    with db.begin():
        p = applications.get(db, promoter_id)
        return CommissionList(items=views.commissions(db, p.id, state=state, limit=limit),
                              balances=views.promoter_out(p).balances)


@router.get("/v1/admin/promoters/{promoter_id}/ledger-check", response_model=LedgerCheckOut)
def ledger_check(promoter_id: IdPath, db: ReadDb, _: MarketingCaller) -> LedgerCheckOut:
    """The balances kept on the promoter against the sums of their ledger entries."""
    with db.begin():
        p = applications.get(db, promoter_id)
        kept = ledger.balances(p)
        summed = ledger.balances_from_entries(db, p.id)
        return LedgerCheckOut(
            promoter_id=p.id, consistent=kept == summed,
            balances=Balances(**{f"{k}_cents": v for k, v in kept.items()}),
            from_entries=Balances(**{f"{k}_cents": v for k, v in summed.items()}))


@router.post("/v1/admin/promoters/commissions/{commission_id}/review",
             response_model=CommissionOut)
def review_held(commission_id: IdPath, body: HeldDecisionIn, db: Db,
                _: MarketingCaller) -> CommissionOut:
    """A held commission (self-referral, shared device or address, referral ring) is
    released to pending or voided; 409 `not_held`."""
    with db.begin():
        return views.commission_out(commissions.review_held(
            session=db, commission_id=commission_id, release=body.decision == "release",
            now=clock.now()))


@router.get("/v1/admin/promoters/rules", response_model=RuleList)
def list_rules(db: ReadDb, _: MarketingCaller) -> RuleList:
    with db.begin():
        return RuleList(items=[views.rule_out(r) for r in rules.listing(session=db)])


@router.put("/v1/admin/promoters/rules", response_model=RuleOut)
def put_rule(body: RuleIn, db: Db, caller: MarketingCaller) -> RuleOut:
    """Set the level-1 and level-2 rates (basis points) of a product, category or merchant;
    the most specific rule matching an order line wins."""
    with db.begin():
        return views.rule_out(rules.upsert(session=db, actor_id=caller.id,
                                           **body.model_dump()))


@router.delete("/v1/admin/promoters/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: IdPath, db: Db, _: MarketingCaller) -> Response:
    with db.begin():
        rules.delete(session=db, rule_id=rule_id)
    return Response(status_code=204)


@router.post("/v1/admin/promoters/run", response_model=RunOut)
def run(request: Request, settings: SettingsDep, _: MarketingCaller) -> RunOut:
    """Apply the outbox's payments, refunds and completions now and mature what is due at
    the shop clock (X-Flywheel-Clock in the demo); the background job does the same."""
    return RunOut(**jobs.run_due(request.app.state.sessions, settings, now=clock.now()))


@router.get("/v1/admin/promoters/withdrawals", response_model=WithdrawalList)
def list_withdrawals(db: ReadDb, _: FinanceCaller,
                     status: Literal["requested", "approved", "rejected", "paid"] | None = None,
                     limit: Limit = 100) -> WithdrawalList:
    with db.begin():
        return WithdrawalList(items=[views.withdrawal_out(w) for w in wd.listing(
            session=db, promoter_id=None, status=status, limit=limit)])


@router.post("/v1/admin/promoters/withdrawals/{withdrawal_id}/review",
             response_model=WithdrawalOut)
def review_withdrawal(withdrawal_id: IdPath, body: DecisionIn, db: Db,
                      caller: FinanceCaller) -> WithdrawalOut:
    """Approve, or reject with a reason (the amount is withdrawable again)."""
    with db.begin():
        return views.withdrawal_out(wd.review(
            session=db, withdrawal_id=withdrawal_id, approve=body.decision == "approve",
            reason=body.reason, actor_id=caller.id))


@router.post("/v1/admin/promoters/withdrawals/{withdrawal_id}/payout",
             response_model=WithdrawalOut)
def payout(withdrawal_id: IdPath, body: PayoutIn, db: Db, caller: FinanceCaller
           ) -> WithdrawalOut:
    """Record that an approved withdrawal was paid out through the 'manual' channel (the
    transfer's reference); 409 `illegal_transition` unless approved."""
    with db.begin():
        return views.withdrawal_out(wd.pay(session=db, withdrawal_id=withdrawal_id,
                                           reference=body.reference, actor_id=caller.id))
