"""What promoters (and operators) read: a promoter's referrals, commissions and team."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.promoters import ledger
from transactional_api.promoters.models import Binding, Commission, Promoter, Withdrawal
from transactional_api.promoters.schemas import (
    Balances,
    CommissionOut,
    PromoterOut,
    ReferralOut,
    RuleOut,
    TeamMemberOut,
    WithdrawalOut,
)


def promoter_out(p: Promoter) -> PromoterOut:
    return PromoterOut(id=p.id, user_id=p.user_id, status=p.status, code=p.code,
                       parent_id=p.parent_id, pitch=p.pitch, decision_reason=p.decision_reason,
                       currency=p.currency, applied_at=p.applied_at, decided_at=p.decided_at,
                       balances=Balances(**{f"{k}_cents": v
                                            for k, v in ledger.balances(p).items()}))


def commission_out(c: Commission) -> CommissionOut:
    return CommissionOut(id=c.id, order_id=c.order_id, buyer_id=c.buyer_id,
                         promoter_id=c.promoter_id, level=c.level, state=c.state,
                         hold_reason=c.hold_reason, currency=c.currency,
                         base_cents=c.base_cents, amount_cents=c.amount_cents,
                         reversed_cents=c.reversed_cents, accrued_at=c.accrued_at,
                         matures_at=c.matures_at)


def withdrawal_out(w: Withdrawal) -> WithdrawalOut:
    return WithdrawalOut(id=w.id, promoter_id=w.promoter_id, amount_cents=w.amount_cents,
                         currency=w.currency, status=w.status, channel=w.channel,
                         reason=w.reason, payout_reference=w.payout_reference,
                         requested_at=w.requested_at, reviewed_at=w.reviewed_at,
                         paid_at=w.paid_at)


def rule_out(r) -> RuleOut:
    return RuleOut(id=r.id, scope_kind=r.scope_kind, scope_id=r.scope_id,
                   level1_bp=r.level1_bp, level2_bp=r.level2_bp, updated_at=r.updated_at)


def counts(session: Session, promoter_id: str) -> dict[str, int]:
    return {
        "referrals": session.scalar(select(func.count()).select_from(Binding)
                                    .where(Binding.promoter_id == promoter_id)) or 0,
        "orders": session.scalar(select(func.count(Commission.order_id.distinct())).where(
            Commission.promoter_id == promoter_id, Commission.level == 1)) or 0,
        "team": session.scalar(select(func.count()).select_from(Promoter)
                               .where(Promoter.parent_id == promoter_id)) or 0,
    }


def referrals(session: Session, promoter_id: str, limit: int) -> list[ReferralOut]:
    rows = session.scalars(select(Binding).where(Binding.promoter_id == promoter_id)
                           .order_by(Binding.bound_at.desc()).limit(limit))
    return [ReferralOut(buyer_id=b.buyer_id, bound_at=b.bound_at, risk_reason=b.risk_reason)
            for b in rows]


def commissions(session: Session, promoter_id: str, *, state: str | None = None,
                level: int | None = None, limit: int = 100) -> list[CommissionOut]:
    stmt = select(Commission).where(Commission.promoter_id == promoter_id)
    if state:
        stmt = stmt.where(Commission.state == state)
    if level:
        stmt = stmt.where(Commission.level == level)
    rows = session.scalars(stmt.order_by(Commission.accrued_at.desc(), Commission.id)
                           .limit(limit))
    return [commission_out(c) for c in rows]


def team(session: Session, promoter_id: str) -> list[TeamMemberOut]:
    members = list(session.scalars(select(Promoter).where(Promoter.parent_id == promoter_id)
                                   .order_by(Promoter.applied_at)))
    refs = dict(session.execute(select(Binding.promoter_id, func.count()).where(
        Binding.promoter_id.in_([m.id for m in members])).group_by(Binding.promoter_id)).all())
    return [TeamMemberOut(promoter_id=m.id, code=m.code, status=m.status,
                          applied_at=m.applied_at, referrals=refs.get(m.id, 0))
            for m in members]
