"""search documents, their category and label side tables, the sync watermark; the
full-text index: FTS5 on SQLite, a generated tsvector with a GIN index on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_TEXT = ("text_a", "text_b", "text_c")


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *(sa.Column(c, sa.Text(), nullable=False) for c in _TEXT),
        sa.Column("category_id", sa.String(36), nullable=False),
        sa.Column("category_path", sa.String(1000), nullable=False),
        sa.Column("brand_id", sa.String(36), nullable=True),
        sa.Column("brand_name", sa.String(200), nullable=True),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("merchant_name", sa.String(200), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("image", sa.String(2000), nullable=True),
        sa.Column("min_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("max_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("sold_count", sa.BigInteger(), nullable=False),
        sa.Column("listed_at", _TS, nullable=False),
        sa.Column("source_updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id"),
    )
    # Each sort key with the id tie-break: a sorted page is an index range scan.
    for name, cols in (("ix_search_documents_sold", ["sold_count", "id"]),
                       ("ix_search_documents_price", ["min_price_cents", "id", "in_stock"]),
                       ("ix_search_documents_listed_at", ["listed_at", "id"]),
                       ("ix_search_documents_brand_id", ["brand_id"]),
                       ("ix_search_documents_merchant_id", ["merchant_id"])):
        op.create_index(name, "search_documents", cols)
    op.create_table(
        "search_document_categories",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "depth"),
    )
    op.create_index("ix_search_document_categories_category", "search_document_categories",
                    ["category_id", "depth", "doc_id"])
    op.create_table(
        "search_document_labels",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "label"),
    )
    op.create_index("ix_search_document_labels_label", "search_document_labels",
                    ["label", "doc_id"])
    op.create_table(
        "search_sync_state",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("product_at", _TS, nullable=True),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("stock_at", _TS, nullable=True),
        sa.Column("reconciled_at", _TS, nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # product_at NULL: the first sync round indexes the whole catalog already there.
    op.bulk_insert(sa.table("search_sync_state", sa.column("id"), sa.column("product_id")),
                   [{"id": "catalog", "product_id": ""}])

    if op.get_bind().dialect.name == "postgresql":
        _postgres_index()
    else:
        _sqlite_index()


def _postgres_index() -> None:
    # 'simple': no stemming or stop words, the same matching as SQLite's unicode61; the
    # text is already accent-free and case-folded by the indexer.
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, text_a), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, text_b), 'B') || "
        "setweight(to_tsvector('simple'::regconfig, text_c), 'C')) STORED")
    op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")


def _sqlite_index() -> None:
    # External content: the text lives once, in search_documents; triggers keep the index
    # in step, and only a change of the text itself rewrites its postings. A full reindex
    # puts a row in search_fts_pause (inside its own transaction) to skip the triggers and
    # rebuild the index in one pass instead: ten times faster for 33k documents.
    cols = ", ".join(_TEXT)
    new = ", ".join(f"new.{c}" for c in _TEXT)
    old = ", ".join(f"old.{c}" for c in _TEXT)
    live = "WHEN NOT EXISTS (SELECT 1 FROM search_fts_pause)"
    op.execute("CREATE TABLE search_fts_pause (id INTEGER PRIMARY KEY)")
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({cols}, content='search_documents', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    op.execute(f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents {live} "
               f"BEGIN INSERT INTO search_fts(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents {live} "
               f"BEGIN INSERT INTO search_fts(search_fts, rowid, {cols}) "
               f"VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER search_documents_au AFTER UPDATE OF {cols} ON search_documents "
               f"{live} BEGIN INSERT INTO search_fts(search_fts, rowid, {cols}) "
               f"VALUES ('delete', old.id, {old}); "
               f"INSERT INTO search_fts(rowid, {cols}) VALUES (new.id, {new}); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute("DROP TABLE IF EXISTS search_fts_pause")
    for table in ("search_sync_state", "search_document_labels", "search_document_categories",
                  "search_documents"):
        op.drop_table(table)
