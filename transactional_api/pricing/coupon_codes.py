"""Single-use coupon codes: generated in batches (shown once), redeemed into the wallet.

A code is 16 characters of Crockford's base-32 (80 random bits, no I/L/O/U to misread),
printed in groups of four. Only its SHA-256 is stored, so the table leaks no usable code.
A code is spent by one conditional UPDATE (status still unused), so of two racing
redemptions exactly one gets the coupon; when the coupon cannot be issued (sold out, the
user's limit) the whole redemption rolls back and the code stays unused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.pricing import coupon_templates, coupons
from transactional_api.pricing.coupon_models import Coupon, CouponCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in "- ")


def code_hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def generate(*, session: Session, template_id: str, merchant: str | None, count: int
             ) -> tuple[str, list[str]]:
    """(batch id, the codes): the only time the codes are seen."""
    template = coupon_templates.get(session=session, template_id=template_id,
                                    merchant=merchant)
    if template.status == "ended":
        raise Conflict("an ended template gives out no more codes", code="coupon_not_active",
                       details={"status": template.status})
    batch_id, now = new_id(), clock.now()
    codes = list(dict.fromkeys(new_code() for _ in range(count)))  # 80 bits: never short
    session.execute(insert(CouponCode), [
        {"code_hash": code_hash(c), "template_id": template.id, "batch_id": batch_id,
         "hint": _normal(c)[-4:], "status": "unused", "created_at": now} for c in codes])
    return batch_id, codes


def batch(*, session: Session, template_id: str, merchant: str | None, batch_id: str
          ) -> list[CouponCode]:
    coupon_templates.get(session=session, template_id=template_id, merchant=merchant)
    rows = list(session.scalars(select(CouponCode).where(
        CouponCode.template_id == template_id, CouponCode.batch_id == batch_id)
        .order_by(CouponCode.created_at, CouponCode.hint).limit(10_000)))
    if not rows:
        raise NotFound("code batch not found")
    return rows


def batches(*, session: Session, template_id: str, merchant: str | None
            ) -> list[tuple[str, int, int]]:
    """(batch id, codes, used) of each batch of the template."""
    coupon_templates.get(session=session, template_id=template_id, merchant=merchant)
    used = func.sum(case((CouponCode.status == "used", 1), else_=0))
    return [tuple(r) for r in session.execute(
        select(CouponCode.batch_id, func.count(), used)
        .where(CouponCode.template_id == template_id).group_by(CouponCode.batch_id)
        .order_by(func.min(CouponCode.created_at)))]


def redeem(*, session: Session, user_id: str, code: str, now: datetime) -> Coupon:
    h = code_hash(code)
    spent = session.execute(
        update(CouponCode).where(CouponCode.code_hash == h, CouponCode.status == "unused")
        .values(status="used", used_by=user_id, used_at=now)
        .execution_options(synchronize_session=False)).rowcount
    row = session.scalar(select(CouponCode).where(CouponCode.code_hash == h)
                         .execution_options(populate_existing=True))
    if row is None:
        raise NotFound("no such coupon code", code="coupon_code_not_found")
    if not spent:
        raise Conflict("this code has already been used", code="coupon_code_used")
    coupon = coupons.issue(session=session, template_id=row.template_id, user_id=user_id,
                           channel="code", now=now)
    session.execute(update(CouponCode).where(CouponCode.code_hash == h)
                    .values(coupon_id=coupon.id)
                    .execution_options(synchronize_session=False))
    return coupon
