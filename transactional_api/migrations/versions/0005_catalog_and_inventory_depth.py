"""merchants, brands, category paths, product lifecycle, SKU kinds, bundles; warehouses,
on-hand/reserved stock, timed reservations, pre-sale allotments, a two-column ledger

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _now() -> datetime:
    return datetime.now(UTC)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "merchants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("city", sa.String(120), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    merchants = sa.table("merchants", *(sa.column(c) for c in
                                        ("id", "slug", "name", "status", "created_at")))
    op.bulk_insert(merchants, [{"id": "self-operated", "slug": "self-operated",
                                "name": "Self-operated", "status": "active",
                                "created_at": _now()}])
    op.create_table(
        "brands",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )

    with op.batch_alter_table("categories") as b:
        b.add_column(sa.Column("path", sa.String(1000), nullable=False, server_default="/"))
        b.add_column(sa.Column("depth", sa.Integer(), nullable=False, server_default="0"))
        b.create_index("ix_categories_path", ["path"])
    _fill_category_paths(bind)

    bind.execute(sa.text("UPDATE products SET merchant_id = 'self-operated' "
                         "WHERE merchant_id IS NULL"))
    bind.execute(sa.text("UPDATE products SET status = CASE status WHEN 'active' THEN 'listed' "
                         "ELSE 'delisted' END"))
    # SQLite can only add columns in place; NOT NULL, new foreign keys and CHECKs would
    # rebuild the table, and dropping a referenced table full of rows breaks its foreign
    # keys (PRAGMA foreign_keys cannot be switched off inside the migration's transaction).
    # There the ORM's defaults and the service checks hold these rules.
    pg = bind.dialect.name == "postgresql"
    with op.batch_alter_table("products") as b:
        if pg:
            b.alter_column("merchant_id", existing_type=sa.String(36), nullable=False)
            b.create_foreign_key("fk_products_merchant_id", "merchants", ["merchant_id"],
                                 ["id"])
        b.add_column(sa.Column("brand_id", sa.String(36), nullable=True))
        if pg:
            b.create_foreign_key("fk_products_brand_id", "brands", ["brand_id"], ["id"])
        b.create_index("ix_products_brand_id", ["brand_id"])
        b.create_index("ix_products_status", ["status"])
        b.add_column(sa.Column("spec", sa.JSON(), nullable=False, server_default="{}"))
        b.add_column(sa.Column("images", sa.JSON(), nullable=False, server_default="[]"))
        b.add_column(sa.Column("labels", sa.JSON(), nullable=False, server_default="[]"))
        b.add_column(sa.Column("sold_count", sa.BigInteger(), nullable=False,
                               server_default="0"))
        b.add_column(sa.Column("updated_at", _TS, nullable=True))
        b.add_column(sa.Column("listed_at", _TS, nullable=True))
    bind.execute(sa.text("UPDATE products SET updated_at = created_at, listed_at = "
                         "CASE WHEN status = 'listed' THEN created_at END"))
    with op.batch_alter_table("products") as b:
        if pg:
            b.alter_column("updated_at", existing_type=_TS, nullable=False)
        b.create_index("ix_products_updated_at", ["updated_at"])

    op.create_table(
        "product_status_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_product_status_changes_product_id", "product_status_changes",
                    ["product_id"])

    with op.batch_alter_table("skus") as b:
        b.add_column(sa.Column("kind", sa.String(16), nullable=False,
                               server_default="standard"))
        b.add_column(sa.Column("attributes", sa.JSON(), nullable=False, server_default="{}"))
        for col in ("weight_grams", "length_cm", "width_cm", "height_cm"):
            b.add_column(sa.Column(col, sa.Integer(), nullable=True))
        b.add_column(sa.Column("ship_from_date", sa.Date(), nullable=True))
        if pg:
            b.create_check_constraint(
                "ck_skus_kind", "kind IN ('standard', 'bundle', 'presale', 'virtual')")
    op.create_table(
        "bundle_components",
        sa.Column("bundle_sku_id", sa.String(36), nullable=False),
        sa.Column("component_sku_id", sa.String(36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_bundle_components_qty_pos"),
        sa.ForeignKeyConstraint(["bundle_sku_id"], ["skus.id"]),
        sa.ForeignKeyConstraint(["component_sku_id"], ["skus.id"]),
        sa.PrimaryKeyConstraint("bundle_sku_id", "component_sku_id"),
    )
    op.create_index("ix_bundle_components_component_sku_id", "bundle_components",
                    ["component_sku_id"])

    _upgrade_inventory(bind)

    with op.batch_alter_table("orders") as b:
        b.add_column(sa.Column("shipping_region", sa.String(16), nullable=True))
    with op.batch_alter_table("order_items") as b:
        b.add_column(sa.Column("merchant_id", sa.String(36), nullable=False,
                               server_default="self-operated"))
        b.add_column(sa.Column("sku_kind", sa.String(16), nullable=False,
                               server_default="standard"))
        b.add_column(sa.Column("recipient", sa.String(100), nullable=True))
        b.add_column(sa.Column("fulfilment_status", sa.String(16), nullable=True))
        b.add_column(sa.Column("supplier_reference", sa.String(100), nullable=True))


def _fill_category_paths(bind) -> None:
    rows = bind.execute(sa.text("SELECT id, parent_id FROM categories")).all()
    parent = dict(rows)

    def chain(cid: str) -> list[str]:
        out, seen = [], set()
        while cid is not None and cid not in seen:
            seen.add(cid)
            out.append(cid)
            cid = parent.get(cid)
        return out[::-1]

    for cid in parent:
        ids = chain(cid)
        bind.execute(sa.text("UPDATE categories SET path = :p, depth = :d WHERE id = :id"),
                     {"p": "/" + "/".join(ids) + "/", "d": len(ids) - 1, "id": cid})


def _upgrade_inventory(bind) -> None:
    op.create_table(
        "warehouses",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    warehouses = sa.table("warehouses", *(sa.column(c) for c in (
        "id", "code", "name", "kind", "priority", "active", "created_at")),
        sa.column("regions", sa.JSON()))
    op.bulk_insert(warehouses, [{"id": "default", "code": "default", "name": "Main warehouse",
                                 "kind": "warehouse", "regions": ["*"], "priority": 100,
                                 "active": True, "created_at": _now()}])

    with op.batch_alter_table("stock_levels") as b:
        b.drop_constraint("ck_stock_available_nonneg", type_="check")
        b.alter_column("available", new_column_name="on_hand", existing_type=sa.Integer(),
                       existing_nullable=False)
        b.add_column(sa.Column("reserved", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("safety_stock", sa.Integer(), nullable=False,
                               server_default="0"))
        b.create_foreign_key("fk_stock_levels_warehouse_id", "warehouses", ["warehouse_id"],
                             ["id"])
        b.create_index("ix_stock_levels_updated_at", ["updated_at"])
        b.create_check_constraint("ck_stock_reserved_nonneg", "reserved >= 0")
        b.create_check_constraint("ck_stock_on_hand_covers_reserved", "on_hand >= reserved")
        b.create_check_constraint("ck_stock_safety_nonneg", "safety_stock >= 0")
    with op.batch_alter_table("stock_movements") as b:
        b.alter_column("delta", new_column_name="on_hand_delta", existing_type=sa.Integer(),
                       existing_nullable=False)
        b.add_column(sa.Column("reserved_delta", sa.Integer(), nullable=False,
                               server_default="0"))
        b.add_column(sa.Column("reservation_id", sa.String(36), nullable=True))
        b.add_column(sa.Column("actor_id", sa.String(36), nullable=True))
        b.add_column(sa.Column("note", sa.String(500), nullable=True))
        b.create_index("ix_stock_movements_created_at", ["created_at"])
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("line_sku_id", sa.String(36), nullable=False),
        sa.Column("sku_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reserved_until", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_reservations_qty_pos"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_reservations_order_id", "stock_reservations", ["order_id"])
    op.create_index("ix_stock_reservations_sku_id", "stock_reservations", ["sku_id"])
    op.create_index("ix_reservations_status_until", "stock_reservations",
                    ["status", "reserved_until"])
    op.create_table(
        "presale_allotments",
        sa.Column("sku_id", sa.String(36), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("ship_from_date", sa.Date(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("taken >= 0", name="ck_presale_taken_nonneg"),
        sa.CheckConstraint("taken <= quota", name="ck_presale_within_quota"),
        sa.ForeignKeyConstraint(["sku_id"], ["skus.id"]),
        sa.PrimaryKeyConstraint("sku_id"),
    )
    _hold_pending_orders(bind)
    _emit_ledger_history(bind)


# Old ledger reasons in today's words: an order used to take units off the one count.
_REASONS = {"initial": "initial", "adjustment": "adjustment", "order_reserved": "deducted",
            "order_released": "returned", "migration": "migration"}


def _emit_ledger_history(bind) -> None:
    """The old ledger never reached the warehouse: send every row (and the holds just
    made) as stock_moved events, at their own times, so daily positions start right."""
    rows = bind.execute(sa.text(
        "SELECT id, sku_id, warehouse_id, on_hand_delta, reserved_delta, reason, order_id, "
        "reservation_id, created_at FROM stock_movements ORDER BY id")).all()
    now = _now()
    for mid, sku, wh, on_hand, reserved, reason, order_id, rid, at in rows:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
        event_id = str(uuid.uuid4())
        record = {
            "event_id": event_id, "schema_version": 1,
            "occurred_at": at.isoformat().replace("+00:00", "Z"),
            "user_id": None, "anonymous_id": None, "session_id": None,
            "context": {k: None for k in ("utm_source", "utm_medium", "utm_campaign",
                                          "referrer", "device")},
            "event_type": "stock_moved",
            "payload": {"movement_id": mid, "sku_id": sku, "warehouse_id": wh,
                        "on_hand_delta": on_hand, "reserved_delta": reserved,
                        "reason": _REASONS.get(reason, "adjustment"), "order_id": order_id,
                        "reservation_id": rid}}
        bind.execute(sa.text(
            "INSERT INTO outbox (event_id, event_type, record, created_at) "
            "VALUES (:e, 'stock_moved', :r, :n)"),
            {"e": event_id, "r": json.dumps(record, separators=(",", ":")), "n": now})


def _hold_pending_orders(bind) -> None:
    """Unpaid orders took their units out of the old single count: turn each into a
    reservation, so paying deducts and cancelling releases as new orders do."""
    rows = bind.execute(sa.text(
        "SELECT o.id, o.expires_at, i.sku_id, i.quantity FROM orders o "
        "JOIN order_items i ON i.order_id = o.id WHERE o.status = 'pending_payment'")).all()
    now = _now()
    for order_id, expires_at, sku_id, qty in rows:
        rid = str(uuid.uuid4())
        bind.execute(sa.text(
            "UPDATE stock_levels SET on_hand = on_hand + :q, reserved = reserved + :q "
            "WHERE sku_id = :s AND warehouse_id = 'default'"), {"q": qty, "s": sku_id})
        bind.execute(sa.text(
            "INSERT INTO stock_reservations (id, order_id, line_sku_id, sku_id, warehouse_id, "
            "quantity, status, reserved_until, created_at, updated_at) VALUES (:id, :o, :s, :s, "
            "'default', :q, 'active', :u, :n, :n)"),
            {"id": rid, "o": order_id, "s": sku_id, "q": qty, "u": expires_at, "n": now})
        bind.execute(sa.text(
            "INSERT INTO stock_movements (sku_id, warehouse_id, on_hand_delta, reserved_delta, "
            "reason, order_id, reservation_id, created_at) VALUES (:s, 'default', :q, :q, "
            "'migration', :o, :id, :n)"), {"s": sku_id, "q": qty, "o": order_id, "id": rid,
                                           "n": now})


def downgrade() -> None:
    raise NotImplementedError("0005 reshapes stock into on-hand and reserved; restore a backup")
