"""API processes started together on one PostgreSQL: each ensures the operator account at
start-up, and the ones that lose the race must start anyway (one failing start made uvicorn
stop every worker)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from transactional_api.accounts import service as accounts
from transactional_api.accounts.models import User
from transactional_api.core.db import make_engine, transaction
from transactional_api.migrations import upgrade

pytestmark = pytest.mark.slow


def test_ensure_admin_loses_the_race_gracefully(postgres_db):
    upgrade(postgres_db)
    engine = make_engine(postgres_db)
    sessions = sessionmaker(engine, expire_on_commit=False)
    email, done = "ops@example.com", {}
    try:
        with transaction(sessions) as first:
            # The first process has inserted the account but not committed yet.
            accounts.create_user(session=first, email=email, password_hash="x", role="shopper")

            def second() -> None:
                with transaction(sessions) as s:
                    done["user"] = accounts.ensure_admin(session=s, email=email,
                                                         password="ops-password-1")
            t = threading.Thread(target=second)
            t.start()
            dsn = postgres_db.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(dsn, autocommit=True) as watch:
                deadline = time.monotonic() + 20  # until the second insert waits on ours
                while not watch.execute("SELECT count(*) FROM pg_locks WHERE NOT granted"
                                        ).fetchone()[0]:
                    assert time.monotonic() < deadline, "the second insert never waited"
                    time.sleep(0.02)
        t.join(30)
        assert done["user"].email == email
        with transaction(sessions) as s:
            assert s.scalar(select(func.count()).select_from(User)
                            .where(User.email == email)) == 1
            assert s.scalar(select(User.role).where(User.email == email)) == "admin"
    finally:
        engine.dispose()
