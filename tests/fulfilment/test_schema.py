"""The fulfilment models and migration 0010 describe the same tables (SQLite, PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

TABLES = {"shipments", "shipment_sub_orders", "tracking_events", "carrier_scheduled_events",
          "invoices", "invoice_counters"}


def _table_of(diff) -> str | None:
    if isinstance(diff, list):  # column modifications come as lists of tuples
        return _table_of(diff[0])
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return diff[1].name
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        return diff[1].table.name
    if kind in ("add_column", "remove_column"):
        return diff[2]
    if kind in ("add_fk", "remove_fk"):
        return diff[1].parent.name
    if kind.startswith("modify_"):
        return diff[2]
    return None


def _drift(url: str) -> list:
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return [d for d in compare_metadata(ctx, Base.metadata) if _table_of(d) in TABLES]
    finally:
        engine.dispose()


def test_models_match_the_migration_on_sqlite(tmp_path):
    assert _drift(f"sqlite:///{tmp_path}/oltp.sqlite3") == []


def test_models_match_the_migration_on_postgres(postgres_db):
    assert _drift(postgres_db) == []
