"""products (updated_at, id): the search sync's keyset walk as one index range

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 11:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A bulk import gives thousands of products one updated_at; with the timestamp alone
    # indexed, every sync tick re-read all of them to find the ones past the keyset.
    op.create_index("ix_products_updated_at_id", "products", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_products_updated_at_id", table_name="products")
