"""shipments, carriers, tracking events, invoices

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("shipping_region", sa.String(16)),
        sa.Column("ship_to", sa.JSON()),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reached", sa.String(24), nullable=False),
        sa.Column("status_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("carrier", "tracking_number", name="uq_shipments_carrier_tracking"),
    )
    op.create_index("ix_shipments_user_id", "shipments", ["user_id"])
    op.create_index("ix_shipments_merchant_id", "shipments", ["merchant_id"])
    op.create_index("ix_shipments_status", "shipments", ["status"])
    op.create_table(
        "shipment_sub_orders",
        sa.Column("sub_order_id", sa.String(36),
                  sa.ForeignKey("sub_orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("shipment_id", sa.String(36),
                  sa.ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("sub_order_id"),
    )
    op.create_index("ix_shipment_sub_orders_shipment_id", "shipment_sub_orders",
                    ["shipment_id"])
    op.create_index("ix_shipment_sub_orders_order_id", "shipment_sub_orders", ["order_id"])
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(36),
                  sa.ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("carrier_event_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("description", sa.String(500)),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("carrier", "carrier_event_id",
                            name="uq_tracking_events_carrier_event"),
    )
    op.create_index("ix_tracking_events_shipment_time", "tracking_events",
                    ["shipment_id", "occurred_at"])
    op.create_table(
        "carrier_scheduled_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("shipment_id", sa.String(36), nullable=False),
        sa.Column("carrier_event_id", sa.String(128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS),
        sa.Column("claimed_until", _TS),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("carrier_event_id"),
    )
    op.create_index("ix_carrier_scheduled_events_shipment_id", "carrier_scheduled_events",
                    ["shipment_id"])
    op.create_index("ix_carrier_scheduled_events_due_at", "carrier_scheduled_events",
                    ["due_at"])
    op.create_index("ix_carrier_scheduled_events_delivered_at", "carrier_scheduled_events",
                    ["delivered_at"])
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("sub_order_ids", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("seller", sa.JSON(), nullable=False),
        sa.Column("buyer", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        *(sa.Column(c, sa.BigInteger(), nullable=False)
          for c in ("subtotal_cents", "discount_cents", "shipping_cents", "tax_cents",
                    "total_cents")),
        sa.Column("issued_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("year", "seq", name="uq_invoices_year_seq"),
        sa.UniqueConstraint("order_id", "merchant_id", name="uq_invoices_order_merchant"),
    )
    op.create_index("ix_invoices_order_id", "invoices", ["order_id"])
    op.create_index("ix_invoices_user_id", "invoices", ["user_id"])
    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("invoice_counters")
    op.drop_table("invoices")
    op.drop_table("carrier_scheduled_events")
    op.drop_table("tracking_events")
    op.drop_table("shipment_sub_orders")
    op.drop_table("shipments")
