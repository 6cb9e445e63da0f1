"""Operators' tags and audiences: marketing's routes (the 'marketing' permission)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core.deps import Db, MarketingCaller, ReadDb, RedisDep, SettingsDep
from transactional_api.tags import audiences, rules, service
from transactional_api.tags.models import Audience, TagDefinition
from transactional_api.tags.schemas import (
    AssignIn,
    AssignmentOut,
    AudienceIn,
    AudienceOut,
    AudiencePage,
    AudiencePatch,
    MembershipOut,
    SizeOut,
    SubRuleOut,
    TagIn,
    TagList,
    TagOut,
    TagTransitionIn,
    UserTagOut,
    UserTagsOut,
)

router = APIRouter(tags=["tags"])
TagPath = Annotated[str, Path(pattern=rules.TAG_PATTERN)]
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


def tag_out(t: TagDefinition) -> TagOut:
    return TagOut(name=t.name, kind=t.kind, status=t.status, description=t.description,
                  created_by=t.created_by, created_at=t.created_at,
                  activated_at=t.activated_at, retired_at=t.retired_at)


def audience_out(a: Audience) -> AudienceOut:
    return AudienceOut(id=a.id, name=a.name, description=a.description, rule=a.rule,
                       version=a.version, created_by=a.created_by, created_at=a.created_at,
                       updated_at=a.updated_at)


@router.get("/v1/admin/tags", response_model=TagList)
def list_tags(db: ReadDb, _: MarketingCaller,
              kind: Literal["manual", "automatic"] | None = None,
              status: Literal["created", "active", "retired"] | None = None) -> TagList:
    return TagList(items=[tag_out(t) for t in service.definitions(session=db, kind=kind,
                                                                   status=status)])


@router.post("/v1/admin/tags", status_code=201, response_model=TagOut)
def create_tag(body: TagIn, db: Db, caller: MarketingCaller) -> TagOut:
    """Define a tag (status created); it is served and matched once activated."""
    with db.begin():
        return tag_out(service.create(session=db, name=body.name, kind=body.kind,
                                      description=body.description, actor_id=caller.id))


@router.get("/v1/admin/tags/{name}", response_model=TagOut)
def get_tag(name: TagPath, db: ReadDb, _: MarketingCaller) -> TagOut:
    return tag_out(service.get(session=db, name=name))


@router.post("/v1/admin/tags/{name}/transitions", response_model=TagOut)
def transition_tag(name: TagPath, body: TagTransitionIn, db: Db, caller: MarketingCaller) -> TagOut:
    """created -> active (activate) -> retired (retire); any other move is 409."""
    with db.begin():
        return tag_out(service.transition(session=db, name=name, action=body.action,
                                          actor_id=caller.id))


@router.get("/v1/admin/users/{user_id}/tags", response_model=UserTagsOut)
def user_tags(user_id: IdPath, db: ReadDb, redis: RedisDep, _: MarketingCaller) -> UserTagsOut:
    """A shopper's active manual tags and the automatic tags the warehouse computed."""
    with db.begin():
        service.require_user(session=db, user_id=user_id)
        tags = service.served_tags(session=db, redis_client=redis, user_id=user_id)
    return UserTagsOut(user_id=user_id, tags=[UserTagOut.of(t) for t in tags])


@router.put("/v1/admin/users/{user_id}/tags/{name}", response_model=AssignmentOut,
            responses={201: {"model": AssignmentOut}})
def assign_tag(user_id: IdPath, name: TagPath, body: AssignIn, db: Db, caller: MarketingCaller,
               response: Response) -> AssignmentOut:
    """Put an active manual tag on a shopper (201; 200 when they already carry it)."""
    with db.begin():
        row, created = service.assign(session=db, name=name, user_id=user_id,
                                      actor_id=caller.id, reason=body.reason)
        response.status_code = 201 if created else 200
        return AssignmentOut(user_id=row.user_id, tag=row.tag, reason=row.reason,
                             assigned_by=row.assigned_by, assigned_at=row.assigned_at,
                             created=created)


@router.delete("/v1/admin/users/{user_id}/tags/{name}", status_code=204)
def unassign_tag(user_id: IdPath, name: TagPath, db: Db, caller: MarketingCaller,
                 reason: Annotated[str | None, Query(min_length=1, max_length=200)] = None
                 ) -> Response:
    with db.begin():
        service.unassign(session=db, name=name, user_id=user_id, actor_id=caller.id,
                         reason=reason)
    return Response(status_code=204)


@router.post("/v1/admin/audiences", status_code=201, response_model=AudienceOut)
def create_audience(body: AudienceIn, db: Db, caller: MarketingCaller) -> AudienceOut:
    """Save a rule as an audience (rules: README "Tags and audiences")."""
    with db.begin():
        return audience_out(audiences.create(session=db, name=body.name,
                                             description=body.description, rule=body.rule,
                                             actor_id=caller.id))


@router.get("/v1/admin/audiences", response_model=AudiencePage)
def list_audiences(db: ReadDb, _: MarketingCaller,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> AudiencePage:
    rows, total = audiences.listing(session=db, limit=limit, offset=offset)
    return AudiencePage(items=[audience_out(a) for a in rows], total=total, limit=limit,
                        offset=offset)


@router.get("/v1/admin/audiences/{audience_id}", response_model=AudienceOut)
def get_audience(audience_id: IdPath, db: ReadDb, _: MarketingCaller) -> AudienceOut:
    return audience_out(audiences.get(session=db, audience_id=audience_id))


@router.patch("/v1/admin/audiences/{audience_id}", response_model=AudienceOut)
def update_audience(audience_id: IdPath, body: AudiencePatch, db: Db,
                    caller: MarketingCaller) -> AudienceOut:
    with db.begin():
        return audience_out(audiences.update(
            session=db, audience_id=audience_id, actor_id=caller.id, name=body.name,
            description=body.description, rule=body.rule))


@router.delete("/v1/admin/audiences/{audience_id}", status_code=204)
def delete_audience(audience_id: IdPath, db: Db, caller: MarketingCaller) -> Response:
    with db.begin():
        audiences.delete(session=db, audience_id=audience_id, actor_id=caller.id)
    return Response(status_code=204)


@router.get("/v1/admin/audiences/{audience_id}/members/{user_id}", response_model=MembershipOut)
def audience_member(audience_id: IdPath, user_id: IdPath, db: ReadDb, redis: RedisDep,
                    settings: SettingsDep, _: MarketingCaller) -> MembershipOut:
    """Whether the user is in the audience now, and the outcome of every sub-rule."""
    with db.begin():
        member, trace, version = audiences.membership(
            session=db, redis_client=redis, audience_id=audience_id, user_id=user_id,
            settings=settings)
    return MembershipOut(audience_id=audience_id, version=version, user_id=user_id,
                         member=member, sub_rules=[SubRuleOut(**t) for t in trace])


@router.get("/v1/admin/audiences/{audience_id}/size", response_model=SizeOut)
def audience_size(audience_id: IdPath, db: ReadDb, redis: RedisDep, settings: SettingsDep,
                  _: MarketingCaller) -> SizeOut:
    """How many users the audience holds (bounded and cached: see exact and cached)."""
    with db.begin():
        result = audiences.size(session=db, redis_client=redis, audience_id=audience_id,
                                settings=settings)
    return SizeOut(**result.__dict__)
