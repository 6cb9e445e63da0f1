"""identity: sign-in codes, verified phones, TOTP two-factor, recovery codes, sandbox messages

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _user_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "user_phones",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("verified_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("phone"),
        _user_fk(),
    )
    op.create_table(
        "identity_codes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("target_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36)),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("consumed_at", _TS),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_identity_codes_target", "identity_codes", ["purpose", "target_hash"])
    op.create_index("ix_identity_codes_user_id", "identity_codes", ["user_id"])
    op.create_table(
        "user_totp",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("enabled_at", _TS),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
        _user_fk(),
    )
    op.create_table(
        "user_recovery_codes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("used_at", _TS),
        sa.PrimaryKeyConstraint("id"),
        _user_fk(),
    )
    op.create_index("ix_user_recovery_codes_user_id", "user_recovery_codes", ["user_id"])
    op.create_table(
        "sandbox_messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("destination", sa.String(254), nullable=False),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("body", sa.String(500), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sandbox_messages_destination", "sandbox_messages", ["destination"])


def downgrade() -> None:
    op.drop_index("ix_sandbox_messages_destination", table_name="sandbox_messages")
    op.drop_table("sandbox_messages")
    op.drop_index("ix_user_recovery_codes_user_id", table_name="user_recovery_codes")
    op.drop_table("user_recovery_codes")
    op.drop_table("user_totp")
    op.drop_index("ix_identity_codes_user_id", table_name="identity_codes")
    op.drop_index("ix_identity_codes_target", table_name="identity_codes")
    op.drop_table("identity_codes")
    op.drop_table("user_phones")
