"""Migration 0030 and group buying's models agree, on SQLite and PostgreSQL; the seat
CHECK refuses a member more than the group's size even if code forgot to."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

import transactional_api.group_buys.models  # noqa: F401 (the tables join the metadata)
from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"group_buy_offers", "group_buy_groups", "group_buy_members", "group_buy_shares",
          "group_buy_cursors"}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    url = database_url(engine_name, tmp_path, request)
    assert_migrations_match_models(TABLES, url)
    engine = create_engine(url)
    try:
        with pytest.raises(IntegrityError, match="ck_group_buy_groups_seats"), \
                engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO group_buy_groups (id, offer_id, leader_user_id, status, group_size,"
                " seats_taken, paid_members, virtual_members, refunded_cents, opened_at,"
                " closes_at) VALUES ('g', 'o', 'u', 'open', 2, 3, 0, 0, 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    finally:
        engine.dispose()
