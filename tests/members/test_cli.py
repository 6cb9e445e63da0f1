"""`flywheel members period-end` and `flywheel members check` on a SQLite database."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from tests.members.conftest import T0
from tests.members.events import paid
from transactional_api.accounts.models import User
from transactional_api.cli.main import main
from transactional_api.config import Settings
from transactional_api.core.db import make_engine, transaction
from transactional_api.events.outbox import emit
from transactional_api.members.models import MemberAccount


def test_period_end_and_check(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FLYWHEEL_MEMBERS_GROWTH_WINDOW_DAYS", "30")
    (tmp_path / "var").mkdir()
    assert main(["members", "check"]) == 0  # creates the schema; no account yet
    engine = make_engine(Settings().resolved_database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    uid = str(uuid.uuid4())
    with transaction(sessions) as s:
        s.add(User(id=uid, email="cli@example.com", password_hash="x"))
    with transaction(sessions) as s:
        emit(session=s, event=paid(uid, "o1", 60_000, T0))  # 600 growth: silver at once
    capsys.readouterr()
    # Mar 1's period end: the Jan 10 earning is outside (Jan 30 - Mar 1]: back to regular
    assert main(["members", "period-end", "--at", "2026-03-01T00:05:00+00:00"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"expired_points": 0, "downgrades": [[uid, "silver", "regular"]]}
    assert main(["members", "check"]) == 0
    with transaction(sessions) as s:  # a balance that no longer matches its ledger
        s.execute(update(MemberAccount).values(points_balance=599))
    capsys.readouterr()
    assert main(["members", "check"]) == 1
    assert "balance 599, ledger 600" in capsys.readouterr().out
    engine.dispose()
