"""Translated texts for the catalog, landing pages and message templates

Revision ID: 0040
Revises: 0039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "translation_texts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entity_type", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("entity_type", "entity_id", "field", "lang",
                            name="uq_translation_texts_key"),
        sa.CheckConstraint("entity_type IN ('product', 'category', 'brand', 'landing_page', "
                           "'message_template')", name="ck_translation_texts_entity_type"),
        sa.CheckConstraint("length(text) > 0", name="ck_translation_texts_text"),
    )
    op.create_index("ix_translation_texts_lang", "translation_texts", ["lang", "entity_type"])
    op.create_table(
        "translation_user_languages",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("lang", sa.String(20), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("translation_user_languages")
    op.drop_index("ix_translation_texts_lang", table_name="translation_texts")
    op.drop_table("translation_texts")
