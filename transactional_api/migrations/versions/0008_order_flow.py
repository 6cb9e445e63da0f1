"""parent orders and sub-orders, address book, shipping and tax rates, full line snapshots

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
# Customer-facing status of an order placed before sub-orders -> its sub-orders' status.
_SUB_STATUS = {"pending_payment": "awaiting_payment", "paid": "allocated", "shipped": "shipped",
               "completed": "completed", "cancelled": "cancelled"}


def upgrade() -> None:
    op.create_table(
        "addresses",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("line1", sa.String(200), nullable=False),
        sa.Column("line2", sa.String(200)),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("postal_code", sa.String(16), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_addresses_user_id", "addresses", ["user_id"])
    op.create_table(
        "shipping_rates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("base_cents", sa.BigInteger(), nullable=False),
        sa.Column("base_grams", sa.Integer(), nullable=False),
        sa.Column("step_cents", sa.BigInteger(), nullable=False),
        sa.Column("step_grams", sa.Integer(), nullable=False),
        sa.Column("free_over_cents", sa.BigInteger()),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region", "currency", name="uq_shipping_rates_region_currency"),
        sa.CheckConstraint("base_cents >= 0 AND step_cents >= 0 AND base_grams >= 0 "
                           "AND step_grams > 0", name="ck_shipping_rates_nonneg"),
    )
    op.create_table(
        "tax_rates",
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("region"),
        sa.CheckConstraint("rate_bp >= 0 AND rate_bp <= 10000", name="ck_tax_rates_range"),
    )
    op.create_table(
        "sub_orders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("hold_reason", sa.String(200)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("subtotal_cents", sa.BigInteger(), nullable=False),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("shipping_cents", sa.BigInteger(), nullable=False),
        sa.Column("tax_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("after_sales_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        *(sa.Column(c, _TS) for c in ("paid_at", "shipped_at", "delivered_at", "completed_at",
                                      "cancelled_at")),
        sa.Column("cancel_reason", sa.String(200)),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "seq", name="uq_sub_orders_order_seq"),
        sa.CheckConstraint("total_cents >= 0 AND shipping_cents >= 0 AND tax_cents >= 0",
                           name="ck_sub_orders_money_nonneg"),
    )
    op.create_index("ix_sub_orders_order_id", "sub_orders", ["order_id"])
    op.create_index("ix_sub_orders_merchant_id", "sub_orders", ["merchant_id"])
    op.create_index("ix_sub_orders_status", "sub_orders", ["status"])
    with op.batch_alter_table("orders") as b:
        b.add_column(sa.Column("address_id", sa.String(36)))
        b.add_column(sa.Column("ship_to", sa.JSON()))
        b.add_column(sa.Column("shipping_cents", sa.BigInteger(), nullable=False,
                               server_default="0"))
        b.add_column(sa.Column("tax_cents", sa.BigInteger(), nullable=False, server_default="0"))
        b.add_column(sa.Column("delivered_at", _TS))
    with op.batch_alter_table("order_items") as b:
        b.add_column(sa.Column("sub_order_id", sa.String(36)))
        b.add_column(sa.Column("warehouse_id", sa.String(36)))
        for col in ("list_price_cents", "discount_cents", "tax_cents"):
            b.add_column(sa.Column(col, sa.BigInteger(), nullable=False, server_default="0"))
        b.add_column(sa.Column("weight_grams", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_order_items_sub_order_id", "order_items", ["sub_order_id"])
    _backfill()


def _backfill() -> None:
    """Orders placed before this revision get one sub-order per merchant."""
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE order_items SET list_price_cents = unit_price_cents"))
    groups = bind.execute(sa.text(
        "SELECT o.id, o.status, o.currency, o.created_at, o.paid_at, o.shipped_at, "
        "o.completed_at, o.cancelled_at, o.cancel_reason, i.merchant_id, "
        "SUM(i.line_total_cents) FROM orders o JOIN order_items i ON i.order_id = o.id "
        "GROUP BY o.id, o.status, o.currency, o.created_at, o.paid_at, o.shipped_at, "
        "o.completed_at, o.cancelled_at, o.cancel_reason, i.merchant_id "
        "ORDER BY o.id, i.merchant_id")).all()
    seq: dict[str, int] = {}
    for (oid, status, cur, created, paid, shipped, completed, cancelled, reason, merchant,
         total) in groups:
        seq[oid] = seq.get(oid, 0) + 1
        sid = str(uuid.uuid4())
        bind.execute(sa.text(
            "INSERT INTO sub_orders (id, order_id, seq, merchant_id, kind, status, paused, "
            "currency, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, "
            "after_sales_open, created_at, updated_at, paid_at, shipped_at, completed_at, "
            "cancelled_at, cancel_reason) VALUES (:id, :oid, :seq, :m, 'physical', :st, "
            ":f, :cur, :t, 0, 0, 0, :t, :f, :c, :c, :p, :s, :d, :x, :r)"),
            {"id": sid, "oid": oid, "seq": seq[oid], "m": merchant,
             "st": _SUB_STATUS.get(status, "allocated"), "f": False, "cur": cur, "t": total,
             "c": created, "p": paid, "s": shipped, "d": completed, "x": cancelled,
             "r": reason})
        bind.execute(sa.text("UPDATE order_items SET sub_order_id = :sid "
                             "WHERE order_id = :oid AND merchant_id = :m"),
                     {"sid": sid, "oid": oid, "m": merchant})


def downgrade() -> None:
    op.drop_index("ix_order_items_sub_order_id", table_name="order_items")
    with op.batch_alter_table("order_items") as b:
        for col in ("sub_order_id", "warehouse_id", "list_price_cents", "discount_cents",
                    "tax_cents", "weight_grams"):
            b.drop_column(col)
    with op.batch_alter_table("orders") as b:
        for col in ("address_id", "ship_to", "shipping_cents", "tax_cents", "delivered_at"):
            b.drop_column(col)
    op.drop_table("sub_orders")
    op.drop_table("tax_rates")
    op.drop_table("shipping_rates")
    op.drop_index("ix_addresses_user_id", table_name="addresses")
    op.drop_table("addresses")
