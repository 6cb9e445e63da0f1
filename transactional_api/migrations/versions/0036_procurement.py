"""Suppliers and procurement: contracts, purchase orders, receipts, consignment pushes, payables

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "procurement_suppliers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("status IN ('active', 'suspended')", name="ck_proc_suppliers_status"),
    )
    op.create_table(
        "procurement_contracts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("supplier_id", sa.String(36), sa.ForeignKey("procurement_suppliers.id"),
                  nullable=False),
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), nullable=False),
        sa.Column("purchase_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("supply_mode", sa.String(12), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("supplier_id", "sku_id", name="uq_proc_contracts_supplier_sku"),
        sa.CheckConstraint("purchase_price_cents >= 0", name="ck_proc_contracts_price"),
        sa.CheckConstraint("lead_time_days >= 0", name="ck_proc_contracts_lead"),
        sa.CheckConstraint("moq >= 1", name="ck_proc_contracts_moq"),
        sa.CheckConstraint("payment_terms_days >= 0", name="ck_proc_contracts_terms"),
        sa.CheckConstraint("supply_mode IN ('stocked', 'consignment')",
                           name="ck_proc_contracts_mode"),
    )
    op.create_index("ix_procurement_contracts_sku_id", "procurement_contracts", ["sku_id"])
    op.create_table(
        "procurement_purchase_orders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("supplier_id", sa.String(36), sa.ForeignKey("procurement_suppliers.id"),
                  nullable=False),
        sa.Column("location_id", sa.String(36), sa.ForeignKey("warehouses.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("approved_at", _TS),
        sa.Column("sent_at", _TS),
        sa.Column("expected_at", _TS),
        sa.Column("received_at", _TS),
        sa.Column("closed_at", _TS),
        sa.Column("cancelled_at", _TS),
        sa.CheckConstraint("status IN ('draft', 'approved', 'sent', 'partially_received', "
                           "'received', 'closed', 'cancelled')", name="ck_proc_pos_status"),
        sa.CheckConstraint("payment_terms_days >= 0", name="ck_proc_pos_terms"),
    )
    op.create_index("ix_proc_pos_supplier_status", "procurement_purchase_orders",
                    ["supplier_id", "status"])
    op.create_table(
        "procurement_po_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("po_id", sa.String(36), sa.ForeignKey("procurement_purchase_orders.id"),
                  nullable=False),
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), nullable=False),
        sa.Column("qty_ordered", sa.Integer(), nullable=False),
        sa.Column("qty_received", sa.Integer(), nullable=False),
        sa.Column("qty_rejected", sa.Integer(), nullable=False),
        sa.Column("unit_cost_cents", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("po_id", "sku_id", name="uq_proc_po_lines_sku"),
        sa.CheckConstraint("qty_ordered > 0", name="ck_proc_po_lines_ordered"),
        sa.CheckConstraint("qty_received >= 0 AND qty_received <= qty_ordered",
                           name="ck_proc_po_lines_received"),
        sa.CheckConstraint("qty_rejected >= 0", name="ck_proc_po_lines_rejected"),
        sa.CheckConstraint("unit_cost_cents >= 0", name="ck_proc_po_lines_cost"),
    )
    op.create_index("ix_procurement_po_lines_po_id", "procurement_po_lines", ["po_id"])
    op.create_table(
        "procurement_receipts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("po_id", sa.String(36), sa.ForeignKey("procurement_purchase_orders.id"),
                  nullable=False),
        sa.Column("accepted_units", sa.Integer(), nullable=False),
        sa.Column("rejected_units", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("received_by", sa.String(36)),
        sa.Column("received_at", _TS, nullable=False),
        sa.CheckConstraint("accepted_units >= 0 AND rejected_units >= 0 AND "
                           "accepted_units + rejected_units > 0",
                           name="ck_proc_receipts_units"),
        sa.CheckConstraint("amount_cents >= 0", name="ck_proc_receipts_amount"),
    )
    op.create_index("ix_procurement_receipts_po_id", "procurement_receipts", ["po_id"])
    op.create_table(
        "procurement_payables",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("receipt_id", sa.String(36), sa.ForeignKey("procurement_receipts.id"),
                  nullable=False, unique=True),
        sa.Column("po_id", sa.String(36), nullable=False),
        sa.Column("supplier_id", sa.String(36), sa.ForeignKey("procurement_suppliers.id"),
                  nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("paid_at", _TS),
        sa.Column("paid_by", sa.String(36)),
        sa.CheckConstraint("status IN ('open', 'paid')", name="ck_proc_payables_status"),
        sa.CheckConstraint("amount_cents > 0", name="ck_proc_payables_amount"),
    )
    op.create_index("ix_proc_payables_status_due", "procurement_payables", ["status", "due_at"])
    op.create_index("ix_procurement_payables_supplier_id", "procurement_payables",
                    ["supplier_id"])
    op.create_table(
        "procurement_pushes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sub_order_id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("supplier_id", sa.String(36), sa.ForeignKey("procurement_suppliers.id"),
                  nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", _TS, nullable=False),
        sa.Column("last_error", sa.String(500)),
        sa.Column("supplier_ref", sa.String(100)),
        sa.Column("pushed_at", _TS),
        sa.Column("shipment_id", sa.String(36)),
        sa.Column("tracking_number", sa.String(100)),
        sa.Column("shipped_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("sub_order_id", "supplier_id", name="uq_proc_pushes_sub_order"),
        sa.CheckConstraint("status IN ('pending', 'pushed', 'shipped')",
                           name="ck_proc_pushes_status"),
        sa.CheckConstraint("attempts >= 0", name="ck_proc_pushes_attempts"),
    )
    op.create_index("ix_proc_pushes_status_next", "procurement_pushes", ["status", "next_at"])
    op.create_index("ix_procurement_pushes_order_id", "procurement_pushes", ["order_id"])
    op.create_table(
        "procurement_cursors",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("procurement_cursors", "procurement_pushes", "procurement_payables",
                  "procurement_receipts", "procurement_po_lines",
                  "procurement_purchase_orders", "procurement_contracts",
                  "procurement_suppliers"):
        op.drop_table(table)
