"""Coupon templates as operators and merchants run them: create, edit, and the lifecycle
draft -> active <-> paused -> ended (any of the first three may end).

``merchant`` scopes every call: None for operators (any template), a merchant id for its
staff, to whom another merchant's template answers exactly as a missing one (404).
Each change is one coupon_template_changed event and bumps the template's version.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import pricing_events as pe
from transactional_api.events.outbox import emit
from transactional_api.pricing import coupon_schemas as cs
from transactional_api.pricing.coupon_models import CouponTemplate

PARAMS: dict[str, type[BaseModel]] = {
    "full_reduction": cs.FullReductionParams, "percent_off": cs.PercentOffParams,
    "random_amount": cs.RandomAmountParams, "new_user": cs.NewUserParams,
    "shipping": cs.ShippingParams}
MOVES = {"activate": (("draft",), "active"), "pause": (("active",), "paused"),
         "resume": (("paused",), "active"), "end": (("draft", "active", "paused"), "ended")}
EDITABLE = ("draft", "paused")
# what a paused template (coupons already out) may not change
FROZEN_WHEN_PAUSED = ("params", "min_spend_cents", "scope_kind", "scope_ids")


def _invalid(message: str, **details) -> Unprocessable:
    return Unprocessable(message, code="invalid_coupon_template", details=details or None)


def _tiers(tiers: list[list[int]]) -> list[list[int]]:
    if len({t for t, _ in tiers}) != len(tiers):
        raise Unprocessable("tier thresholds must differ", code="invalid_coupon_params")
    if any(off > t for t, off in tiers):
        raise Unprocessable("a tier cannot take off more than its threshold",
                            code="invalid_coupon_params")
    return sorted([list(t) for t in tiers])


def check_params(kind: str, params: dict) -> dict:
    """The kind's params, normalised; 422 invalid_coupon_params naming what is wrong."""
    try:
        parsed = PARAMS[kind].model_validate(params)
    except ValidationError as exc:
        raise Unprocessable(f"params are not valid for a {kind} coupon",
                            code="invalid_coupon_params",
                            details=[{"loc": list(e["loc"]), "msg": e["msg"]}
                                     for e in exc.errors()]) from None
    out = parsed.model_dump(exclude_none=True)
    if kind in ("full_reduction", "new_user") and "tiers" in out:
        out["tiers"] = _tiers(out["tiers"])
    if kind == "random_amount" and out["max_cents"] < out["min_cents"]:
        raise Unprocessable("max_cents must be at least min_cents",
                            code="invalid_coupon_params")
    if kind == "new_user" and ("amount_cents" in out) == ("tiers" in out):
        raise Unprocessable("a new-user coupon takes either amount_cents or tiers",
                            code="invalid_coupon_params")
    return out


def _check(t: CouponTemplate) -> None:
    """Rules across fields, on the template as it would be after a create or edit."""
    if (t.valid_days is None) == (t.valid_from is None and t.valid_until is None):
        raise _invalid("validity is either valid_from..valid_until or valid_days",
                       field="validity")
    if t.valid_days is None and (t.valid_from is None or t.valid_until is None
                                 or t.valid_until <= t.valid_from):
        raise _invalid("valid_until must come after valid_from", field="validity")
    if t.claim_starts_at and t.claim_ends_at and t.claim_ends_at <= t.claim_starts_at:
        raise _invalid("claim_ends_at must come after claim_starts_at", field="claim_window")
    if (t.scope_kind == "store") != (not t.scope_ids):
        raise _invalid("a store-wide coupon has no scope_ids; any other scope needs some",
                       field="scope_ids")
    if t.merchant_id and t.scope_kind == "merchant" and set(t.scope_ids) != {t.merchant_id}:
        raise _invalid("a merchant's coupon covers that merchant's goods only",
                       field="scope_ids")
    if t.total_limit is not None and t.total_limit < (t.issued_count or 0):
        raise Conflict("total_limit is below the coupons already issued",
                       code="total_limit_below_issued",
                       details={"issued_count": t.issued_count})


def event(t: CouponTemplate, *, previous: str | None, actor_id: str, at: datetime):
    return pe.CouponTemplateChanged(occurred_at=at, user_id=actor_id,
                                    payload=pe.CouponTemplateChangedPayload(
                                        template_id=t.id, name=t.name, kind=t.kind,
                                        merchant_id=t.merchant_id, campaign=t.campaign,
                                        status=t.status, previous_status=previous,
                                        total_limit=t.total_limit,
                                        per_user_limit=t.per_user_limit,
                                        currency=t.currency, version=t.version))


def create(*, session: Session, body: cs.TemplateIn, merchant: str | None,
           actor_id: str) -> CouponTemplate:
    """A draft. Merchant staff always create their own merchant's coupon."""
    now = clock.now()
    data = body.model_dump(exclude_none=True)
    data["merchant_id"] = merchant if merchant is not None else body.merchant_id
    data["params"] = check_params(body.kind, body.params)
    template = CouponTemplate(**data, status="draft", issued_count=0, version=1,
                              created_by=actor_id, created_at=now, updated_at=now)
    for field, default in (("scope_kind", "store"), ("scope_ids", []), ("min_spend_cents", 0),
                           ("exclusive", False), ("priority", 0), ("per_user_limit", 1),
                           ("claimable", True)):
        if getattr(template, field) is None:
            setattr(template, field, default)
    _check(template)
    session.add(template)
    session.flush()
    emit(session=session, event=event(template, previous=None, actor_id=actor_id, at=now))
    return template


def get(*, session: Session, template_id: str, merchant: str | None,
        lock: bool = False) -> CouponTemplate:
    query = select(CouponTemplate).where(CouponTemplate.id == template_id)
    if merchant is not None:
        query = query.where(CouponTemplate.merchant_id == merchant)
    if lock:
        query = query.with_for_update()
    found = session.scalar(query.execution_options(populate_existing=True))
    if found is None:
        raise NotFound("coupon template not found")
    return found


def edit(*, session: Session, template_id: str, changes: cs.TemplateFields,
         merchant: str | None, actor_id: str) -> CouponTemplate:
    """Only a draft or paused template changes; a paused one (coupons already out) keeps
    what it takes off and from what."""
    template = get(session=session, template_id=template_id, merchant=merchant, lock=True)
    if template.status not in EDITABLE:
        raise Conflict(f"a {template.status} template cannot be edited; pause it first",
                       code="template_not_editable", details={"status": template.status})
    data = changes.model_dump(exclude_unset=True)
    if template.status == "paused" and (frozen := sorted(set(data) & set(FROZEN_WHEN_PAUSED))):
        raise Conflict("coupons of this template are out: what it takes off stays",
                       code="template_not_editable", details={"fields": frozen})
    if "params" in data:
        if data["params"] is None:
            raise _invalid("params cannot be removed", field="params")
        data["params"] = check_params(template.kind, data["params"])
    # choosing one validity style clears the other
    if data.get("valid_days") is not None:
        data.setdefault("valid_from", None)
        data.setdefault("valid_until", None)
    elif data.get("valid_from") is not None or data.get("valid_until") is not None:
        data.setdefault("valid_days", None)
    for field in ("name", "min_spend_cents", "scope_kind", "scope_ids", "exclusive",
                  "priority", "per_user_limit", "claimable"):
        if field in data and data[field] is None:
            raise _invalid(f"{field} cannot be null", field=field)
    for field, value in data.items():
        setattr(template, field, value)
    _check(template)
    template.version += 1
    template.updated_at = clock.now()
    emit(session=session, event=event(template, previous=template.status, actor_id=actor_id,
                                      at=template.updated_at))
    return template


def transition(*, session: Session, template_id: str, action: str, merchant: str | None,
               actor_id: str) -> CouponTemplate:
    """One conditional UPDATE, so of two racing moves exactly one wins; the other is 409."""
    sources, target = MOVES[action]
    template = get(session=session, template_id=template_id, merchant=merchant)
    previous, now = template.status, clock.now()
    moved = session.execute(
        update(CouponTemplate).where(CouponTemplate.id == template.id,
                                     CouponTemplate.status.in_(sources))
        .values(status=target, version=CouponTemplate.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    template = get(session=session, template_id=template_id, merchant=merchant)
    if not moved:
        raise Conflict(f"cannot {action} a {template.status} template",
                       code="illegal_transition",
                       details={"from": template.status, "action": action})
    emit(session=session, event=event(template, previous=previous, actor_id=actor_id, at=now))
    return template


def listing(*, session: Session, merchant: str | None, status: str | None,
            merchant_filter: str | None, limit: int, offset: int
            ) -> tuple[list[CouponTemplate], int]:
    query = select(CouponTemplate)
    if merchant is not None:
        query = query.where(CouponTemplate.merchant_id == merchant)
    elif merchant_filter is not None:
        query = query.where(CouponTemplate.merchant_id == merchant_filter)
    if status is not None:
        query = query.where(CouponTemplate.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(CouponTemplate.created_at.desc(),
                                          CouponTemplate.id).limit(limit).offset(offset))
    return list(rows), total


def claimable(*, session: Session, now: datetime) -> list[CouponTemplate]:
    """Active, public templates whose claim window is open now and not sold out."""
    t = CouponTemplate
    query = select(t).where(
        t.status == "active", t.claimable.is_(True),
        (t.claim_starts_at.is_(None)) | (t.claim_starts_at <= now),
        (t.claim_ends_at.is_(None)) | (t.claim_ends_at > now),
        (t.valid_until.is_(None)) | (t.valid_until > now),
        (t.total_limit.is_(None)) | (t.issued_count < t.total_limit))
    return list(session.scalars(query.order_by(t.created_at.desc(), t.id).limit(200)))
