"""alerts: warehouse metric anomalies and real-time stream alerts

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("metric_date", sa.Date()),
        sa.Column("window_start", _TS, nullable=False),
        sa.Column("window_end", _TS, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float()),
        sa.Column("lower_bound", sa.Float()),
        sa.Column("upper_bound", sa.Float()),
        sa.Column("z_score", sa.Float()),
        sa.Column("failures", sa.Integer()),
        sa.Column("attempts", sa.Integer()),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("raised_at", _TS, nullable=False),
        sa.Column("acknowledged_at", _TS),
        sa.Column("acknowledged_by", sa.String(36)),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_alerts_raised_at", "alerts", ["raised_at"])
    op.create_index("ix_alerts_kind_raised_at", "alerts", ["kind", "raised_at"])


def downgrade() -> None:
    op.drop_index("ix_alerts_kind_raised_at", table_name="alerts")
    op.drop_index("ix_alerts_raised_at", table_name="alerts")
    op.drop_table("alerts")
