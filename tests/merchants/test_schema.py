"""Migration 0034 creates the merchant tables exactly as the models declare them."""

from __future__ import annotations

from tests.schema_check import assert_migrations_match_models

TABLES = ("merchant_applications", "merchant_lifecycle_events", "merchant_deposits",
          "merchant_staff_roles")


def test_migrations_match_models(tmp_path):
    assert_migrations_match_models(TABLES, f"sqlite:///{tmp_path}/oltp.sqlite3")
