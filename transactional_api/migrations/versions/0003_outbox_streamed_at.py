"""outbox streamed_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("streamed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_streamed_at"), ["streamed_at"], unique=False)
    # Published rows were streamed with their batch, or missed the stream long ago in an
    # outage; replaying them now would flood consumers with stale events.
    op.execute("UPDATE outbox SET streamed_at = published_at WHERE published_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_streamed_at"))
        batch_op.drop_column("streamed_at")
