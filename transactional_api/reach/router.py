"""Reach over HTTP: operators' campaigns (the 'marketing' permission) and the shopper's
messages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, MarketingCaller, ReadDb, SettingsDep
from transactional_api.reach import campaigns, inbox, jobs
from transactional_api.reach.models import ReachMessage
from transactional_api.reach.schemas import (
    CampaignIn,
    CampaignList,
    CampaignOut,
    CampaignPatch,
    CampaignStats,
    MessageList,
    MessageOut,
    RunOut,
    TransitionIn,
)

router = APIRouter(tags=["reach"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


def message_out(m: ReachMessage) -> MessageOut:
    return MessageOut(id=m.id, campaign_id=m.campaign_id, channel=m.channel, subject=m.subject,
                      body=m.body, offer_code=m.offer_code, offer_expires_at=m.offer_expires_at,
                      sent_at=m.sent_at, opened_at=m.opened_at, clicked_at=m.clicked_at)


@router.post("/v1/admin/reach/campaigns", status_code=201, response_model=CampaignOut)
def create_campaign(body: CampaignIn, db: Db, caller: MarketingCaller) -> CampaignOut:
    """A campaign starts as a draft; 422 `unknown_placeholder` when the template names a
    field its trigger cannot fill."""
    with db.begin():
        return campaigns.out(campaigns.create(session=db, body=body, actor_id=caller.id))


@router.get("/v1/admin/reach/campaigns", response_model=CampaignList)
def list_campaigns(db: ReadDb, _: MarketingCaller,
                   status: Literal["draft", "active", "paused", "archived"] | None = None
                   ) -> CampaignList:
    with db.begin():
        return CampaignList(items=[campaigns.out(c) for c in
                                   campaigns.listing(session=db, status=status)])


@router.get("/v1/admin/reach/campaigns/{campaign_id}", response_model=CampaignOut)
def get_campaign(campaign_id: IdPath, db: ReadDb, _: MarketingCaller) -> CampaignOut:
    with db.begin():
        return campaigns.out(campaigns.get(session=db, campaign_id=campaign_id))


@router.patch("/v1/admin/reach/campaigns/{campaign_id}", response_model=CampaignOut)
def update_campaign(campaign_id: IdPath, body: CampaignPatch, db: Db,
                    caller: MarketingCaller) -> CampaignOut:
    """Edit anything but the trigger kind (409 once archived); the version goes up."""
    with db.begin():
        return campaigns.out(campaigns.update(session=db, campaign_id=campaign_id, patch=body,
                                              actor_id=caller.id))


@router.delete("/v1/admin/reach/campaigns/{campaign_id}", status_code=204)
def delete_campaign(campaign_id: IdPath, db: Db, _: MarketingCaller) -> Response:
    """Drafts only (409 `campaign_not_draft`: archive a campaign that may have sent)."""
    with db.begin():
        campaigns.delete(session=db, campaign_id=campaign_id)
    return Response(status_code=204)


@router.post("/v1/admin/reach/campaigns/{campaign_id}/transitions", response_model=CampaignOut)
def transition_campaign(campaign_id: IdPath, body: TransitionIn, db: Db,
                        caller: MarketingCaller) -> CampaignOut:
    """draft|paused -> active (activate), active -> paused (pause), any -> archived
    (archive, final); any other move is 409 `illegal_transition`."""
    with db.begin():
        return campaigns.out(campaigns.transition(session=db, campaign_id=campaign_id,
                                                  action=body.action, actor_id=caller.id))


@router.get("/v1/admin/reach/campaigns/{campaign_id}/stats", response_model=CampaignStats)
def campaign_stats(campaign_id: IdPath, db: ReadDb, _: MarketingCaller) -> CampaignStats:
    with db.begin():
        return campaigns.stats(session=db, campaign_id=campaign_id)


@router.post("/v1/admin/reach/run", response_model=RunOut)
def run_reach(request: Request, settings: SettingsDep, _: MarketingCaller) -> RunOut:
    """Run what is due at the shop clock (X-Flywheel-Clock in the demo): outbox triggers,
    abandoned carts, sends deferred by quiet hours."""
    return jobs.run_due(request.app.state.sessions, settings, now=clock.now())


@router.get("/v1/me/messages", response_model=MessageList)
def my_messages(db: ReadDb, caller: CurrentCaller,
                channel: Literal["email", "sms", "inbox"] | None = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> MessageList:
    """Reach messages sent to the caller, newest first (the in-app inbox with
    ?channel=inbox), and how many are unopened."""
    with db.begin():
        rows, unread = inbox.listing(session=db, user_id=caller.id, channel=channel, limit=limit)
        return MessageList(items=[message_out(m) for m in rows], unread=unread)


@router.post("/v1/me/messages/{message_id}/open", response_model=MessageOut)
def open_message(message_id: IdPath, db: Db, caller: CurrentCaller) -> MessageOut:
    """Idempotent: the first open is recorded and emitted, later ones change nothing."""
    with db.begin():
        return message_out(inbox.open_message(session=db, user_id=caller.id,
                                              message_id=message_id, now=clock.now()))


@router.post("/v1/me/messages/{message_id}/click", response_model=MessageOut)
def click_message(message_id: IdPath, db: Db, caller: CurrentCaller) -> MessageOut:
    """Idempotent like open; a click also opens."""
    with db.begin():
        return message_out(inbox.click(session=db, user_id=caller.id, message_id=message_id,
                                       now=clock.now()))
