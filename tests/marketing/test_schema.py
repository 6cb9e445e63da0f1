"""Migration 0012 and the CampaignCost model agree, and the database itself keeps one row
per key and no negative money."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from transactional_api.core.db import Base
from transactional_api.marketing.models import CampaignCost
from transactional_api.migrations import alembic_config, upgrade

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
INSERT = text("INSERT INTO campaign_costs (id, campaign, source, medium, day, amount_cents, "
              "currency, revision, created_at, updated_at) VALUES (:id, 'spring', 'facebook', "
              "'paid_social', :day, :cents, 'USD', 1, :t, :t)")


def test_migration_matches_the_model_and_guards_the_key(tmp_path):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diff if CampaignCost.__tablename__ in repr(d)] == []
        with engine.begin() as conn:
            conn.execute(INSERT, {"id": "c1", "day": date(2025, 3, 3), "cents": 100, "t": NOW})
        for row in ({"id": "c2", "day": date(2025, 3, 3), "cents": 5},  # same key
                    {"id": "c3", "day": date(2025, 3, 4), "cents": -1}):  # negative
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(INSERT, {**row, "t": NOW})
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        assert "campaign_costs" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
