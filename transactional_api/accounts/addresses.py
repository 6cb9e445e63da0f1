"""The address book: a shopper's saved addresses, one of them the default."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.accounts.models import Address
from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.duties import address_formats

MAX_ADDRESSES = 20
FIELDS = ("name", "phone", "line1", "line2", "city", "region", "postal_code", "country")


def list_addresses(*, session: Session, user_id: str) -> list[Address]:
    return list(session.scalars(select(Address).where(Address.user_id == user_id)
                                .order_by(Address.is_default.desc(), Address.created_at,
                                          Address.id)))


def get_address(*, session: Session, user_id: str, address_id: str) -> Address:
    row = session.get(Address, address_id)
    if row is None or row.user_id != user_id:
        raise NotFound("address not found", code="address_not_found")
    return row


def add_address(*, session: Session, user_id: str, fields: dict,
                is_default: bool = False) -> Address:
    count = session.scalar(select(func.count()).where(Address.user_id == user_id)) or 0
    if count >= MAX_ADDRESSES:
        raise Unprocessable(f"at most {MAX_ADDRESSES} saved addresses",
                            code="too_many_addresses")
    fields = address_formats.check({k: fields.get(k) for k in FIELDS})  # 422 per country
    now = clock.now()
    row = Address(user_id=user_id, **{k: fields.get(k) for k in FIELDS}, is_default=False,
                  created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    if is_default or count == 0:
        _make_default(session, row)
    return row


def update_address(*, session: Session, user_id: str, address_id: str, fields: dict,
                   is_default: bool | None = None) -> Address:
    row = get_address(session=session, user_id=user_id, address_id=address_id)
    merged = address_formats.check(snapshot(row) | {k: v for k, v in fields.items()
                                                    if k in FIELDS})  # 422 per country
    for k in FIELDS:
        setattr(row, k, merged[k])
    row.updated_at = clock.now()
    if is_default:
        _make_default(session, row)
    return row


def delete_address(*, session: Session, user_id: str, address_id: str) -> None:
    row = get_address(session=session, user_id=user_id, address_id=address_id)
    was_default = row.is_default
    session.delete(row)
    session.flush()
    if was_default:
        nxt = session.scalar(select(Address).where(Address.user_id == user_id)
                             .order_by(Address.created_at, Address.id).limit(1))
        if nxt is not None:
            _make_default(session, nxt)


def _make_default(session: Session, row: Address) -> None:
    session.execute(update(Address).where(Address.user_id == row.user_id, Address.id != row.id)
                    .values(is_default=False).execution_options(synchronize_session=False))
    row.is_default = True


def snapshot(row: Address) -> dict:
    """What an order keeps of the address."""
    return {k: getattr(row, k) for k in FIELDS}
