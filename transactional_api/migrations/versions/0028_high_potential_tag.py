"""tags: the automatic tag `high_intent`, the purchase-intent model's high-potential users,
published with the recommendation bundle (issue 13); defined and active from the start,
like the warehouse's tags of 0018. (`high_potential` stays the RFM-based tag of 0018.)

Revision ID: 0028_high_potential_tag
Revises: 0027
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0028_high_potential_tag"
down_revision = "0027"
branch_labels = None
depends_on = None

NAME = "high_intent"
DESCRIPTION = ("a session in the last day of data scored at or above the purchase-intent "
               "model's threshold (precision at least 0.5 on training folds)")


def upgrade() -> None:
    now = datetime.now(UTC)
    definitions = sa.table(
        "tag_definitions", sa.column("name", sa.String), sa.column("kind", sa.String),
        sa.column("status", sa.String), sa.column("description", sa.String),
        sa.column("created_by", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("activated_at", sa.DateTime(timezone=True)),
        sa.column("retired_at", sa.DateTime(timezone=True)))
    exists = op.get_bind().execute(
        sa.text("SELECT 1 FROM tag_definitions WHERE name = :n"), {"n": NAME}).first()
    if exists is None:  # an operator may have made one by that name already: keep theirs
        op.bulk_insert(definitions, [
            {"name": NAME, "kind": "automatic", "status": "active", "description": DESCRIPTION,
             "created_by": None, "created_at": now, "activated_at": now, "retired_at": None}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM tag_definitions WHERE name = :n AND kind = 'automatic'"
                       ).bindparams(n=NAME))
