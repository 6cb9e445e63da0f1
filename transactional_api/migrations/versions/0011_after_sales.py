"""after-sales requests, decisions, return shipments, inspections

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "after_sales_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("sub_order_id", sa.String(36),
                  sa.ForeignKey("sub_orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("open_sub_order_id", sa.String(36)),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("resolution", sa.String(24)),
        sa.Column("reason_code", sa.String(24), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("exchange_sku_id", sa.String(36)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("requested_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("exchanged_cents", sa.BigInteger(), nullable=False),
        sa.Column("refund_id", sa.String(36)),
        sa.Column("replacement_sub_order_id", sa.String(36)),
        sa.Column("decision", sa.String(8)),
        sa.Column("decision_reason", sa.String(200)),
        sa.Column("decided_by", sa.String(36)),
        sa.Column("carrier", sa.String(50)),
        sa.Column("tracking_number", sa.String(100)),
        sa.Column("inspection_note", sa.String(500)),
        sa.Column("inspected_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        *(sa.Column(c, _TS) for c in ("decided_at", "return_shipped_at", "received_at",
                                      "refunded_at", "closed_at")),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_sub_order_id"),
        sa.CheckConstraint("refunded_cents >= 0 AND exchanged_cents >= 0",
                           name="ck_after_sales_money_nonneg"),
    )
    for col in ("order_id", "sub_order_id", "user_id", "merchant_id", "status", "created_at"):
        op.create_index(f"ix_after_sales_requests_{col}", "after_sales_requests", [col])
    op.create_table(
        "after_sales_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(36),
                  sa.ForeignKey("after_sales_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_item_id", sa.Integer(),
                  sa.ForeignKey("order_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sku_id", sa.String(36), nullable=False),
        sa.Column("warehouse_id", sa.String(36)),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("accepted_quantity", sa.Integer()),
        sa.Column("settled_quantity", sa.Integer(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("quantity > 0", name="ck_after_sales_lines_qty_pos"),
        sa.CheckConstraint("accepted_quantity IS NULL OR "
                           "(accepted_quantity >= 0 AND accepted_quantity <= quantity)",
                           name="ck_after_sales_lines_accepted_range"),
        sa.CheckConstraint("settled_quantity >= 0 AND settled_quantity <= quantity",
                           name="ck_after_sales_lines_settled_range"),
    )
    op.create_index("ix_after_sales_lines_request_id", "after_sales_lines", ["request_id"])
    op.create_index("ix_after_sales_lines_order_item_id", "after_sales_lines",
                    ["order_item_id"])


def downgrade() -> None:
    op.drop_index("ix_after_sales_lines_order_item_id", table_name="after_sales_lines")
    op.drop_index("ix_after_sales_lines_request_id", table_name="after_sales_lines")
    op.drop_table("after_sales_lines")
    for col in ("order_id", "sub_order_id", "user_id", "merchant_id", "status", "created_at"):
        op.drop_index(f"ix_after_sales_requests_{col}", table_name="after_sales_requests")
    op.drop_table("after_sales_requests")
