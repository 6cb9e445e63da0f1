"""Migration 0024 and the pricing models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"sku_price_tiers", "sku_member_prices", "sku_promo_prices", "sku_flash_prices",
          "price_floors", "promotions", "promotion_redemptions", "pricing_state"}


def _seeded(conn) -> None:
    assert conn.execute(text("SELECT id, version FROM pricing_state")).all() == [(1, 0)]


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_seeded)
