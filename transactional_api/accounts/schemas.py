from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from transactional_api.promoters.schemas import RefCode
from transactional_api.tags.schemas import UserTagOut

# No whitespace and no control characters (NUL, escapes) anywhere in an address.
_EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,185}\.[^@\s\x00-\x1f\x7f]{1,63}$"


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(pattern=_EMAIL, max_length=254)
    password: str = Field(min_length=8, max_length=128)
    ref: RefCode = None

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower()


class UserOut(BaseModel):
    id: str
    email: str | None  # None: the account signed up by phone (contacts.py)
    role: str
    phone: str | None = None


class AuthOut(BaseModel):
    user: UserOut
    token: str


class MeOut(UserOut):
    tags: dict[str, str]
    two_factor_enabled: bool = False
    user_tags: list[UserTagOut] = Field(
        default_factory=list, description="Active manual tags and the automatic tags the "
        "warehouse computed (tags)")
