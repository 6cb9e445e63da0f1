"""OpenID Connect: accounts linked to a provider's subject; longer second-factor channels

identity_codes.channel holds the first step of a pending second factor, and an OIDC first
step is named "oidc:<provider>" (up to 29 characters), so the column widens from 8 to 32.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_oidc_links",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(24), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("linked_at", _TS, nullable=False),
        sa.Column("last_signed_in_at", _TS),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "subject", name="uq_user_oidc_links_subject"),
        sa.UniqueConstraint("user_id", "provider", name="uq_user_oidc_links_user_provider"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_user_oidc_links_user_id", "user_oidc_links", ["user_id"])
    with op.batch_alter_table("identity_codes") as batch:
        batch.alter_column("channel", existing_type=sa.String(8), type_=sa.String(32),
                           existing_nullable=False)


def downgrade() -> None:
    # A pending OIDC second factor would not fit the narrow column: let it expire early.
    op.execute("DELETE FROM identity_codes WHERE length(channel) > 8")
    with op.batch_alter_table("identity_codes") as batch:
        batch.alter_column("channel", existing_type=sa.String(32), type_=sa.String(8),
                           existing_nullable=False)
    op.drop_index("ix_user_oidc_links_user_id", table_name="user_oidc_links")
    op.drop_table("user_oidc_links")
