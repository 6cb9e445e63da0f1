"""Coupons over HTTP: templates for operators (/v1/admin/...) and for merchant staff on
their own merchant's coupons (/v1/merchant/...: another merchant's template is 404), and
the shopper's side (claim, redeem a code, the wallet).

No ``from __future__ import annotations`` here: the template routes are mounted twice by
one function, and FastAPI must see the closures' caller types as objects."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from transactional_api.accounts import throttle
from transactional_api.core import clock
from transactional_api.core.deps import (
    CurrentCaller,
    Db,
    MarketingCaller,
    MerchantCatalogCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.core.errors import Unprocessable
from transactional_api.pricing import coupon_codes, coupon_templates, coupons
from transactional_api.pricing import coupon_schemas as cs
from transactional_api.pricing.coupon_models import Coupon, CouponTemplate
from transactional_api.risk import gates as risk_gates
from transactional_api.risk import service as risk

router = APIRouter(tags=["coupons"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
TemplateStatus = Literal["draft", "active", "paused", "ended"]


def _template_out(t: CouponTemplate) -> cs.TemplateOut:
    return cs.TemplateOut.model_validate(t)


def _coupon_out(c: Coupon, t: CouponTemplate) -> cs.CouponOut:
    return cs.CouponOut(id=c.id, template_id=t.id, name=t.name, kind=t.kind, status=c.status,
                        value_cents=c.value_cents, params=t.params,
                        min_spend_cents=t.min_spend_cents, merchant_id=t.merchant_id,
                        currency=t.currency, valid_from=c.valid_from,
                        valid_until=c.valid_until, channel=c.channel, order_id=c.order_id,
                        claimed_at=c.claimed_at, used_at=c.used_at)


def _mount(prefix: str, caller_type, merchant_of, who: str) -> None:
    """The template routes under prefix; merchant_of(caller) scopes them (None: any)."""

    @router.post(prefix, status_code=201, response_model=cs.TemplateOut,
                 name=f"create_coupon_template_{who}")
    def create(body: cs.TemplateIn, db: Db, caller: caller_type) -> cs.TemplateOut:
        """A draft template; params are checked against the kind (422
        invalid_coupon_params), validity is fixed or valid_days after each claim."""
        with db.begin():
            return _template_out(coupon_templates.create(
                session=db, body=body, merchant=merchant_of(caller), actor_id=caller.id))

    @router.get(prefix, response_model=cs.TemplatePage, name=f"list_coupon_templates_{who}")
    def listing(db: ReadDb, caller: caller_type, status: TemplateStatus | None = None,
                merchant_id: Annotated[str | None, Query(max_length=36)] = None,
                limit: Limit = 50, offset: Offset = 0) -> cs.TemplatePage:
        rows, total = coupon_templates.listing(
            session=db, merchant=merchant_of(caller), status=status,
            merchant_filter=merchant_id, limit=limit, offset=offset)
        return cs.TemplatePage(items=[_template_out(t) for t in rows], total=total,
                               limit=limit, offset=offset)

    @router.get(prefix + "/{template_id}", response_model=cs.TemplateOut,
                name=f"get_coupon_template_{who}")
    def read(template_id: IdPath, db: ReadDb, caller: caller_type) -> cs.TemplateOut:
        return _template_out(coupon_templates.get(session=db, template_id=template_id,
                                                  merchant=merchant_of(caller)))

    @router.patch(prefix + "/{template_id}", response_model=cs.TemplateOut,
                  name=f"edit_coupon_template_{who}")
    def edit(template_id: IdPath, body: cs.TemplateFields, db: Db,
             caller: caller_type) -> cs.TemplateOut:
        """Draft or paused templates only (409 template_not_editable); a paused one keeps
        its params, minimum spend and scope."""
        with db.begin():
            return _template_out(coupon_templates.edit(
                session=db, template_id=template_id, changes=body,
                merchant=merchant_of(caller), actor_id=caller.id))

    @router.post(prefix + "/{template_id}/transitions", response_model=cs.TemplateOut,
                 name=f"move_coupon_template_{who}")
    def transition(template_id: IdPath, body: cs.TemplateTransitionIn, db: Db,
                   caller: caller_type) -> cs.TemplateOut:
        """activate (draft), pause (active), resume (paused), end (any but ended); any
        other move is 409 illegal_transition."""
        with db.begin():
            return _template_out(coupon_templates.transition(
                session=db, template_id=template_id, action=body.action,
                merchant=merchant_of(caller), actor_id=caller.id))

    @router.post(prefix + "/{template_id}/grant", response_model=cs.GrantOut,
                 name=f"grant_coupons_{who}")
    def grant(template_id: IdPath, body: cs.GrantIn, db: Db, caller: caller_type,
              settings: SettingsDep, request: Request) -> cs.GrantOut:
        """One coupon to each listed user, or to each member of an audience (a campaign's
        grant), within the template's limits: how many were granted and why the others
        were skipped."""
        if (body.user_ids is None) == (body.audience_id is None):
            raise Unprocessable("give either user_ids or audience_id",
                                code="invalid_grant")
        with db.begin():
            coupon_templates.get(session=db, template_id=template_id,
                                 merchant=merchant_of(caller))
            user_ids = body.user_ids
            if user_ids is None:
                from transactional_api.tags import audiences

                user_ids = audiences.members(session=db, redis_client=request.app.state.redis,
                                             audience_id=body.audience_id, settings=settings)
            granted, skipped = coupons.grant(session=db, template_id=template_id,
                                             user_ids=user_ids, now=clock.now())
        return cs.GrantOut(granted=granted, skipped=sum(skipped.values()),
                           skipped_by_reason=skipped)

    @router.post(prefix + "/{template_id}/codes", status_code=201, response_model=cs.CodesOut,
                 name=f"generate_coupon_codes_{who}")
    def codes(template_id: IdPath, body: cs.CodesIn, db: Db,
              caller: caller_type) -> cs.CodesOut:
        """count single-use codes in a new batch, returned this once."""
        with db.begin():
            batch_id, made = coupon_codes.generate(session=db, template_id=template_id,
                                                   merchant=merchant_of(caller),
                                                   count=body.count)
        return cs.CodesOut(batch_id=batch_id, codes=made)

    @router.get(prefix + "/{template_id}/codes/{batch_id}", response_model=cs.CodePage,
                name=f"coupon_code_batch_{who}")
    def code_batch(template_id: IdPath, batch_id: IdPath, db: ReadDb,
                   caller: caller_type) -> cs.CodePage:
        """A batch's codes by their last four characters, used or not."""
        rows = coupon_codes.batch(session=db, template_id=template_id,
                                  merchant=merchant_of(caller), batch_id=batch_id)
        return cs.CodePage(batch_id=batch_id, items=[cs.CodeOut.model_validate(r) for r in rows],
                           total=len(rows), used=sum(r.status == "used" for r in rows))


_mount("/v1/admin/coupon-templates", MarketingCaller, lambda caller: None, "operator")
_mount("/v1/merchant/coupon-templates", MerchantCatalogCaller,
       lambda caller: caller.merchant_id, "merchant")


# --- shoppers ---------------------------------------------------------------------------
@router.get("/v1/coupons/templates", response_model=cs.ClaimablePage)
def claimable(db: ReadDb) -> cs.ClaimablePage:
    """Coupons anyone signed in may claim now (active, public, claim window open, not
    sold out)."""
    rows = coupon_templates.claimable(session=db, now=clock.now())
    return cs.ClaimablePage(items=[cs.ClaimableOut(
        id=t.id, name=t.name, kind=t.kind, params=t.params, min_spend_cents=t.min_spend_cents,
        scope_kind=t.scope_kind, scope_ids=list(t.scope_ids or []), merchant_id=t.merchant_id,
        claim_ends_at=t.claim_ends_at, valid_from=t.valid_from, valid_until=t.valid_until,
        valid_days=t.valid_days,
        remaining=None if t.total_limit is None else t.total_limit - t.issued_count,
        per_user_limit=t.per_user_limit, currency=t.currency) for t in rows])


def _risk_gate(request: Request, db, settings, user_id: str) -> None:
    """Risk's coupon_claim gate: a block is 403 risk_blocked, a challenge 401
    challenge_required (sign in again with a one-time code); either records its decision
    in a transaction of its own as the request's rolls back."""
    decision = risk_gates.check_coupon_claim(
        session=db, redis_client=request.app.state.redis, settings=settings,
        key=risk_gates.key_of(request), user_id=user_id,
        device_id=request.headers.get(risk_gates.DEVICE_HEADER),
        client_address=throttle.client_address(request))
    if decision.allowed:
        return
    error = (risk_gates.RiskBlocked() if decision.outcome == "block"
             else risk_gates.ChallengeRequired(["email_code", "phone_code"]))
    raise risk_gates.Stopped(error, lambda s: risk.record(
        session=s, action="coupon_claim", decision=decision, user_id=user_id))


@router.post("/v1/coupons/templates/{template_id}/claim", status_code=201,
             response_model=cs.CouponOut)
def claim(template_id: IdPath, db: Db, caller: CurrentCaller, settings: SettingsDep,
          request: Request) -> cs.CouponOut:
    """Claim one coupon into your wallet. 409 coupon_sold_out, coupon_limit_reached,
    claim_window_closed, coupon_not_active, coupon_expired, coupon_new_users_only; risk
    control may refuse (403 risk_blocked) or ask for a one-time code sign-in (401
    challenge_required)."""
    with risk_gates.recording(db), db.begin():
        _risk_gate(request, db, settings, caller.id)
        coupon = coupons.issue(session=db, template_id=template_id, user_id=caller.id,
                               channel="claim", now=clock.now())
        return _coupon_out(coupon, coupon_templates.get(session=db, template_id=template_id,
                                                        merchant=None))


@router.post("/v1/me/coupons/redeem-code", status_code=201, response_model=cs.CouponOut)
def redeem_code(body: cs.RedeemCodeIn, db: Db, caller: CurrentCaller) -> cs.CouponOut:
    """Turn a single-use code into a coupon: 404 coupon_code_not_found, 409
    coupon_code_used, or the template's own refusals (the code then stays unused)."""
    with db.begin():
        coupon = coupon_codes.redeem(session=db, user_id=caller.id, code=body.code,
                                     now=clock.now())
        return _coupon_out(coupon, coupon_templates.get(
            session=db, template_id=coupon.template_id, merchant=None))


@router.get("/v1/me/coupons", response_model=cs.WalletPage)
def my_coupons(db: Db, caller: CurrentCaller,
               status: Literal["available", "used", "expired"] | None = None
               ) -> cs.WalletPage:
    """Your coupons, soonest to expire first; those past their validity read expired."""
    with db.begin():
        rows = coupons.wallet(session=db, user_id=caller.id, status=status, now=clock.now())
        return cs.WalletPage(items=[_coupon_out(c, t) for c, t in rows], total=len(rows))

