"""Merchant onboarding over HTTP: applicants apply and answer requests for more; operators
(catalog permission) review, suspend, reinstate and close; the merchant's staff pay the
deposit (finance) and manage their own staff (owner). The merchant on /v1/merchant/ routes
is always the caller's own, never a client parameter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core.deps import (
    CatalogCaller,
    CurrentCaller,
    Db,
    MerchantFinanceCaller,
    MerchantOwnerCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.merchants import applications, lifecycle, staff
from transactional_api.merchants.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    DepositIn,
    DepositOut,
    LifecycleEventOut,
    MerchantStateOut,
    ReviewIn,
    StaffIn,
    StaffOut,
    StatusChangeIn,
)

router = APIRouter(tags=["merchants"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
AppStatus = Annotated[str | None, Query(pattern="^(submitted|info_requested|approved|rejected)$")]


def _page(rows, total, limit, offset) -> ApplicationPage:
    return ApplicationPage(items=[ApplicationOut.model_validate(a) for a in rows], total=total,
                           limit=limit, offset=offset)


@router.post("/v1/merchant-applications", status_code=201, response_model=ApplicationOut)
def apply(body: ApplicationIn, db: Db, caller: CurrentCaller) -> ApplicationOut:
    """Apply to sell here (one open application per account)."""
    with db.begin():
        return ApplicationOut.model_validate(
            applications.apply(session=db, user_id=caller.id, data=body))


@router.get("/v1/merchant-applications", response_model=ApplicationPage)
def my_applications(db: ReadDb, caller: CurrentCaller, limit: Limit = 20,
                    offset: Offset = 0) -> ApplicationPage:
    with db.begin():
        rows, total = applications.listing(session=db, user_id=caller.id, status=None,
                                           limit=limit, offset=offset)
        return _page(rows, total, limit, offset)


@router.get("/v1/merchant-applications/{application_id}", response_model=ApplicationOut)
def my_application(application_id: IdPath, db: ReadDb, caller: CurrentCaller) -> ApplicationOut:
    with db.begin():
        return ApplicationOut.model_validate(applications.get(
            session=db, application_id=application_id, user_id=caller.id))


@router.put("/v1/merchant-applications/{application_id}", response_model=ApplicationOut)
def resubmit(application_id: IdPath, body: ApplicationIn, db: Db,
             caller: CurrentCaller) -> ApplicationOut:
    """Answer a request for more: the whole application again, back under review."""
    with db.begin():
        return ApplicationOut.model_validate(applications.resubmit(
            session=db, user_id=caller.id, application_id=application_id, data=body))


@router.get("/v1/admin/merchant-applications", response_model=ApplicationPage)
def applications_to_review(db: ReadDb, _: CatalogCaller, status: AppStatus = None,
                           limit: Limit = 50, offset: Offset = 0) -> ApplicationPage:
    """Oldest first (?status=submitted: the review queue)."""
    with db.begin():
        rows, total = applications.listing(session=db, user_id=None, status=status,
                                           limit=limit, offset=offset)
        return _page(rows, total, limit, offset)


@router.get("/v1/admin/merchant-applications/{application_id}", response_model=ApplicationOut)
def application(application_id: IdPath, db: ReadDb, _: CatalogCaller) -> ApplicationOut:
    with db.begin():
        return ApplicationOut.model_validate(
            applications.get(session=db, application_id=application_id))


@router.post("/v1/admin/merchant-applications/{application_id}/review",
             response_model=ApplicationOut)
def review(application_id: IdPath, body: ReviewIn, db: Db,
           caller: CatalogCaller) -> ApplicationOut:
    """approve (creates the merchant, pending its deposit, owned by the applicant), reject
    or request_info (both with a reason); only a submitted application: else 409."""
    with db.begin():
        return ApplicationOut.model_validate(applications.review(
            session=db, application_id=application_id, data=body, reviewer_id=caller.id))


def _state(db, merchant_id: str, settings, close_out: dict | None = None) -> MerchantStateOut:
    m = lifecycle.merchant(db, merchant_id)
    dep = lifecycle.deposit_of(session=db, merchant_id=merchant_id)
    app = applications.approved_for(session=db, merchant_id=merchant_id)
    return MerchantStateOut(
        merchant_id=m.id, name=m.name, status=m.status,
        settlement_cycle=app.settlement_cycle if app else None,
        deposit_due_cents=settings.merchants_deposit_cents if dep is None else 0,
        deposit_paid_cents=dep.amount_cents if dep else 0,
        currency=dep.currency if dep else settings.default_currency,
        history=[LifecycleEventOut.model_validate(e)
                 for e in lifecycle.history(session=db, merchant_id=merchant_id)],
        close_out=close_out)


@router.get("/v1/admin/merchants/{merchant_id}/lifecycle", response_model=MerchantStateOut)
def merchant_state(merchant_id: IdPath, db: ReadDb, settings: SettingsDep,
                   _: CatalogCaller) -> MerchantStateOut:
    with db.begin():
        return _state(db, merchant_id, settings)


def _change(action: str):
    def handler(merchant_id: IdPath, body: StatusChangeIn, db: Db, settings: SettingsDep,
                caller: CatalogCaller) -> MerchantStateOut:
        with db.begin():
            result = lifecycle.change(session=db, merchant_id=merchant_id, action=action,
                                      reason=body.reason, actor_id=caller.id)
            return _state(db, merchant_id, settings, close_out=result)
    handler.__name__ = f"{action}_merchant"
    return handler


router.add_api_route(
    "/v1/admin/merchants/{merchant_id}/suspend", _change("suspend"), methods=["POST"],
    response_model=MerchantStateOut,
    description="active -> suspended: its products stop selling, open sub-orders go on.")
router.add_api_route(
    "/v1/admin/merchants/{merchant_id}/reinstate", _change("reinstate"), methods=["POST"],
    response_model=MerchantStateOut, description="suspended -> active.")
router.add_api_route(
    "/v1/admin/merchants/{merchant_id}/close", _change("close"), methods=["POST"],
    response_model=MerchantStateOut,
    description="Refused (409 merchant_has_open_sub_orders, with the count) while any "
    "sub-order is open; else settles what is due and ends every staff grant.")


@router.get("/v1/merchant/account", response_model=MerchantStateOut)
def account(db: ReadDb, settings: SettingsDep, caller: MerchantFinanceCaller) -> MerchantStateOut:
    """The merchant's status, deposit and history."""
    with db.begin():
        return _state(db, caller.merchant_id, settings)


@router.post("/v1/merchant/deposit", status_code=201, response_model=DepositOut)
def deposit(body: DepositIn, db: Db, settings: SettingsDep, caller: MerchantFinanceCaller,
            response: Response) -> DepositOut:
    """Pay the configured deposit (sandbox) and start selling. The same client_key again is
    200 with the first payment; counted once."""
    with db.begin():
        dep, created = lifecycle.pay_deposit(
            session=db, merchant_id=caller.merchant_id, client_key=body.client_key,
            amount_cents=settings.merchants_deposit_cents, currency=settings.default_currency,
            actor_id=caller.id)
        if not created:
            response.status_code = 200
        status = lifecycle.merchant(db, caller.merchant_id).status
        return DepositOut(id=dep.id, merchant_id=dep.merchant_id, amount_cents=dep.amount_cents,
                          currency=dep.currency, channel=dep.channel, paid_at=dep.paid_at,
                          merchant_status=status)


def _staff_out(db, merchant_id: str) -> list[StaffOut]:
    return [StaffOut(**vars(v)) for v in staff.list_staff(session=db, merchant_id=merchant_id)]


@router.get("/v1/merchant/staff", response_model=list[StaffOut])
def staff_list(db: ReadDb, caller: MerchantOwnerCaller) -> list[StaffOut]:
    with db.begin():
        return _staff_out(db, caller.merchant_id)


@router.post("/v1/merchant/staff", status_code=201, response_model=list[StaffOut])
def staff_set(body: StaffIn, db: Db, caller: MerchantOwnerCaller,
              response: Response) -> list[StaffOut]:
    """Add an account (by email) as staff with a role, or change its role (200)."""
    with db.begin():
        _, created = staff.set_staff_by_email(session=db, merchant_id=caller.merchant_id,
                                              email=body.email, role=body.role,
                                              actor_id=caller.id)
        if not created:
            response.status_code = 200
        return _staff_out(db, caller.merchant_id)


@router.delete("/v1/merchant/staff/{user_id}", status_code=204)
def staff_remove(user_id: IdPath, db: Db, caller: MerchantOwnerCaller) -> Response:
    with db.begin():
        staff.remove_staff(session=db, merchant_id=caller.merchant_id, user_id=user_id,
                           actor_id=caller.id)
    return Response(status_code=204)
