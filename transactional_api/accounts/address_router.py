from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from transactional_api.accounts import addresses
from transactional_api.accounts.address_schemas import AddressIn, AddressOut, AddressPatch
from transactional_api.core.deps import CurrentCaller, Db, ReadDb
from transactional_api.core.errors import Unprocessable

router = APIRouter(tags=["addresses"])
AddressId = Annotated[str, Path(min_length=1, max_length=36)]


def _out(a) -> AddressOut:
    return AddressOut(id=a.id, is_default=a.is_default, created_at=a.created_at,
                      **addresses.snapshot(a))


@router.get("/v1/me/addresses", response_model=list[AddressOut])
def list_addresses(db: ReadDb, caller: CurrentCaller) -> list[AddressOut]:
    with db.begin():
        return [_out(a) for a in addresses.list_addresses(session=db, user_id=caller.id)]


@router.post("/v1/me/addresses", status_code=201, response_model=AddressOut)
def add_address(body: AddressIn, db: Db, caller: CurrentCaller) -> AddressOut:
    with db.begin():
        return _out(addresses.add_address(
            session=db, user_id=caller.id, fields=body.model_dump(exclude={"is_default"}),
            is_default=body.is_default))


@router.get("/v1/me/addresses/{address_id}", response_model=AddressOut)
def get_address(address_id: AddressId, db: ReadDb, caller: CurrentCaller) -> AddressOut:
    with db.begin():
        return _out(addresses.get_address(session=db, user_id=caller.id, address_id=address_id))


@router.patch("/v1/me/addresses/{address_id}", response_model=AddressOut)
def patch_address(address_id: AddressId, body: AddressPatch, db: Db,
                  caller: CurrentCaller) -> AddressOut:
    fields = body.model_dump(exclude_unset=True, exclude={"is_default"})
    required = {"name", "line1", "city", "region", "postal_code", "country"}
    cleared = sorted(k for k, v in fields.items() if v is None and k in required)
    if cleared:
        raise Unprocessable("these fields cannot be empty", code="required_field",
                            details={"fields": cleared})
    with db.begin():
        return _out(addresses.update_address(session=db, user_id=caller.id,
                                             address_id=address_id, fields=fields,
                                             is_default=body.is_default))


@router.delete("/v1/me/addresses/{address_id}", status_code=204)
def delete_address(address_id: AddressId, db: Db, caller: CurrentCaller) -> Response:
    with db.begin():
        addresses.delete_address(session=db, user_id=caller.id, address_id=address_id)
    return Response(status_code=204)
