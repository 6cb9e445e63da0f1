"""Applications and credit lines, and the line's limit ledger.

The limit moves only through ``use`` and ``restore``, each with the line row locked
(FOR UPDATE; SQLite has one writer): of two checkouts racing for the last of the limit the
second sees the first's use and is refused. A CHECK (used <= limit) stands behind that, and
each move writes a limit entry whose running sum is the line's used amount."""

from __future__ import annotations

from datetime import datetime

import redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import service as accounts
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.credit import scoring
from transactional_api.credit.models import (
    ACTIVE,
    OVERDUE,
    CreditApplication,
    CreditLimitEntry,
    CreditLine,
)
from transactional_api.events import credit_events as ce
from transactional_api.events.outbox import emit

EMPLOYMENT = ("employed", "self_employed", "student", "retired", "unemployed")


def apply(*, session: Session, redis_client: redis.Redis, settings: Settings, user_id: str,
          facts: scoring.Facts) -> tuple[CreditApplication, CreditLine | None]:
    """Decide an application; an approval opens the user's line. 409 with a line open."""
    if facts.income_band not in settings.credit_income_band_caps:
        raise Unprocessable("unknown income band", code="invalid_income_band",
                            details={"allowed": sorted(settings.credit_income_band_caps)})
    if facts.employment_status not in EMPLOYMENT:
        raise Unprocessable("unknown employment status", code="invalid_employment_status",
                            details={"allowed": list(EMPLOYMENT)})
    if line_of(session, user_id) is not None:
        raise Conflict("this account already has a credit line", code="credit_line_exists")
    user = accounts.get_user(session=session, user_id=user_id)
    if user is None:
        raise NotFound("user not found")
    now = clock.now()
    decision = scoring.decide(
        facts=facts, published=scoring.read_score(redis_client, user_id),
        risk=scoring.risk_outcome(redis_client, user_id, settings.risk_limits),
        account_age_days=max(0.0, (now - user.created_at).total_seconds() / 86_400),
        income_caps=settings.credit_income_band_caps, min_score=settings.credit_min_score,
        rules_only_limit_cents=settings.credit_rules_only_limit_cents,
        min_account_age_days=settings.credit_min_account_age_days,
        young_account_days=settings.credit_young_account_days,
        step_cents=settings.credit_limit_step_cents)
    currency = settings.credit_currency
    app = CreditApplication(user_id=user_id, decision="approved" if decision.approved
                            else "declined", reason_code=decision.reason_code,
                            limit_cents=decision.limit_cents, currency=currency,
                            score=decision.score, model=decision.model,
                            income_band=facts.income_band,
                            employment_status=facts.employment_status, purpose=facts.purpose,
                            factors=decision.factors, created_at=now)
    session.add(app)
    session.flush()
    line = None
    if decision.approved:
        line = CreditLine(user_id=user_id, application_id=app.id, status=ACTIVE,
                          limit_cents=decision.limit_cents, used_cents=0, currency=currency,
                          created_at=now, updated_at=now)
        try:
            with session.begin_nested():
                session.add(line)
                session.flush()
        except IntegrityError as exc:
            raise Conflict("this account already has a credit line",
                           code="credit_line_exists") from exc
    emit(session=session, event=ce.CreditApplicationDecided(
        occurred_at=now, user_id=user_id, payload=ce.CreditApplicationDecidedPayload(
            application_id=app.id, decision=app.decision, reason_code=app.reason_code,
            limit_cents=app.limit_cents, currency=currency, score=app.score, model=app.model,
            income_band=app.income_band, employment_status=app.employment_status,
            purpose=app.purpose, factors=[ce.CreditFactor(**f) for f in app.factors],
            line_id=line.id if line else None)))
    if line is not None:
        _changed(session, line, "opened", 0, "application_approved", None, now)
    return app, line


def line_of(session: Session, user_id: str, *, lock: bool = False) -> CreditLine | None:
    stmt = select(CreditLine).where(CreditLine.user_id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def get_line(session: Session, line_id: str, *, lock: bool = False) -> CreditLine:
    stmt = select(CreditLine).where(CreditLine.id == line_id)
    if lock:
        stmt = stmt.with_for_update()
    line = session.scalar(stmt)
    if line is None:
        raise NotFound("credit line not found")
    return line


def use(session: Session, line: CreditLine, amount_cents: int, *, plan_id: str | None,
        at: datetime) -> None:
    """Spend from a line the caller locked; 422 over the limit or on a line not active."""
    if line.status != ACTIVE:
        raise Unprocessable(f"the credit line is {line.status}", code=f"credit_line_{line.status}")
    if amount_cents > line.available_cents:
        raise Unprocessable("the amount is over the available credit",
                            code="credit_limit_exceeded",
                            details={"available_cents": line.available_cents,
                                     "currency": line.currency})
    line.used_cents += amount_cents
    line.updated_at = at
    _entry(session, line, "use", amount_cents, "payment", plan_id, at)


def restore(session: Session, line: CreditLine, amount_cents: int, *, reason: str,
            plan_id: str | None, at: datetime) -> None:
    if amount_cents <= 0:
        return
    line.used_cents -= amount_cents
    line.updated_at = at
    _entry(session, line, "restore", -amount_cents, reason, plan_id, at)


def set_status(session: Session, line: CreditLine, status: str, *, reason: str,
               at: datetime) -> None:
    if line.status == status:
        return
    line.status = status
    line.updated_at = at
    _changed(session, line, "status", 0, reason, None, at)


def ledger_sum(session: Session, line_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(CreditLimitEntry.amount_cents), 0))
                              .where(CreditLimitEntry.line_id == line_id)))


def spendable(line: CreditLine | None) -> str | None:
    """None when the line may be spent from; otherwise why not."""
    if line is None:
        return "no_credit_line"
    if line.status == OVERDUE:
        return "credit_line_overdue"
    if line.status != ACTIVE:
        return f"credit_line_{line.status}"
    return None


def _entry(session: Session, line: CreditLine, kind: str, amount: int, reason: str,
           plan_id: str | None, at: datetime) -> None:
    session.add(CreditLimitEntry(line_id=line.id, kind=kind, amount_cents=amount,
                                 used_after_cents=line.used_cents, reason=reason,
                                 plan_id=plan_id, created_at=at))
    session.flush()  # the CHECK (used <= limit) answers here, inside the caller's transaction
    _changed(session, line, kind, abs(amount), reason, plan_id, at)


def _changed(session: Session, line: CreditLine, kind: str, amount: int, reason: str,
             plan_id: str | None, at: datetime) -> None:
    emit(session=session, event=ce.CreditLimitChanged(
        occurred_at=at, user_id=line.user_id, payload=ce.CreditLimitChangedPayload(
            line_id=line.id, kind=kind, amount_cents=amount, limit_cents=line.limit_cents,
            used_cents=line.used_cents, available_cents=line.available_cents,
            currency=line.currency, status=line.status, reason=reason, plan_id=plan_id)))
