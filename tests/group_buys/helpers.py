"""Steps the group-buy tests share: an offer on a fresh SKU, shoppers, seats, payments,
and running the consumer and the close job the way the API's periodic job does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from tests.api.catalog_helpers import pay  # noqa: F401 (re-exported for the tests)
from tests.api.payment_helpers import outbox_events  # noqa: F401
from tests.conftest import create_product, register
from transactional_api.group_buys import consumer, jobs
from transactional_api.group_buys.models import GroupBuyGroup, GroupBuyMember

LIST_PRICE = 5000


def offer(admin: httpx.Client, *, size: int = 3, price: int = 3000, stock: int = 20,
          fill: bool = False, window: int = 3600, starts: datetime | None = None,
          ends: datetime | None = None, sku_id: str | None = None) -> dict:
    if sku_id is None:
        sku_id = create_product(admin, price_cents=LIST_PRICE, stock=stock,
                                code=f"GB-{uuid.uuid4().hex[:8]}")["skus"][0]["id"]
    now = datetime.now(UTC)
    r = admin.post("/v1/admin/group-buys", json={
        "sku_id": sku_id, "group_price_cents": price, "group_size": size,
        "window_seconds": window, "fill_with_virtual": fill,
        "starts_at": (starts or now - timedelta(minutes=1)).isoformat(),
        "ends_at": (ends or now + timedelta(days=1)).isoformat()})
    assert r.status_code == 201, r.text
    return r.json()


def shopper(api, name: str) -> httpx.Client:
    return api.client(register(api, f"{name}-{uuid.uuid4().hex[:6]}@example.com"))


def open_group(c: httpx.Client, offer_id: str) -> dict:
    r = c.post(f"/v1/group-buys/{offer_id}/groups", json={})
    assert r.status_code == 201, r.text
    return r.json()


def join(c: httpx.Client, group_id: str, invite: str | None = None) -> httpx.Response:
    return c.post(f"/v1/group-buys/groups/{group_id}/join",
                  json={"invite": invite} if invite else {})


def sync(api) -> None:
    """What the periodic job does between two ticks: follow the outbox."""
    consumer.consume_all(api.sessions, api.settings)


def close_now(api, group_id: str) -> dict[str, int]:
    """Let the group's window lapse and run the close job."""
    with api.sessions() as s, s.begin():
        s.execute(update(GroupBuyGroup).where(GroupBuyGroup.id == group_id)
                  .values(closes_at=datetime.now(UTC) - timedelta(seconds=1)))
    return jobs.close_due(api.sessions, api.settings)


def members(api, group_id: str) -> list[GroupBuyMember]:
    with api.sessions() as s:
        return list(s.scalars(select(GroupBuyMember).where(GroupBuyMember.group_id == group_id)))


def group_row(api, group_id: str) -> GroupBuyGroup:
    with api.sessions() as s:
        return s.get(GroupBuyGroup, group_id)
