"""Migration 0031 and the points mall's models agree, and its CHECKs hold the stock and
the item's target (SQLite; PostgreSQL when its binaries exist)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"points_mall_items", "points_mall_redemptions", "points_mall_cursors"}
NOW = "'2026-01-01 00:00:00+00'"


def _refuses_bad_rows(conn) -> None:
    cols = ("id, kind, title, sku_id, coupon_template_id, points_price, cash_cents, currency, "
            "stock_total, stock_left, per_user_limit, listed, version, created_at, updated_at")
    for values in (
        # more left than the allotment
        f"'a', 'goods', 't', NULL, NULL, 1, 0, 'USD', 1, 2, 1, true, 1, {NOW}, {NOW}",
        # a coupon item with cash
        f"'b', 'coupon', 't', NULL, NULL, 1, 5, 'USD', 1, 1, 1, true, 1, {NOW}, {NOW}",
    ):
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text(f"INSERT INTO points_mall_items ({cols}) VALUES ({values})"))


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_refuses_bad_rows)
