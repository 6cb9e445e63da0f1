"""Financing: a plan's receivable (what the shopper still owes on it) assigned to a
funder. A funder is anything with ``assign``; the in-process sandbox accepts every
receivable. Assignment happens at payment or when the order completes (settings)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from transactional_api.core.errors import Unprocessable
from transactional_api.credit.models import CreditPlan
from transactional_api.events import credit_events as ce
from transactional_api.events.outbox import emit


class Funder(Protocol):
    name: str

    def assign(self, *, plan_id: str, receivable_cents: int, currency: str) -> str:
        """Take the receivable; returns the funder's reference."""


class SandboxFunder:
    name = "sandbox"

    def assign(self, *, plan_id: str, receivable_cents: int, currency: str) -> str:
        return f"sbx_fund_{plan_id}"


FUNDERS: dict[str, Funder] = {"sandbox": SandboxFunder()}


def assign(session: Session, plan: CreditPlan, *, funder_name: str, trigger: str,
           at: datetime) -> bool:
    """Assign the plan's receivable once; False when already assigned or nothing is owed."""
    if plan.funder is not None or plan.status != "active":
        return False
    funder = FUNDERS.get(funder_name)
    if funder is None:
        raise Unprocessable(f"unknown funder {funder_name!r}", code="unknown_funder")
    receivable = plan.principal_cents + plan.interest_cents + plan.fee_cents
    plan.funder = funder.name
    plan.funder_reference = funder.assign(plan_id=plan.id, receivable_cents=receivable,
                                          currency=plan.currency)
    plan.assigned_at = at
    emit(session=session, event=ce.CreditReceivableAssigned(
        occurred_at=at, user_id=plan.user_id, payload=ce.CreditReceivableAssignedPayload(
            plan_id=plan.id, funder=funder.name, funder_reference=plan.funder_reference,
            receivable_cents=receivable, currency=plan.currency, trigger=trigger)))
    return True
