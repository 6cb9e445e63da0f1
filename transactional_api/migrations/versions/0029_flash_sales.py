"""flash sales: scheduled sales with a stock hold, and the reservations their workers turn
into orders (issue 14)

Revision ID: 0029
Revises: 0028_high_potential_tag
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028_high_potential_tag"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "flash_sales",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("list_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("flash_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("per_user_limit", sa.Integer(), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("audience_id", sa.String(36)),
        sa.Column("payment_window_seconds", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.String(36)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("held_units", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("armed_at", _TS),
        sa.Column("ended_at", _TS),
        sa.Column("reconciliation", sa.JSON()),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("status IN ('scheduled', 'armed', 'ended', 'cancelled')",
                           name="ck_flash_sales_status"),
        sa.CheckConstraint("quantity > 0", name="ck_flash_sales_quantity"),
        sa.CheckConstraint("per_user_limit >= 1", name="ck_flash_sales_limit"),
        sa.CheckConstraint("flash_price_cents > 0 AND flash_price_cents <= list_price_cents",
                           name="ck_flash_sales_price"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_flash_sales_window"),
        sa.CheckConstraint("held_units >= 0 AND held_units <= quantity",
                           name="ck_flash_sales_held"),
    )
    op.create_index("ix_flash_sales_status_starts", "flash_sales", ["status", "starts_at"])
    op.create_table(
        "flash_reservations",
        sa.Column("token", sa.String(36), primary_key=True),
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("flash_sales.id"), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved_at", _TS, nullable=False),
        sa.Column("order_id", sa.String(36), unique=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("pool_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("note", sa.String(200)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("state IN ('ordered', 'returned', 'lapsed', 'failed')",
                           name="ck_flash_reservations_state"),
        sa.CheckConstraint("quantity >= 1", name="ck_flash_reservations_quantity"),
    )
    op.create_index("ix_flash_reservations_sale_state", "flash_reservations",
                    ["sale_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_flash_reservations_sale_state", "flash_reservations")
    op.drop_table("flash_reservations")
    op.drop_index("ix_flash_sales_status_starts", "flash_sales")
    op.drop_table("flash_sales")
