"""Reviews: an index for the merchant's page of their published reviews

GET /v1/merchant/reviews lists a merchant's published reviews newest first; the existing
indexes lead with product_id or status, so without this one the page scans every review.

Revision ID: 0023
Revises: 0020
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reviews_merchant_status_created", "reviews",
                    ["merchant_id", "status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_reviews_merchant_status_created", table_name="reviews")
