"""Markets, currencies, exchange rates and prices per currency

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "market_markets",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "fx_rates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("base", sa.String(3), nullable=False),
        sa.Column("quote", sa.String(3), nullable=False),
        sa.Column("rate_e9", sa.BigInteger(), nullable=False),
        sa.Column("effective_from", _TS, nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("base", "quote", "effective_from", name="uq_fx_rates_pair_from"),
        sa.CheckConstraint("rate_e9 > 0", name="ck_fx_rates_rate_pos"),
        sa.CheckConstraint("base <> quote", name="ck_fx_rates_pair"),
    )
    op.create_table(
        "fx_rounding_rules",
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("increment_minor", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("increment_minor >= 1", name="ck_fx_rounding_rules_increment"),
        sa.CheckConstraint("mode IN ('half_up', 'up', 'down')",
                           name="ck_fx_rounding_rules_mode"),
    )
    op.create_table(
        "market_sku_prices",
        sa.Column("sku_id", sa.String(36), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name="ck_market_sku_prices_amount"),
    )
    # the market an order was placed in and its rate to the base currency (null: older rows)
    op.add_column("orders", sa.Column("market_code", sa.String(16)))
    op.add_column("orders", sa.Column("fx_rate_e9", sa.BigInteger()))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("fx_rate_e9")
        batch.drop_column("market_code")
    op.drop_table("market_sku_prices")
    op.drop_table("fx_rounding_rules")
    op.drop_table("fx_rates")
    op.drop_table("market_markets")
