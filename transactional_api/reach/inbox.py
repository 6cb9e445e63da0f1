"""The shopper's side: the messages sent to them, and opens and clicks (each recorded and
emitted once, by a conditional UPDATE; someone else's message is 404, like a missing one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.core.errors import NotFound
from transactional_api.events import reach_events as re_
from transactional_api.events.outbox import emit
from transactional_api.reach.models import SENT, ReachMessage


def listing(*, session: Session, user_id: str, channel: str | None,
            limit: int) -> tuple[list[ReachMessage], int]:
    mine = (ReachMessage.user_id == user_id, ReachMessage.status == SENT)
    query = select(ReachMessage).where(*mine)
    if channel:
        query = query.where(ReachMessage.channel == channel)
    rows = list(session.scalars(query.order_by(ReachMessage.sent_at.desc(), ReachMessage.id)
                                .limit(limit)))
    unread = session.scalar(select(func.count()).select_from(ReachMessage).where(
        *mine, ReachMessage.opened_at.is_(None))) or 0
    return rows, unread


def _mine(session: Session, user_id: str, message_id: str) -> ReachMessage:
    message = session.get(ReachMessage, message_id, populate_existing=True)
    if message is None or message.user_id != user_id or message.status != SENT:
        raise NotFound("message not found", code="message_not_found")
    return message


def _stamp(session: Session, message: ReachMessage, column: str, event_cls,
           now: datetime) -> None:
    done = session.execute(update(ReachMessage).where(
        ReachMessage.id == message.id, getattr(ReachMessage, column).is_(None))
        .values({column: now})).rowcount
    if done:
        emit(session=session, event=event_cls(
            occurred_at=now, user_id=message.user_id, payload=re_.ReachMessageActionPayload(
                message_id=message.id, campaign_id=message.campaign_id,
                channel=message.channel, trigger_kind=message.trigger_kind,
                sent_at=message.sent_at)))


def open_message(*, session: Session, user_id: str, message_id: str,
                 now: datetime) -> ReachMessage:
    message = _mine(session, user_id, message_id)
    _stamp(session, message, "opened_at", re_.ReachMessageOpened, now)
    session.refresh(message)
    return message


def click(*, session: Session, user_id: str, message_id: str, now: datetime) -> ReachMessage:
    """A click opens the message too (a link followed from an unopened email)."""
    message = _mine(session, user_id, message_id)
    _stamp(session, message, "opened_at", re_.ReachMessageOpened, now)
    _stamp(session, message, "clicked_at", re_.ReachMessageClicked, now)
    session.refresh(message)
    return message
