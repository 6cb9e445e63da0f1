"""Activity that earns: sharing a product, and the member's birthday. (Daily sign-in
rewards need no endpoint: the members consumer reads the sign-ins from the outbox.)"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, SettingsDep
from transactional_api.members import activity
from transactional_api.members.schemas import BirthdayIn, BirthdayOut, ShareIn, ShareOut

router = APIRouter(tags=["members"])
ProductPath = Annotated[str, Path(min_length=1, max_length=36)]
OptionalKey = Annotated[str | None, Header(min_length=1, max_length=100)]


@router.post("/v1/products/{product_id}/share", status_code=201, response_model=ShareOut,
             responses={200: {"model": ShareOut, "description": "A replayed Idempotency-Key"}})
def share_product(product_id: ProductPath, body: ShareIn, db: Db, caller: CurrentCaller,
                  settings: SettingsDep, response: Response,
                  idempotency_key: OptionalKey = None) -> ShareOut:
    """Record that the shopper shared a listed product; the day's first few shares earn
    points and growth (``rewarded``), later ones are recorded only."""
    with db.begin():
        catalog.get_product(session=db, product_id=product_id)  # 404 unless listed
        row, created = activity.share(
            db, user_id=caller.id, product_id=product_id, channel=body.channel,
            key=idempotency_key or str(uuid.uuid4()), at=clock.now(), settings=settings)
        if not created:
            response.status_code = 200
        return ShareOut(share_id=row.key, product_id=product_id, channel=row.channel or "",
                        rewarded=row.points > 0 or row.growth > 0, points=row.points,
                        growth=row.growth)


@router.put("/v1/members/me/birthday", response_model=BirthdayOut)
def set_birthday(body: BirthdayIn, db: Db, caller: CurrentCaller,
                 settings: SettingsDep) -> BirthdayOut:
    """Set the birthday once (409 birthday_already_set for another date); birthday points
    are granted by the nightly job, once a year."""
    with db.begin():
        account = activity.set_birthday(db, user_id=caller.id, birth_date=body.birth_date,
                                        at=clock.now(), settings=settings)
        return BirthdayOut(birth_date=account.birth_date)
