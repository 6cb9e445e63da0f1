"""FastAPI dependencies shared by every router: settings, DB session, Redis, caller."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Forbidden, Unauthorized


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_read_db(request: Request) -> Iterator[Session]:
    """For handlers that only read; writing through it is a bug."""
    with request.app.state.read_sessions() as session:
        yield session


def get_redis(request: Request) -> redis.Redis:
    return request.app.state.redis


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Db = Annotated[Session, Depends(get_db)]
ReadDb = Annotated[Session, Depends(get_read_db)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Caller:
    id: str
    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def optional_caller(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller | None:
    if creds is None:
        return None
    # Imported here: accounts depends on core, not the other way round at import time.
    from transactional_api.accounts.service import authenticate

    with request.app.state.read_sessions() as session:
        user = authenticate(session=session, token_hash=token_hash(creds.credentials),
                            now=clock.real_now())
    if user is None:
        raise Unauthorized("invalid or expired token")
    return Caller(id=user.id, email=user.email, role=user.role)


def require_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise Unauthorized("authentication required")
    return caller


def require_admin(caller: Annotated[Caller, Depends(require_caller)]) -> Caller:
    if not caller.is_admin:
        raise Forbidden("admin role required")
    return caller


OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]
CurrentCaller = Annotated[Caller, Depends(require_caller)]
AdminCaller = Annotated[Caller, Depends(require_admin)]
