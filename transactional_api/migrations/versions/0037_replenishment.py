"""Replenishment: demand forecasts and reorder suggestions

The forecasts and suggestions live in the warehouse and Redis (the pipelines write them);
the OLTP keeps only which published suggestion became which draft purchase order.

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replenishment_orders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("suggestion_id", sa.String(120), nullable=False, unique=True),
        sa.Column("sku_id", sa.String(36), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("supplier_id", sa.String(36), nullable=False),
        sa.Column("purchase_order_id", sa.String(36)),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("suggested_quantity", sa.BigInteger(), nullable=False),
        sa.Column("accepted_by", sa.String(36), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_replenishment_orders_quantity"),
        sa.CheckConstraint("suggested_quantity > 0",
                           name="ck_replenishment_orders_suggested_quantity"),
    )


def downgrade() -> None:
    op.drop_table("replenishment_orders")
