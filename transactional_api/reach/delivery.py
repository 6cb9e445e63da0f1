"""Sending one trigger's message once: the (campaign, user, trigger key) row is inserted
first, under its unique constraint, and only the transaction that inserted it sends.
Quiet hours defer a send to the window's end (the row waits as scheduled); frequency caps
count every campaign's sends to the user on the channel over the rolling day and week,
and a capped message is recorded as capped, its key spent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import identity, sandbox_sender
from transactional_api.accounts import service as accounts
from transactional_api.accounts.contacts import public_email
from transactional_api.events import reach_events as re_
from transactional_api.events.outbox import emit
from transactional_api.reach import templates
from transactional_api.reach.models import (
    CAPPED,
    SCHEDULED,
    SENT,
    UNDELIVERABLE,
    Campaign,
    ReachMessage,
)
from transactional_api.translations import texts as translations

PURPOSE = "reach"


def quiet_until(campaign: Campaign, at: datetime) -> datetime:
    """at, or the end of the campaign's quiet window when at falls inside it (UTC hours
    [start, end), wrapping midnight when start > end)."""
    start, end = campaign.quiet_start_hour, campaign.quiet_end_hour
    if start is None or end is None:
        return at
    hour = at.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return at
    day = at.replace(hour=end, minute=0, second=0, microsecond=0)
    return day if day > at else day + timedelta(days=1)


def deliver(session: Session, *, campaign: Campaign, user_id: str, trigger_key: str,
            triggered_at: datetime, now: datetime,
            values: dict[str, object] | None = None) -> ReachMessage | None:
    """The message for this trigger, sent now or scheduled past quiet hours; None when the
    key was already taken (by this process earlier, another process, or a re-run)."""
    taken = session.scalar(select(ReachMessage.id).where(
        ReachMessage.campaign_id == campaign.id, ReachMessage.user_id == user_id,
        ReachMessage.trigger_key == trigger_key))
    if taken is not None:
        return None
    due = quiet_until(campaign, now)
    expires = due + timedelta(hours=campaign.offer_valid_hours) if campaign.offer_code else None
    filled = {"campaign": campaign.name, "offer_code": campaign.offer_code,
              "offer_valid_hours": campaign.offer_valid_hours, "offer_expires_at": expires,
              **(values or {})}
    # in the language the shopper chose, where the campaign has a text in it
    subject, template = translations.message_texts(
        session=session, campaign_id=campaign.id, user_id=user_id, subject=campaign.subject,
        template=campaign.template)
    message = ReachMessage(
        campaign_id=campaign.id, user_id=user_id, trigger_kind=campaign.trigger_kind,
        trigger_key=trigger_key, channel=campaign.channel, status=SCHEDULED,
        subject=templates.render(subject, filled, 120),
        body=templates.render(template, filled), offer_code=campaign.offer_code,
        offer_expires_at=expires, triggered_at=triggered_at, due_at=due, created_at=now)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return None  # another worker inserted the key between our read and our insert
    if due <= now:
        send(session, message=message, campaign=campaign, at=due)
    return message


def sent_count(session: Session, *, user_id: str, channel: str, since: datetime,
               until: datetime) -> int:
    return session.scalar(select(func.count()).select_from(ReachMessage).where(
        ReachMessage.user_id == user_id, ReachMessage.channel == channel,
        ReachMessage.status == SENT, ReachMessage.sent_at > since,
        ReachMessage.sent_at <= until)) or 0


def _capped(session: Session, campaign: Campaign, user_id: str, at: datetime) -> bool:
    for cap, days in ((campaign.cap_per_day, 1), (campaign.cap_per_week, 7)):
        if cap is not None and sent_count(session, user_id=user_id, channel=campaign.channel,
                                          since=at - timedelta(days=days), until=at) >= cap:
            return True
    return False


def _destination(session: Session, channel: str, user_id: str) -> str | None:
    if channel == "email":
        user = accounts.get_user(session=session, user_id=user_id)
        return public_email(user.email) if user is not None else None
    return identity.phone_of(session, user_id)


def send(session: Session, *, message: ReachMessage, campaign: Campaign, at: datetime) -> str:
    """Send a scheduled message (claimed by a conditional UPDATE, so two sweepers cannot
    both send it); the status it ends in."""
    if _capped(session, campaign, message.user_id, at):
        status = CAPPED
    elif campaign.channel != "inbox" and not _destination(session, campaign.channel,
                                                          message.user_id):
        status = UNDELIVERABLE
    else:
        status = SENT
    claimed = session.execute(update(ReachMessage).where(
        ReachMessage.id == message.id, ReachMessage.status == SCHEDULED).values(
        status=status, sent_at=at if status == SENT else None)).rowcount
    if not claimed:
        return message.status
    session.refresh(message)
    if status != SENT:
        return status
    if campaign.channel != "inbox":
        sandbox_sender.send_text(
            session, channel="phone" if campaign.channel == "sms" else "email",
            destination=_destination(session, campaign.channel, message.user_id),
            purpose=PURPOSE, body=(f"{message.subject}\n{message.body}" if message.subject
                                   else message.body), now=at)
    emit(session=session, event=re_.ReachMessageSent(
        occurred_at=at, user_id=message.user_id, payload=re_.ReachMessageSentPayload(
            message_id=message.id, campaign_id=campaign.id, channel=campaign.channel,
            trigger_kind=campaign.trigger_kind, trigger_key=message.trigger_key,
            triggered_at=message.triggered_at, offer_code=message.offer_code)))
    return status


def send_due(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Send the scheduled messages whose quiet hours are over; how many were sent. A paused
    or archived campaign's scheduled messages wait (they send if it is activated again)."""
    rows = session.execute(
        select(ReachMessage, Campaign).join(Campaign, Campaign.id == ReachMessage.campaign_id)
        .where(ReachMessage.status == SCHEDULED, ReachMessage.due_at <= now,
               Campaign.status == "active")
        .order_by(ReachMessage.due_at, ReachMessage.id).limit(limit)
        .with_for_update(of=ReachMessage, skip_locked=True)).all()
    return sum(send(session, message=m, campaign=c, at=m.due_at) == SENT for m, c in rows)
