"""Duties and taxes by destination country and international addresses: the duty table,
an order's (and its lines') duties and import tax, and addresses without a region or a
postal code where their country uses none

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _zero(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "duty_rates",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("category_key", sa.String(36), nullable=False),
        sa.Column("duty_bps", sa.Integer(), nullable=False),
        sa.Column("import_tax_bps", sa.Integer(), nullable=False),
        sa.Column("de_minimis_cents", sa.BigInteger(), nullable=False),
        sa.Column("de_minimis_currency", sa.String(3), nullable=False),
        sa.Column("effective_from", _TS, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("country", "category_key", "effective_from",
                            name="uq_duty_rates_scope_from"),
        sa.CheckConstraint("duty_bps >= 0 AND duty_bps <= 100000",
                           name="ck_duty_rates_duty_bps"),
        sa.CheckConstraint("import_tax_bps >= 0 AND import_tax_bps <= 10000",
                           name="ck_duty_rates_tax_bps"),
        sa.CheckConstraint("de_minimis_cents >= 0", name="ck_duty_rates_de_minimis"),
    )
    with op.batch_alter_table("orders") as b:
        b.add_column(_zero("duties_cents"))
        b.add_column(_zero("import_tax_cents"))
    with op.batch_alter_table("order_items") as b:
        b.add_column(_zero("duties_cents"))
        b.add_column(_zero("import_tax_cents"))
    with op.batch_alter_table("addresses") as b:
        b.alter_column("region", existing_type=sa.String(16), nullable=True)
        b.alter_column("postal_code", existing_type=sa.String(16), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("addresses") as b:
        b.alter_column("postal_code", existing_type=sa.String(16), nullable=False)
        b.alter_column("region", existing_type=sa.String(16), nullable=False)
    with op.batch_alter_table("order_items") as b:
        b.drop_column("import_tax_cents")
        b.drop_column("duties_cents")
    with op.batch_alter_table("orders") as b:
        b.drop_column("import_tax_cents")
        b.drop_column("duties_cents")
    op.drop_table("duty_rates")
