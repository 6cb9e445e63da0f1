"""Admins racing on one user's role: one grant and one revocation take effect, each with
one event; the rest answer as if they came second (200 held already, 404 not held)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings, run_api
from tests.rbac.helpers import user_with_role
from transactional_api.access.models import RoleGrant
from transactional_api.events.models import OutboxEvent

RACERS = 8


def _race(api, token: str, method: str, path: str) -> list[int]:
    def go(_) -> int:
        with api.client(token) as c:
            return c.request(method, path).status_code

    with ThreadPoolExecutor(RACERS) as pool:
        return sorted(pool.map(go, range(RACERS)))


def _events(api, uid: str) -> list[str]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type.in_(["role_granted", "role_revoked"])).order_by(OutboxEvent.id))
        return [r["event_type"] for r in map(json.loads, rows) if r["user_id"] == uid]


def _grants(api, uid: str) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(RoleGrant)
                        .where(RoleGrant.user_id == uid))


def _grant_and_revoke_race(api) -> None:
    admin_token = api.admin_token()
    with api.client(admin_token) as admin:
        _, uid = user_with_role(api, admin, None)
    path = f"/v1/admin/users/{uid}/roles/order_manager"
    assert _race(api, admin_token, "PUT", path) == [200] * (RACERS - 1) + [201]
    assert _grants(api, uid) == 1
    assert _events(api, uid) == ["role_granted"]
    assert _race(api, admin_token, "DELETE", path) == [204] + [404] * (RACERS - 1)
    assert _grants(api, uid) == 0
    assert _events(api, uid) == ["role_granted", "role_revoked"]


def test_racing_admins_grant_and_revoke_once_on_sqlite(api):
    _grant_and_revoke_race(api)


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db))


def test_racing_admins_grant_and_revoke_once_on_postgresql(pg_api):
    # Here the racers really overlap: the primary key refuses the second insert.
    _grant_and_revoke_race(pg_api)
