from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from transactional_api.tags import rules

TagName = Annotated[str, Field(pattern=rules.TAG_PATTERN)]
CheckedRule = Annotated[rules.Rule, AfterValidator(rules.check_bounds)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TagIn(_In):
    name: TagName
    kind: Literal["manual", "automatic"] = Field(
        "manual", description="automatic: computed by the warehouse, published by the "
        "pipelines under this name; manual: set by operators")
    description: str = Field("", max_length=500)


class TagTransitionIn(_In):
    action: Literal["activate", "retire"]


class AssignIn(_In):
    reason: Reason | None = None


class TagOut(BaseModel):
    name: str
    kind: str
    status: str
    description: str
    created_by: str | None
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None


class TagList(BaseModel):
    items: list[TagOut]


class UserTagOut(BaseModel):
    name: str
    kind: Literal["manual", "automatic"]
    value: str | None = Field(description="An automatic tag's value ('true' for a flag, the "
                                          "segment or level name); null for a manual tag")
    assigned_at: datetime | None = None
    computed_at: datetime | None = Field(None, description="When the warehouse computed it")
    reason: str | None = None

    @classmethod
    def of(cls, served) -> UserTagOut:
        """From a service.ServedTag: its time is when it was assigned or computed."""
        manual = served.kind == "manual"
        return cls(name=served.name, kind=served.kind, value=served.value,
                   assigned_at=served.at if manual else None,
                   computed_at=None if manual else served.at, reason=served.reason)


class UserTagsOut(BaseModel):
    user_id: str
    tags: list[UserTagOut]


class AssignmentOut(BaseModel):
    user_id: str
    tag: str
    reason: str | None
    assigned_by: str | None
    assigned_at: datetime
    created: bool


class AudienceIn(_In):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    rule: CheckedRule


class AudiencePatch(_In):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=500)
    rule: CheckedRule | None = None


class AudienceOut(BaseModel):
    id: str
    name: str
    description: str
    rule: dict[str, Any]
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class AudiencePage(BaseModel):
    items: list[AudienceOut]
    total: int
    limit: int
    offset: int


class SubRuleOut(BaseModel):
    path: str = Field(description="JSON path of the sub-rule ($ is the whole rule)")
    rule: dict[str, Any]
    matched: bool


class MembershipOut(BaseModel):
    audience_id: str
    version: int
    user_id: str
    member: bool
    sub_rules: list[SubRuleOut]


class SizeOut(BaseModel):
    audience_id: str
    version: int
    size: int
    evaluated: int = Field(description="Users the rule was evaluated for")
    exact: bool = Field(description="false when more users could match than the bound "
                                    "(FLYWHEEL_TAGS_AUDIENCE_SIZE_MAX_USERS) let it look at")
    strategy: Literal["tag_index", "all_users"]
    computed_at: datetime
    cached: bool
