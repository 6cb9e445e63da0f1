"""Upgrading a live shop to on-hand/reserved stock: unpaid orders keep their units held,
and the ledger still sums to every level (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from transactional_api.core.db import make_engine, transaction
from transactional_api.events.contract import any_event_adapter
from transactional_api.events.models import OutboxEvent
from transactional_api.inventory import service as inventory
from transactional_api.migrations import alembic_config, upgrade

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _old_shop(url: str) -> None:
    """A 0004 database: 5 units received, 2 held by an unpaid order, 1 sold and paid."""
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        ins = [
            "INSERT INTO categories (id, parent_id, name, slug, created_at) VALUES "
            "('root', NULL, 'Root', 'root', :t), ('leaf', 'root', 'Leaf', 'leaf', :t)",
            "INSERT INTO products (id, category_id, merchant_id, name, description, status, "
            "created_at) VALUES ('p', 'leaf', NULL, 'P', '', 'active', :t), "
            "('gone', 'leaf', NULL, 'Gone', '', 'withdrawn', :t)",
            "INSERT INTO skus (id, product_id, code, name, price_cents, currency, created_at) "
            "VALUES ('s', 'p', 'S', 's', 100, 'USD', :t)",
            "INSERT INTO stock_levels (sku_id, warehouse_id, available, updated_at) VALUES "
            "('s', 'default', 2, :t)",
            "INSERT INTO stock_movements (sku_id, warehouse_id, delta, reason, order_id, "
            "created_at) VALUES ('s', 'default', 5, 'initial', NULL, :t), "
            "('s', 'default', -2, 'order_reserved', 'o1', :t), "
            "('s', 'default', -1, 'order_reserved', 'o2', :t)",
        ]
        for sql in ins:
            conn.execute(text(sql), {"t": NOW})
        for oid, status, qty in (("o1", "pending_payment", 2), ("o2", "paid", 1)):
            conn.execute(text(
                "INSERT INTO orders (id, user_id, status, currency, subtotal_cents, "
                "discount_cents, total_cents, created_at, updated_at, expires_at) VALUES "
                "(:id, 'u', :st, 'USD', :c, 0, :c, :t, :t, :e)"),
                {"id": oid, "st": status, "c": 100 * qty, "t": NOW,
                 "e": NOW + timedelta(minutes=15)})
            conn.execute(text(
                "INSERT INTO order_items (order_id, sku_id, product_id, product_name, sku_name, "
                "unit_price_cents, quantity, line_total_cents) VALUES "
                "(:id, 's', 'p', 'P', 's', 100, :q, :c)"), {"id": oid, "q": qty, "c": 100 * qty})
    engine.dispose()


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_upgrade_keeps_unpaid_holds_and_a_balanced_ledger(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/old.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    _old_shop(url)
    upgrade(url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with engine.connect() as conn:
        level = conn.execute(text("SELECT on_hand, reserved FROM stock_levels")).one()
        assert tuple(level) == (4, 2)  # 5 in, 1 sold; the unpaid order's 2 are held
        held = conn.execute(text("SELECT order_id, quantity, status FROM stock_reservations")
                            ).all()
        assert [tuple(r) for r in held] == [("o1", 2, "active")]
        statuses = dict(conn.execute(text("SELECT id, status FROM products")).all())
        assert statuses == {"p": "listed", "gone": "delisted"}
        assert conn.execute(text("SELECT merchant_id FROM products WHERE id = 'p'")
                            ).scalar() == "self-operated"
        paths = dict(conn.execute(text("SELECT id, path FROM categories")).all())
        assert paths == {"root": "/root/", "leaf": "/root/leaf/"}
    with sessions() as s:
        assert inventory.ledger_mismatches(session=s) == []
        # the old ledger reaches the warehouse: its events sum to the level, valid by contract
        moved = [any_event_adapter.validate_json(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == "stock_moved"))]
        assert (sum(e.payload.on_hand_delta for e in moved),
                sum(e.payload.reserved_delta for e in moved)) == (4, 2)
        assert {e.occurred_at for e in moved if e.payload.reason == "initial"} == {NOW}
    with transaction(sessions) as s:  # the old order cancels like a new one
        inventory.release(session=s, order_id="o1")
    with sessions() as s:
        assert inventory.sellable(session=s, sku_ids=["s"]) == {"s": 4}
        assert inventory.ledger_mismatches(session=s) == []
    engine.dispose()
