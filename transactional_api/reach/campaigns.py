"""Campaigns and their lifecycle: draft -> active <-> paused, any of them -> archived
(final). Only active campaigns send. Templates are checked against the trigger when a
campaign is saved (templates.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import reach_events as re_
from transactional_api.events.outbox import emit
from transactional_api.reach import templates
from transactional_api.reach.models import (
    ACTIVE,
    ARCHIVED,
    CAPPED,
    DRAFT,
    PAUSED,
    SCHEDULED,
    SENT,
    Campaign,
    ReachMessage,
)
from transactional_api.reach.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    CampaignStats,
    Caps,
    Offer,
    QuietHours,
)
from transactional_api.tags import audiences

MOVES = {"activate": ({DRAFT, PAUSED}, ACTIVE), "pause": ({ACTIVE}, PAUSED),
         "archive": ({DRAFT, ACTIVE, PAUSED}, ARCHIVED)}


def out(c: Campaign) -> CampaignOut:
    quiet = QuietHours(start_hour=c.quiet_start_hour, end_hour=c.quiet_end_hour) \
        if c.quiet_start_hour is not None else None
    offer = Offer(code=c.offer_code, valid_hours=c.offer_valid_hours) if c.offer_code else None
    return CampaignOut(id=c.id, name=c.name, status=c.status, trigger=c.trigger,
                       channel=c.channel, subject=c.subject, template=c.template,
                       caps=Caps(per_day=c.cap_per_day, per_week=c.cap_per_week),
                       quiet_hours=quiet, offer=offer, version=c.version,
                       created_by=c.created_by, created_at=c.created_at,
                       updated_at=c.updated_at, activated_at=c.activated_at)


def _check(session: Session, c: Campaign) -> None:
    trigger = c.trigger
    if trigger["kind"] == "audience":
        try:
            audiences.get(session=session, audience_id=trigger["audience_id"])
        except NotFound:
            raise Unprocessable("audience not found", code="audience_not_found",
                                details={"audience_id": trigger["audience_id"]}) from None
    templates.validate(templates=[c.subject, c.template], trigger_kind=trigger["kind"],
                       event_type=trigger.get("event_type"), has_offer=c.offer_code is not None)


def _apply(c: Campaign, *, trigger=None, channel=None, name=None, subject=None, template=None,
           caps: Caps | None = None, quiet: QuietHours | None = None, offer: Offer | None = None,
           clear_quiet: bool = False, clear_offer: bool = False) -> None:
    if trigger is not None:
        c.trigger_kind, c.trigger = trigger.kind, trigger.model_dump(mode="json")
    for field, value in (("channel", channel), ("name", name), ("subject", subject),
                         ("template", template)):
        if value is not None:
            setattr(c, field, value)
    if caps is not None:
        c.cap_per_day, c.cap_per_week = caps.per_day, caps.per_week
    if clear_quiet:
        c.quiet_start_hour = c.quiet_end_hour = None
    if quiet is not None:
        c.quiet_start_hour, c.quiet_end_hour = quiet.start_hour, quiet.end_hour
    if clear_offer:
        c.offer_code = c.offer_valid_hours = None
    if offer is not None:
        c.offer_code, c.offer_valid_hours = offer.code, offer.valid_hours


def _payload(c: Campaign) -> re_.ReachCampaignPayload:
    return re_.ReachCampaignPayload(campaign_id=c.id, name=c.name, trigger_kind=c.trigger_kind,
                                    channel=c.channel, version=c.version)


def create(*, session: Session, body: CampaignIn, actor_id: str) -> Campaign:
    now = clock.now()
    c = Campaign(status=DRAFT, version=1, created_by=actor_id, created_at=now, updated_at=now,
                 subject="")
    _apply(c, trigger=body.trigger, channel=body.channel, name=body.name, subject=body.subject,
           template=body.template, caps=body.caps, quiet=body.quiet_hours, offer=body.offer)
    _check(session, c)
    session.add(c)
    session.flush()
    emit(session=session, event=re_.ReachCampaignCreated(occurred_at=now, user_id=actor_id,
                                                         payload=_payload(c)))
    return c


def get(*, session: Session, campaign_id: str, lock: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id) \
        .execution_options(populate_existing=True)
    c = session.scalar(query.with_for_update() if lock else query)
    if c is None:
        raise NotFound("campaign not found", code="campaign_not_found")
    return c


def listing(*, session: Session, status: str | None = None) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id)
    if status:
        query = query.where(Campaign.status == status)
    return list(session.scalars(query))


def update(*, session: Session, campaign_id: str, patch: CampaignPatch,
           actor_id: str) -> Campaign:
    c = get(session=session, campaign_id=campaign_id, lock=True)
    if c.status == ARCHIVED:
        raise Conflict("an archived campaign cannot change", code="campaign_archived")
    if patch.trigger is not None and patch.trigger.kind != c.trigger_kind:
        raise Unprocessable("the trigger kind of a campaign cannot change",
                            code="trigger_kind_fixed")
    _apply(c, trigger=patch.trigger, channel=patch.channel, name=patch.name,
           subject=patch.subject, template=patch.template, caps=patch.caps,
           quiet=patch.quiet_hours, offer=patch.offer, clear_quiet=patch.clear_quiet_hours,
           clear_offer=patch.clear_offer)
    _check(session, c)
    c.version += 1
    c.updated_at = clock.now()
    emit(session=session, event=re_.ReachCampaignUpdated(occurred_at=c.updated_at,
                                                         user_id=actor_id, payload=_payload(c)))
    return c


def delete(*, session: Session, campaign_id: str) -> None:
    """Only a draft goes away; a campaign that may have sent is archived instead."""
    c = get(session=session, campaign_id=campaign_id, lock=True)
    if c.status != DRAFT:
        raise Conflict("only a draft can be deleted; archive this one",
                       code="campaign_not_draft")
    session.delete(c)


def transition(*, session: Session, campaign_id: str, action: str, actor_id: str) -> Campaign:
    c = get(session=session, campaign_id=campaign_id, lock=True)
    sources, target = MOVES[action]
    if c.status not in sources:
        raise Conflict(f"cannot {action} a campaign that is {c.status}",
                       code="illegal_transition", details={"status": c.status,
                                                           "action": action})
    before, now = c.status, clock.now()
    c.status, c.updated_at = target, now
    if target == ACTIVE and c.activated_at is None:
        c.activated_at = now
    emit(session=session, event=re_.ReachCampaignStatusChanged(
        occurred_at=now, user_id=actor_id, payload=re_.ReachCampaignStatusChangedPayload(
            campaign_id=c.id, name=c.name, trigger_kind=c.trigger_kind, channel=c.channel,
            from_status=before, to_status=target)))
    return c


def active(*, session: Session, trigger_kind: str) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(
        Campaign.status == ACTIVE, Campaign.trigger_kind == trigger_kind)
        .order_by(Campaign.id)))


def stats(*, session: Session, campaign_id: str) -> CampaignStats:
    get(session=session, campaign_id=campaign_id)
    by_status = dict(session.execute(select(ReachMessage.status, func.count()).where(
        ReachMessage.campaign_id == campaign_id).group_by(ReachMessage.status)).all())
    opened, clicked = session.execute(select(
        func.count(ReachMessage.opened_at), func.count(ReachMessage.clicked_at)).where(
        ReachMessage.campaign_id == campaign_id)).one()
    return CampaignStats(campaign_id=campaign_id, scheduled=by_status.get(SCHEDULED, 0),
                         sent=by_status.get(SENT, 0), capped=by_status.get(CAPPED, 0),
                         opened=opened, clicked=clicked)
