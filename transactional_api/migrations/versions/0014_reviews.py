"""reviews: product reviews, the per-product rating aggregate, search's rating sort key

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("sku_id", sa.String(36), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo_urls", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reject_reason", sa.String(500)),
        sa.Column("moderated_by", sa.String(36)),
        sa.Column("moderated_at", _TS),
        sa.Column("reply_text", sa.Text()),
        sa.Column("replied_by", sa.String(36)),
        sa.Column("replied_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating"),
        sa.CheckConstraint("status IN ('pending', 'published', 'rejected')",
                           name="ck_reviews_status"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_line_id"),
    )
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    op.create_index("ix_reviews_product_status_created", "reviews",
                    ["product_id", "status", "created_at"])
    op.create_index("ix_reviews_status_created", "reviews", ["status", "created_at"])

    counts = [sa.Column(f"count_{s}", sa.BigInteger(), nullable=False) for s in range(1, 6)]
    op.create_table(
        "product_ratings",
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("rating_count", sa.BigInteger(), nullable=False),
        sa.Column("rating_sum", sa.BigInteger(), nullable=False),
        *counts,
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("count_1 >= 0 AND count_2 >= 0 AND count_3 >= 0 AND count_4 >= 0 "
                           "AND count_5 >= 0", name="ck_product_ratings_counts_nonneg"),
        sa.CheckConstraint("rating_count = count_1 + count_2 + count_3 + count_4 + count_5",
                           name="ck_product_ratings_count"),
        sa.CheckConstraint("rating_sum = count_1 + 2 * count_2 + 3 * count_3 + 4 * count_4 "
                           "+ 5 * count_5", name="ck_product_ratings_sum"),
        sa.PrimaryKeyConstraint("product_id"),
    )

    # Search's rating sort key. Plain ADD COLUMN, not a batch rebuild: on SQLite a rebuild
    # would drop the FTS5 triggers on search_documents (migration 0006).
    op.add_column("search_documents", sa.Column("rating_count", sa.BigInteger(),
                                                nullable=False, server_default="0"))
    op.add_column("search_documents", sa.Column("rating_avg_centi", sa.Integer(),
                                                nullable=False, server_default="0"))
    op.create_index("ix_search_documents_rating", "search_documents",
                    ["rating_avg_centi", "rating_count", "id"])


def downgrade() -> None:
    op.drop_index("ix_search_documents_rating", table_name="search_documents")
    op.drop_column("search_documents", "rating_avg_centi")
    op.drop_column("search_documents", "rating_count")
    op.drop_table("product_ratings")
    op.drop_index("ix_reviews_status_created", table_name="reviews")
    op.drop_index("ix_reviews_product_status_created", table_name="reviews")
    op.drop_index("ix_reviews_user_id", table_name="reviews")
    op.drop_table("reviews")
