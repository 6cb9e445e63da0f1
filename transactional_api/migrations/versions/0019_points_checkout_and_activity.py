"""members: paying with points at checkout (order, sub-order and line columns), the
activity rules' table (sign-in days, shares, birthdays), a member's birthday

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _zero(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")


def upgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.add_column(_zero("points_spent"))
        b.add_column(_zero("points_discount_cents"))
    with op.batch_alter_table("sub_orders") as b:
        b.add_column(_zero("points_discount_cents"))
    with op.batch_alter_table("order_items") as b:
        b.add_column(_zero("points_spent"))
        b.add_column(_zero("points_discount_cents"))
    with op.batch_alter_table("member_accounts") as b:
        b.add_column(sa.Column("birth_date", sa.Date()))
        b.add_column(sa.Column("birth_date_set_at", _TS))
    op.create_table(
        "member_activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(36)),
        sa.Column("channel", sa.String(24)),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("growth", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["member_accounts.user_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "key", name="uq_member_activity"),
    )
    op.create_index("ix_member_activity_user_day", "member_activities",
                    ["user_id", "kind", "activity_date"])


def downgrade() -> None:
    op.drop_index("ix_member_activity_user_day", table_name="member_activities")
    op.drop_table("member_activities")
    with op.batch_alter_table("member_accounts") as b:
        b.drop_column("birth_date_set_at")
        b.drop_column("birth_date")
    with op.batch_alter_table("order_items") as b:
        b.drop_column("points_discount_cents")
        b.drop_column("points_spent")
    with op.batch_alter_table("sub_orders") as b:
        b.drop_column("points_discount_cents")
    with op.batch_alter_table("orders") as b:
        b.drop_column("points_discount_cents")
        b.drop_column("points_spent")
