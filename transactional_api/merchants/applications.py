"""A merchant's application and its review.

submitted -> approved | rejected | info_requested; info_requested -> submitted (the
applicant updates it). approved and rejected are final; anything else is 409
illegal_transition. Each change is a conditional UPDATE on the version read, so two
reviewers (or a reviewer and the applicant) racing on one application change it once.
Approval creates the merchant (pending_deposit) and makes the applicant its owner.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.catalog.schemas import MerchantIn
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.merchant_events import (
    MerchantApplicationReviewed,
    MerchantApplicationReviewedPayload,
    MerchantApplied,
    MerchantAppliedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.merchants import lifecycle, staff
from transactional_api.merchants.models import MerchantApplication
from transactional_api.merchants.schemas import ApplicationIn, ReviewIn

SUBMITTED, INFO_REQUESTED, APPROVED, REJECTED = APPLICATION_STATES = (
    "submitted", "info_requested", "approved", "rejected")
_AFTER = {"approve": APPROVED, "reject": REJECTED, "request_info": INFO_REQUESTED}
_OPEN = (SUBMITTED, INFO_REQUESTED)


def mask(account_number: str) -> str:
    """Everything but the last 4 characters hidden; the rest is never stored."""
    compact = re.sub(r"\s+", "", account_number).upper()
    return "*" * (len(compact) - 4) + compact[-4:]


def _slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100] or "merchant"
    return f"{base}-{uuid.uuid4().hex[:6]}"


def _fields(data: ApplicationIn, slug: str | None) -> dict:
    return dict(company_name=data.company_name, slug=data.slug or slug or _slug(data.company_name),
                legal_id=data.legal_id, contact_name=data.contact.name,
                contact_email=data.contact.email, contact_phone=data.contact.phone,
                region=data.region, city=data.city,
                qualifications=[q.model_dump() for q in data.qualifications],
                account_holder=data.settlement_account.holder,
                account_masked=mask(data.settlement_account.account_number),
                settlement_cycle=data.settlement_cycle)


def _check_categories(session: Session, data: ApplicationIn) -> None:
    known = {c.id for c in catalog.list_categories(session=session)}
    unknown = sorted({q.category_id for q in data.qualifications} - known)
    if unknown:
        raise Unprocessable("unknown category", code="unknown_category",
                            details={"category_ids": unknown})


def _applied(session: Session, app: MerchantApplication, resubmission: bool) -> None:
    emit(session=session, event=MerchantApplied(
        occurred_at=clock.now(), user_id=app.user_id, payload=MerchantAppliedPayload(
            application_id=app.id, company_name=app.company_name,
            category_ids=sorted({q["category_id"] for q in app.qualifications}),
            settlement_cycle=app.settlement_cycle, resubmission=resubmission)))


def apply(*, session: Session, user_id: str, data: ApplicationIn) -> MerchantApplication:
    """A signed-in user applies; one open application per user (409 application_open)."""
    _check_categories(session, data)
    open_one = session.scalar(select(MerchantApplication.id).where(
        MerchantApplication.user_id == user_id, MerchantApplication.status.in_(_OPEN)))
    if open_one is not None:
        raise Conflict("you already have an application under review",
                       code="application_open", details={"application_id": open_one})
    now = clock.now()
    app = MerchantApplication(id=new_id(), user_id=user_id, status=SUBMITTED, version=1,
                              submitted_at=now, created_at=now, updated_at=now,
                              **_fields(data, None))
    session.add(app)
    session.flush()
    _applied(session, app, resubmission=False)
    return app


def get(*, session: Session, application_id: str, user_id: str | None = None
        ) -> MerchantApplication:
    """One application (an applicant's own only: others are 404 like a missing one)."""
    app = session.get(MerchantApplication, application_id)
    if app is None or (user_id is not None and app.user_id != user_id):
        raise NotFound("application not found", code="application_not_found")
    return app


def listing(*, session: Session, user_id: str | None, status: str | None, limit: int,
            offset: int) -> tuple[list[MerchantApplication], int]:
    stmt = select(MerchantApplication)
    if user_id is not None:
        stmt = stmt.where(MerchantApplication.user_id == user_id)
    if status:
        stmt = stmt.where(MerchantApplication.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(MerchantApplication.submitted_at,
                                         MerchantApplication.id).limit(limit).offset(offset))
    return list(rows), total


def _illegal(app: MerchantApplication, to: str) -> Conflict:
    return Conflict(f"an application {app.status} cannot become {to}",
                    code="illegal_transition", details={"from": app.status, "to": to})


def _move(session: Session, app: MerchantApplication, read_version: int, **values) -> None:
    """Write the change only if nobody changed the application since we read it."""
    done = session.execute(update(MerchantApplication).where(
        MerchantApplication.id == app.id, MerchantApplication.version == read_version)
        .values(version=read_version + 1, updated_at=clock.now(), **values)).rowcount
    if not done:
        raise Conflict("the application changed meanwhile; reload it", code="stale_application")
    session.refresh(app)


def resubmit(*, session: Session, user_id: str, application_id: str,
             data: ApplicationIn) -> MerchantApplication:
    """The applicant answers a request for more: the updated application is under review
    again (only from info_requested)."""
    app = get(session=session, application_id=application_id, user_id=user_id)
    if app.status != INFO_REQUESTED:
        raise _illegal(app, SUBMITTED)
    _check_categories(session, data)
    _move(session, app, app.version, status=SUBMITTED, submitted_at=clock.now(),
          **_fields(data, app.slug))
    _applied(session, app, resubmission=True)
    return app


def review(*, session: Session, application_id: str, data: ReviewIn,
           reviewer_id: str) -> MerchantApplication:
    app = get(session=session, application_id=application_id)
    to = _AFTER[data.decision]
    if app.status != SUBMITTED:
        raise _illegal(app, to)
    if data.expected_version is not None and data.expected_version != app.version:
        raise Conflict("the application changed since you read it", code="stale_application",
                       details={"version": app.version})
    merchant_id = None
    read_version = app.version
    if to == APPROVED:
        merchant = catalog.create_merchant(
            session=session, status=lifecycle.PENDING_DEPOSIT,
            data=MerchantIn(name=app.company_name, slug=app.slug, region=app.region,
                            city=app.city))
        merchant_id = merchant.id
    _move(session, app, read_version, status=to, review_reason=data.reason,
          reviewed_by=reviewer_id, reviewed_at=clock.now(), merchant_id=merchant_id)
    emit(session=session, event=MerchantApplicationReviewed(
        occurred_at=clock.now(), user_id=app.user_id,
        payload=MerchantApplicationReviewedPayload(
            application_id=app.id, decision=data.decision, reason=data.reason,
            merchant_id=merchant_id, reviewer_id=reviewer_id)))
    if merchant_id is not None:
        lifecycle.record(session, merchant_id=merchant_id, from_status=None,
                         to_status=lifecycle.PENDING_DEPOSIT, reason="application approved",
                         actor_id=reviewer_id)
        staff.set_staff(session=session, merchant_id=merchant_id, user_id=app.user_id,
                        role=staff.OWNER, actor_id=reviewer_id)
    return app


def approved_for(*, session: Session, merchant_id: str) -> MerchantApplication | None:
    """The approved application a merchant came from (its settlement cycle and account)."""
    return session.scalar(select(MerchantApplication).where(
        MerchantApplication.merchant_id == merchant_id))
