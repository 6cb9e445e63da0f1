"""orders: the price breakdown in the order's snapshot (issue 12)

Every discount an order got, per promotion or coupon and per line (or merchant's shipping
fee), so a later change of a promotion never changes what an order says it got; which
price source set each line's unit price; the payment channel an instant reduction needs.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.add_column(sa.Column("payment_channel", sa.String(32)))
        b.add_column(sa.Column("shipping_discount_cents", sa.BigInteger(), nullable=False,
                               server_default="0"))
    with op.batch_alter_table("order_items") as b:
        b.add_column(sa.Column("price_kind", sa.String(8), nullable=False,
                               server_default="list"))
    op.create_table(
        "order_adjustments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("promotion_id", sa.String(36), nullable=False),
        sa.Column("coupon_id", sa.String(36)),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("lane", sa.String(12), nullable=False),
        sa.Column("funded_by_merchant_id", sa.String(36)),
        sa.Column("target", sa.String(8), nullable=False),  # line | shipping | gift
        sa.Column("sku_id", sa.String(36)),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name="ck_order_adjustments_amount_nonneg"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_adjustments_order_id", "order_adjustments", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_order_adjustments_order_id", table_name="order_adjustments")
    op.drop_table("order_adjustments")
    with op.batch_alter_table("order_items") as b:
        b.drop_column("price_kind")
    with op.batch_alter_table("orders") as b:
        b.drop_column("shipping_discount_cents")
        b.drop_column("payment_channel")
