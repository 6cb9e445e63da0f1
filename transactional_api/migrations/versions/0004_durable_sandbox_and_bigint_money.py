"""durable sandbox charges, payment capture time, 64-bit money

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Money columns that PostgreSQL created as 32-bit INTEGER (SQLite integers are 64-bit already).
_MONEY = {
    "orders": ("subtotal_cents", "discount_cents", "total_cents"),
    "order_items": ("unit_price_cents", "line_total_cents"),
    "payments": ("amount_cents",),
    "skus": ("price_cents",),
}


def upgrade() -> None:
    op.create_table(
        "sandbox_charges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id"),
    )
    with op.batch_alter_table("sandbox_charges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sandbox_charges_due_at"), ["due_at"])
        batch_op.create_index(batch_op.f("ix_sandbox_charges_delivered_at"), ["delivered_at"])
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_payments_status"), ["status"])
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _MONEY.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.BigInteger(),
                                existing_type=sa.Integer(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _MONEY.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.Integer(),
                                existing_type=sa.BigInteger(), existing_nullable=False)
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_status"))
        batch_op.drop_column("captured_at")
    op.drop_table("sandbox_charges")
