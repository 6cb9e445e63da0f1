"""members: accounts, growth and points ledgers, the members consumer's cursors

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "member_accounts",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("level_since", _TS, nullable=False),
        sa.Column("points_balance", sa.BigInteger(), nullable=False),
        sa.Column("points_debt", sa.BigInteger(), nullable=False),
        sa.Column("points_entries", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
        sa.CheckConstraint("points_balance >= 0", name="ck_member_points_balance_nonneg"),
        sa.CheckConstraint("points_debt >= 0", name="ck_member_points_debt_nonneg"),
    )
    op.create_table(
        "member_growth_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(160), nullable=False),
        sa.Column("order_id", sa.String(36)),
        sa.Column("review_id", sa.String(64)),
        sa.Column("amount_cents", sa.BigInteger()),
        sa.Column("growth", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["member_accounts.user_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    op.create_index("ix_member_growth_user_at", "member_growth_entries",
                    ["user_id", "occurred_at"])
    op.create_index("ix_member_growth_order", "member_growth_entries", ["order_id"])
    op.create_table(
        "member_points_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(160), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("order_id", sa.String(36)),
        sa.Column("review_id", sa.String(64)),
        sa.Column("amount_cents", sa.BigInteger()),
        sa.Column("request_fingerprint", sa.String(64)),
        sa.Column("expires_at", _TS),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["member_accounts.user_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
        sa.CheckConstraint("balance_after >= 0 AND remaining >= 0",
                           name="ck_member_points_nonneg"),
        sa.UniqueConstraint("user_id", "seq", name="uq_member_points_user_seq"),
    )
    op.create_index("ix_member_points_user_id", "member_points_entries", ["user_id", "id"])
    op.create_index("ix_member_points_lots", "member_points_entries", ["remaining", "expires_at"])
    op.create_index("ix_member_points_order", "member_points_entries", ["order_id"])
    op.create_table(
        "member_cursors",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("member_cursors")
    for ix in ("ix_member_points_order", "ix_member_points_lots", "ix_member_points_user_id"):
        op.drop_index(ix, table_name="member_points_entries")
    op.drop_table("member_points_entries")
    op.drop_index("ix_member_growth_order", table_name="member_growth_entries")
    op.drop_index("ix_member_growth_user_at", table_name="member_growth_entries")
    op.drop_table("member_growth_entries")
    op.drop_table("member_accounts")
