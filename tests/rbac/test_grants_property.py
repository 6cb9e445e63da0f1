"""Property: any sequence of grants and revocations leaves exactly the roles a by-hand
model says, one event per change and none for a repeat or a refusal, and the caller's
permissions are the union of its operator roles (merchant staff adding none shop-wide).
Runs on a migrated SQLite database, so the migration's constraints take part."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from transactional_api.access import service
from transactional_api.access.models import RoleGrant
from transactional_api.accounts.models import User
from transactional_api.catalog.models import Merchant
from transactional_api.core.db import make_engine, transaction
from transactional_api.core.errors import DomainError
from transactional_api.core.permissions import Permission, operator_permissions
from transactional_api.events.models import OutboxEvent
from transactional_api.migrations import upgrade

USERS, MERCHANTS = ["u1", "u2"], ["m1", "m2"]
ROLES = ["admin", "catalog_manager", "finance", "analyst", "merchant_staff"]
# What each role gives shop-wide, written out here rather than read from the code.
EXPECTED = {"admin": set(Permission), "catalog_manager": {Permission.CATALOG},
            "finance": {Permission.FINANCE}, "analyst": {Permission.DATA},
            "merchant_staff": set()}

ops = st.lists(st.tuples(st.sampled_from(["grant", "revoke"]), st.sampled_from(USERS),
                         st.sampled_from(ROLES), st.sampled_from([None, *MERCHANTS])),
               max_size=30)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('rbac') / 'oltp.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    with transaction(factory) as s:
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper")
                   for u in USERS])
        s.add_all([Merchant(id=m, slug=m, name=m) for m in MERCHANTS])
    yield factory
    engine.dispose()


def _apply(s, model: dict, op: str, user: str, role: str, merchant: str | None) -> bool:
    """Run one step against the service and the model; True when something changed."""
    key = (user, role)
    if op == "revoke":
        if key not in model:
            with pytest.raises(DomainError) as err:
                service.revoke_role(session=s, user_id=user, role=role, actor_id="admin")
            assert err.value.status_code == 404
            return False
        service.revoke_role(session=s, user_id=user, role=role, actor_id="admin")
        del model[key]
        return True
    if (role == "merchant_staff") != (merchant is not None):
        with pytest.raises(DomainError) as err:
            service.grant_role(session=s, user_id=user, role=role, merchant_id=merchant,
                               actor_id="admin")
        assert err.value.code == "merchant_scope_mismatch"
        return False
    if key in model and model[key] != merchant:
        with pytest.raises(DomainError) as err:
            service.grant_role(session=s, user_id=user, role=role, merchant_id=merchant,
                               actor_id="admin")
        assert err.value.code == "merchant_staff_bound"
        return False
    _, created = service.grant_role(session=s, user_id=user, role=role, merchant_id=merchant,
                                    actor_id="admin")
    assert created == (key not in model)
    model[key] = merchant
    return created


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=ops)
def test_grants_follow_the_model(sessions, sequence):
    with transaction(sessions) as s:  # the database is the module's: start each run empty
        s.execute(delete(RoleGrant))
        s.execute(delete(OutboxEvent))
    model: dict[tuple[str, str], str | None] = {}
    changes = 0
    for step in sequence:
        try:
            with transaction(sessions) as s:
                changes += _apply(s, model, *step)
        except DomainError:
            pytest.fail(f"unexpected refusal of {step}")
        with sessions() as s:
            rows = {(g.user_id, g.role): g.merchant_id for g in s.scalars(select(RoleGrant))}
            assert rows == model
            events = [json.loads(r) for r in s.scalars(select(OutboxEvent.record))]
            assert len(events) == changes
            for user in USERS:
                grants = service.grants_for(session=s, user_id=user)
                expected = set().union(*(EXPECTED[r] for (u, r) in model if u == user))
                assert operator_permissions(g.role for g in grants) == expected


def test_the_database_refuses_a_scope_the_role_does_not_have(sessions):
    for role, merchant in (("analyst", "m1"), ("merchant_staff", None)):
        with pytest.raises(IntegrityError), transaction(sessions) as s:
            s.add(RoleGrant(user_id="u1", role=role, merchant_id=merchant,
                            granted_by=str(uuid.uuid4())))
