"""What makes campaigns send: outbox events (an id cursor, copied from the members
consumer), abandoned carts (a sweep) and audience membership (a scheduled sweep).

Each trigger has a key (the event id, the cart's version = its last touch, the audience
entry period) and delivery.deliver sends once per (campaign, user, key), so re-reading the
outbox, re-running a sweep or two API processes sweeping together never send twice.
Campaigns only answer triggers from after their first activation; events and carts
during a pause are passed over."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.cart import service as carts
from transactional_api.config import Settings, get_settings
from transactional_api.core.db import utcnow
from transactional_api.events import outbox
from transactional_api.orders.buyers_query import paid_order_counts, placed_since
from transactional_api.reach import campaigns, delivery
from transactional_api.reach.models import AudienceEntry, Campaign, ReachCursor
from transactional_api.tags import audiences

log = logging.getLogger("flywheel.reach")
CURSOR = "outbox"
EVENT_TYPES = ("member_level_changed", "order_paid")
CART_PAGE = 500


# --- events -------------------------------------------------------------------------
def consume_once(session: Session, settings: Settings, *, batch: int = 200) -> tuple[int, bool]:
    """Apply one batch of outbox events inside the caller's transaction: (messages
    created, whether more may be waiting). The cursor row lock lets one process through."""
    cursor = session.scalar(select(ReachCursor).where(ReachCursor.name == CURSOR)
                            .with_for_update())
    if cursor is None:
        cursor = ReachCursor(name=CURSOR, position=0, updated_at=utcnow())
        session.add(cursor)
        session.flush()
    overlap = 0 if session.get_bind().dialect.name == "sqlite" else \
        settings.reach_consumer_overlap_rows
    rows = outbox.read_after(session=session, after_id=max(cursor.position - overlap, 0),
                             event_types=EVENT_TYPES, limit=batch + overlap)
    live = campaigns.active(session=session, trigger_kind="event")
    created = sum(_on_event(session, record, live) for _, record in rows) if live else 0
    more = len(rows) == batch + overlap
    newest = max((row_id for row_id, _ in rows), default=cursor.position)
    if not more:
        newest = max(newest, outbox.last_id(session=session))
    cursor.position, cursor.updated_at = max(newest, cursor.position), utcnow()
    return created, more


def _on_event(session: Session, record: dict, live: list[Campaign]) -> int:
    user_id, payload = record.get("user_id"), record["payload"]
    if not user_id:
        return 0
    at = datetime.fromisoformat(record["occurred_at"])
    created = 0
    for c in live:
        t = c.trigger
        if t["event_type"] != record["event_type"] or c.activated_at is None \
                or at < c.activated_at:
            continue
        values: dict[str, object] = {}
        if record["event_type"] == "member_level_changed":
            if payload["direction"] != "upgrade" or (
                    t.get("to_levels") and payload["to_level"] not in t["to_levels"]):
                continue
            values = {"level": payload["to_level"], "from_level": payload["from_level"]}
        else:
            # judged when the event is read (seconds later): a second order paid within
            # that time hides the first one's trigger
            if t.get("first_order_only") and paid_order_counts(
                    session=session, user_ids=[user_id])[user_id] > 1:
                continue
            values = {"order_id": payload["order_id"]}
        created += delivery.deliver(session, campaign=c, user_id=user_id,
                                    trigger_key=f"event:{record['event_id']}",
                                    triggered_at=at, now=at, values=values) is not None
    return created


def pending(session: Session) -> bool:
    position = session.scalar(select(ReachCursor.position).where(ReachCursor.name == CURSOR))
    return outbox.last_id(session=session) > (position or 0)


# --- abandoned carts ------------------------------------------------------------------
def sweep_abandoned_carts(session: Session, *, now: datetime) -> int:
    """Remind the owners of carts with items left untouched for the campaign's idle
    minutes, when they placed no order since; the key is the cart and its last touch, so a
    cart touched again and left again is a new trigger."""
    created = 0
    for c in campaigns.active(session=session, trigger_kind="abandoned_cart"):
        idle = timedelta(minutes=c.trigger.get("idle_minutes", 120))
        start, end = (c.activated_at or now) - idle, now - idle
        while start <= end:
            page = carts.idle_carts(session=session, touched_from=start, touched_to=end,
                                    limit=CART_PAGE)
            ordered = placed_since(session=session, user_ids=[u for _, u, _, _ in page],
                                   since=min((t for _, _, t, _ in page), default=now))
            for cart_id, user_id, touched, units in page:
                if user_id in ordered and _ordered_after(session, user_id, touched):
                    continue
                key = f"cart:{cart_id}:{touched.isoformat()}"
                created += delivery.deliver(session, campaign=c, user_id=user_id,
                                            trigger_key=key[:120], triggered_at=touched + idle,
                                            now=now, values={"cart_items": units}) is not None
            if len(page) < CART_PAGE or page[-1][2] <= start:
                break
            start = page[-1][2]
    return created


def _ordered_after(session: Session, user_id: str, touched: datetime) -> bool:
    return bool(placed_since(session=session, user_ids=[user_id], since=touched))


# --- audiences ------------------------------------------------------------------------
def run_audience_campaigns(session: Session, redis: redis.Redis, now: datetime, *,
                           settings: Settings | None = None) -> int:
    """Message the users who entered an active audience campaign's audience since the last
    run (once per stay: leaving and entering again is a new period); called by the
    pipelines after the features are published and by `flywheel reach run`."""
    settings = settings or get_settings()
    created = 0
    for c in campaigns.active(session=session, trigger_kind="audience"):
        inside = set(audiences.members(session=session, redis_client=redis,
                                       audience_id=c.trigger["audience_id"], settings=settings))
        stays = {e.user_id: e for e in session.scalars(select(AudienceEntry).where(
            AudienceEntry.campaign_id == c.id, AudienceEntry.left_at.is_(None)))}
        for user_id, entry in stays.items():
            if user_id not in inside:
                entry.left_at = now
        new = sorted(inside - stays.keys())
        last = dict(session.execute(select(AudienceEntry.user_id, func.max(AudienceEntry.period))
                                    .where(AudienceEntry.campaign_id == c.id,
                                           AudienceEntry.user_id.in_(new))
                                    .group_by(AudienceEntry.user_id)).all()) if new else {}
        for user_id in new:
            period = last.get(user_id, 0) + 1
            session.add(AudienceEntry(campaign_id=c.id, user_id=user_id, period=period,
                                      entered_at=now))
            created += delivery.deliver(session, campaign=c, user_id=user_id,
                                        trigger_key=f"audience:{period}", triggered_at=now,
                                        now=now) is not None
        session.flush()
    return created
