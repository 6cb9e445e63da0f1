"""Referral links at the door: the storefront passes a link's ``?ref=`` code as ``ref`` when
the visitor registers or checks out, and the buyer is bound then (first or last touch, as
``POST /v1/promoters/bind`` does). Other domains' routers call this; it never fails them."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from transactional_api.promoters import binding
from transactional_api.risk import engine as risk
from transactional_api.risk import gates


def device_of(request: Request) -> str | None:
    return risk.fingerprint(gates.key_of(request), "device",
                            request.headers.get(gates.DEVICE_HEADER))


def bind_ref(request: Request, *, session: Session, buyer_id: str, code: str | None) -> bool:
    """Whether the buyer's binding changed; False for no code or one that binds nothing."""
    if not code:
        return False
    return binding.bind_from_link(session=session, buyer_id=buyer_id, code=code,
                                  device_fp=device_of(request),
                                  settings=request.app.state.settings)
