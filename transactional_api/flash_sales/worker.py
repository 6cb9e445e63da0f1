"""The order workers: read won reservations from the Redis Stream (a consumer group, at
least once) and turn each into an order, idempotently by its token: the reservation row
(primary key: the token) and the order are written in one transaction, and a token that
already has a row is only acknowledged. A worker that dies holding messages leaves them
pending; any worker claims them after ``CLAIM_IDLE_MS``.

The unit leaves the sale's hold and enters the order's own reservation in that same
transaction, under the SKU's row locks, so no other checkout can take it in between."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime

import redis as redis_lib
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.accounts import service as accounts
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import DomainError, NotFound
from transactional_api.events import flash_events as fe
from transactional_api.events.envelope import Context
from transactional_api.events.outbox import emit
from transactional_api.flash_sales import hot
from transactional_api.flash_sales.models import FAILED, ORDERED, FlashReservation
from transactional_api.flash_sales.returns import push_to_pool
from transactional_api.flash_sales.service import get, ref
from transactional_api.inventory import holds
from transactional_api.orders import pricing as order_pricing
from transactional_api.orders.placement import place_order
from transactional_api.pricing.engine.model import PriceOffer

log = logging.getLogger("flywheel.flash")
CLAIM_IDLE_MS = 10_000


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def ensure_group(client: redis_lib.Redis, queue: str) -> None:
    try:
        client.xgroup_create(queue, hot.GROUP, id="0", mkstream=True)
    except redis_lib.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def consume(sessions: sessionmaker[Session], client: redis_lib.Redis, *, queue: str,
            consumer: str, count: int = 50, block_ms: int | None = None) -> int:
    """Process one batch: stale pending messages first, then new ones. Returns how many
    messages were handled (ordered, failed or already done)."""
    ensure_group(client, queue)
    # [next id, entries] (Redis 6.2), plus the deleted ids from Redis 7 on
    claimed = client.xautoclaim(queue, hot.GROUP, consumer, min_idle_time=CLAIM_IDLE_MS,
                                start_id="0-0", count=count)
    messages = list(claimed[1])
    if len(messages) < count:
        got = client.xreadgroup(hot.GROUP, consumer, {queue: ">"},
                                count=count - len(messages), block=block_ms)
        for _, entries in got or []:
            messages += entries
    for message_id, fields in messages:
        if fields:  # a claimed entry deleted meanwhile comes back empty
            try:
                handle(sessions, client, queue,
                       {_text(k): _text(v) for k, v in fields.items()})
            except Exception:
                # left pending (claimed again later): one bad message must not hold up
                # the ones behind it
                log.exception("flash reservation not processed",
                              extra={"message_id": _text(message_id)})
                continue
        client.xack(queue, hot.GROUP, message_id)
        client.xdel(queue, message_id)
    return len(messages)


def drain(sessions: sessionmaker[Session], client: redis_lib.Redis, *, queue: str,
          consumer: str | None = None) -> int:
    """Everything queued now (tests, the end of a sale)."""
    total, name = 0, consumer or consumer_name()
    while n := consume(sessions, client, queue=queue, consumer=name):
        total += n
    return total


def handle(sessions: sessionmaker[Session], client: redis_lib.Redis, queue: str,
           msg: dict) -> str:
    """One won reservation -> its order. Returns ordered | duplicate | failed | unknown."""
    token, sale_id, user_id = msg["token"], msg["sale"], msg["user"]
    qty = int(msg["qty"])
    reserved_at = datetime.fromtimestamp(int(msg["ms"]) / 1000, UTC)
    try:
        with transaction(sessions) as s:
            if s.get(FlashReservation, token) is not None:
                return "duplicate"
            _order(s, token=token, sale_id=sale_id, user_id=user_id, qty=qty,
                   reserved_at=reserved_at, context=_context(msg.get("ctx")))
        return "ordered"
    except NotFound as exc:
        if exc.code != "flash_sale_not_found":
            return _failed(sessions, client, msg, exc)
        # a message of another installation sharing this Redis: not ours to touch
        log.error("flash reservation of an unknown sale", extra={"sale_id": sale_id})
        return "unknown"
    except DomainError as exc:
        return _failed(sessions, client, msg, exc)


def _failed(sessions: sessionmaker[Session], client: redis_lib.Redis, msg: dict,
            exc: DomainError) -> str:
    token, sale_id, user_id = msg["token"], msg["sale"], msg["user"]
    qty = int(msg["qty"])
    reserved_at = datetime.fromtimestamp(int(msg["ms"]) / 1000, UTC)
    # No order can be made (the shopper's account is gone, say): record it, and the
    # unit, still in the hold, goes back to the pool for someone else.
    log.warning("flash reservation failed", extra={"token": token, "code": exc.code})
    with transaction(sessions) as s:
        if s.get(FlashReservation, token) is not None:
            return "duplicate"
        now = clock.now()
        s.add(FlashReservation(token=token, sale_id=sale_id, user_id=user_id,
                               quantity=qty, reserved_at=reserved_at, state=FAILED,
                               pool_pending=True, note=exc.code[:200],
                               created_at=now, updated_at=now))
    push_to_pool(sessions, client)
    return "failed"


def _order(s: Session, *, token: str, sale_id: str, user_id: str, qty: int,
           reserved_at: datetime, context: Context) -> None:
    sale = get(s, sale_id, lock=True)
    if accounts.get_user(session=s, user_id=user_id) is None:
        raise NotFound("the shopper's account is gone", code="user_not_found")
    holds.release(s, sku_id=sale.sku_id, warehouse_id=sale.warehouse_id, units=qty,
                  ref=ref(sale.id), reason="flash_release")
    sale.held_units -= qty
    offer = PriceOffer("flash", sale.flash_price_cents, 1, f"Flash sale: {sale.name}"[:80])
    order, _ = place_order(
        session=s, user_id=user_id, items={sale.sku_id: qty}, session_id=None,
        anonymous_id=None, context=context, idempotency_key=f"flash-{token}",
        payment_timeout_seconds=sale.payment_window_seconds,
        # a flash price takes no coupon from the wallet (the shopper chose nothing)
        offers=order_pricing.Offers(coupon_ids=frozenset(),
                                    sale_prices=((sale.sku_id, offer),)))
    now = clock.now()
    s.add(FlashReservation(token=token, sale_id=sale_id, user_id=user_id, quantity=qty,
                           reserved_at=reserved_at, order_id=order.id, state=ORDERED,
                           created_at=now, updated_at=now))
    emit(session=s, event=fe.FlashReservationOrdered(
        occurred_at=now, user_id=user_id, context=context,
        payload=fe.FlashReservationOrderedPayload(
            token=token, sale_id=sale_id, order_id=order.id, sku_id=sale.sku_id,
            quantity=qty, reserved_at=reserved_at, currency=sale.currency,
            list_price_cents=sale.list_price_cents,
            flash_price_cents=sale.flash_price_cents)))


def _context(raw: str | None) -> Context:
    try:
        return Context.model_validate(json.loads(raw or "{}"))
    except ValueError:
        return Context()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
