"""Promotions as operators and merchants run them: create (a draft), edit (draft or paused,
bumping version), activate, pause, resume, end (final).

A merchant's promotion (merchant_id set) is funded by and limited to that merchant's goods:
its scope is the merchant, or its own products or SKUs; a merchant never sees another's
(404). Every change emits promotion_changed through the outbox in the same transaction and
bumps pricing_state.version, so every process's loader reloads the active set.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import product_merchants, sku_facts
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.outbox import emit
from transactional_api.events.pricing_events import PromotionChanged, PromotionChangedPayload
from transactional_api.pricing.admin_schemas import PARAMS
from transactional_api.pricing.floors import floor_warnings
from transactional_api.pricing.models import PricingState, Promotion

# action -> (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({"draft"}), "active"),
    "pause": (frozenset({"active"}), "paused"),
    "resume": (frozenset({"paused"}), "active"),
    "end": (frozenset({"draft", "active", "paused"}), "ended"),
}
EDITABLE = frozenset({"draft", "paused"})


def bump_version(session: Session) -> None:
    """One row every loader reads per quote; a change here makes them reload promotions."""
    done = session.execute(update(PricingState).where(PricingState.id == 1)
                           .values(version=PricingState.version + 1))
    if done.rowcount == 0:  # a schema made without the migration's seed row
        session.add(PricingState(id=1, version=1))
        session.flush()


def _params(session: Session, kind: str, params: dict, merchant_id: str | None) -> dict:
    try:
        clean = PARAMS[kind].model_validate(params).model_dump(mode="json")
    except ValidationError as exc:
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        first = problems[0]
        where = ".".join(str(x) for x in first["loc"]) or "params"
        raise Unprocessable(f"params for {kind} are not valid: {where}: {first['msg']}",
                            code="invalid_promotion_params", details=problems) from None
    skus = clean["sku_ids"] if kind == "bundle_price" else (
        [clean["gift_sku_id"]] if kind == "gift" else [])
    if skus:
        found = sku_facts(session, skus)
        missing = sorted(s for s in skus if s not in found
                         or (merchant_id and found[s].merchant_id != merchant_id))
        if missing:
            raise Unprocessable("these SKUs do not exist" + (
                " among this merchant's" if merchant_id else ""),
                code="unknown_sku", details={"sku_ids": missing})
    return clean


def _scope(session: Session, kind: str, ids: list[str],
           merchant_id: str | None) -> tuple[str, list[str]]:
    ids = sorted(set(ids))
    if merchant_id is not None:
        if kind == "store":
            return "merchant", [merchant_id]
        # a category or brand scope is fine: the engine applies a merchant-funded offer to
        # that merchant's lines only, whatever its scope says
        if kind == "merchant" and ids != [merchant_id]:
            raise Unprocessable("a merchant's promotion covers its own goods only",
                                code="scope_not_allowed")
    if kind == "product":
        owners = product_merchants(session, ids)
        missing = [p for p in ids if p not in owners
                   or (merchant_id is not None and owners[p] != merchant_id)]
        if missing:
            raise Unprocessable("unknown products in scope", code="unknown_scope_ids",
                                details={"ids": missing})
    if kind == "sku":
        found = sku_facts(session, ids)
        missing = [s for s in ids if s not in found
                   or (merchant_id is not None and found[s].merchant_id != merchant_id)]
        if missing:
            raise Unprocessable("unknown SKUs in scope", code="unknown_scope_ids",
                                details={"ids": missing})
    return kind, ids


def _levels(member_levels: list[str], levels: list[str]) -> list[str]:
    unknown = sorted(set(member_levels) - set(levels))
    if unknown:
        raise Unprocessable("unknown member levels", code="unknown_member_level",
                            details={"unknown": unknown, "levels": levels})
    return sorted(set(member_levels))


def _emit(session: Session, p: Promotion, *, actor_id: str, previous: str | None,
          now: datetime) -> None:
    emit(session=session, event=PromotionChanged(
        occurred_at=now, user_id=actor_id, payload=PromotionChangedPayload(
            promotion_id=p.id, name=p.name, kind=p.kind, merchant_id=p.merchant_id,
            campaign=p.campaign, status=p.status, previous_status=previous,
            budget_cents=p.budget_cents, currency=p.currency, version=p.version)))
    bump_version(session)


def warnings_of(session: Session, p: Promotion) -> list[dict]:
    return floor_warnings(session, kind=p.kind, params=p.params, scope_kind=p.scope_kind,
                          scope_ids=list(p.scope_ids), merchant_id=p.merchant_id)


def create(session: Session, *, data, merchant_id: str | None, actor_id: str,
           levels: list[str], now: datetime) -> Promotion:
    """data: admin_schemas.PromotionIn. merchant_id: the merchant creating it (None: the
    platform)."""
    params = _params(session, data.kind, data.params, merchant_id)
    scope_kind, scope_ids = _scope(session, data.scope.kind, data.scope.ids, merchant_id)
    p = Promotion(
        name=data.name, kind=data.kind, params=params, scope_kind=scope_kind,
        scope_ids=scope_ids, merchant_id=merchant_id, priority=data.priority,
        exclusive=data.exclusive, stacking_group=data.stacking_group, status="draft",
        starts_at=data.starts_at, ends_at=data.ends_at, budget_cents=data.budget_cents,
        spent_cents=0, usage_limit=data.usage_limit, used_count=0,
        per_user_limit=data.per_user_limit, member_levels=_levels(data.member_levels, levels),
        audience_id=data.audience_id, campaign=data.campaign, currency=data.currency,
        payment_channel=params.get("channel") if data.kind == "payment_instant" else None,
        version=1, created_by=actor_id, created_at=now, updated_at=now)
    session.add(p)
    session.flush()
    _emit(session, p, actor_id=actor_id, previous=None, now=now)
    return p


def get(session: Session, *, promotion_id: str, merchant_id: str | None,
        lock: bool = False) -> Promotion:
    """merchant_id set: only that merchant's promotion (another's answers 404)."""
    q = select(Promotion).where(Promotion.id == promotion_id)
    if merchant_id is not None:
        q = q.where(Promotion.merchant_id == merchant_id)
    p = session.scalar(q.with_for_update() if lock else q)
    if p is None:
        raise NotFound("promotion not found", code="promotion_not_found")
    return p


def list_promotions(session: Session, *, merchant_id: str | None, status: str | None,
                    limit: int, offset: int) -> list[Promotion]:
    q = select(Promotion)
    if merchant_id is not None:
        q = q.where(Promotion.merchant_id == merchant_id)
    if status is not None:
        q = q.where(Promotion.status == status)
    return list(session.scalars(q.order_by(Promotion.created_at.desc(), Promotion.id)
                                .limit(limit).offset(offset)))


def edit(session: Session, *, promotion_id: str, changes: dict, merchant_id: str | None,
         actor_id: str, levels: list[str], now: datetime) -> Promotion:
    """changes: the fields the PATCH sent (exclude_unset). Only a draft or paused
    promotion may change (409 promotion_not_editable); the whole result is validated
    before anything is written."""
    p = get(session, promotion_id=promotion_id, merchant_id=merchant_id, lock=True)
    expected = changes.pop("expected_version", None)
    if expected is not None and expected != p.version:
        raise Conflict("the promotion changed since you read it", code="version_conflict",
                       details={"version": p.version})
    if p.status not in EDITABLE:
        raise Conflict(f"a {p.status} promotion cannot be edited; pause it first",
                       code="promotion_not_editable", details={"status": p.status})
    kind = changes.get("kind", p.kind)
    params = _params(session, kind, changes.get("params", p.params), p.merchant_id)
    if "scope" in changes:
        scope = changes.pop("scope")
        p.scope_kind, p.scope_ids = _scope(session, scope["kind"], scope["ids"],
                                           p.merchant_id)
    starts, ends = changes.get("starts_at", p.starts_at), changes.get("ends_at", p.ends_at)
    if ends <= starts:
        raise Unprocessable("ends_at must be after starts_at", code="invalid_window")
    budget = changes.get("budget_cents", p.budget_cents)
    if budget is not None and budget < p.spent_cents:
        raise Unprocessable("the budget is below what is already spent",
                            code="budget_below_spent", details={"spent_cents": p.spent_cents})
    limit = changes.get("usage_limit", p.usage_limit)
    if limit is not None and limit < p.used_count:
        raise Unprocessable("the usage limit is below the uses so far",
                            code="usage_limit_below_used", details={"used": p.used_count})
    if "member_levels" in changes:
        changes["member_levels"] = _levels(changes["member_levels"] or [], levels)
    for field, value in changes.items():
        setattr(p, field, value)
    p.kind, p.params = kind, params
    p.payment_channel = params.get("channel") if kind == "payment_instant" else None
    p.version += 1
    p.updated_at = now
    session.flush()
    _emit(session, p, actor_id=actor_id, previous=p.status, now=now)
    return p


def transition(session: Session, *, promotion_id: str, action: str,
               merchant_id: str | None, actor_id: str, now: datetime) -> Promotion:
    """409 illegal_transition for a move its status does not allow (ended is final);
    activating after the window closed is 409 promotion_window_over."""
    p = get(session, promotion_id=promotion_id, merchant_id=merchant_id, lock=True)
    sources, target = TRANSITIONS[action]
    if p.status not in sources:
        raise Conflict(f"cannot {action} a {p.status} promotion", code="illegal_transition",
                       details={"status": p.status, "action": action})
    if target == "active" and p.ends_at <= now:
        raise Conflict("the promotion's window is over", code="promotion_window_over",
                       details={"ends_at": p.ends_at.isoformat()})
    previous, p.status = p.status, target
    p.version += 1
    p.updated_at = now
    session.flush()
    _emit(session, p, actor_id=actor_id, previous=previous, now=now)
    return p
