"""Search tables: one denormalised document per listed product, the facets' side tables
and the sync job's watermark.

The full-text index is engine-specific and lives outside this metadata (migration 0006):
an FTS5 external-content table ``search_fts`` kept in step by triggers on SQLite, a
generated ``tsv`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime


class SearchDocument(Base):
    """A listed product with at least one SKU (nothing else can be bought)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        # Each sort key with the id tie-break: a sorted page is an index range scan.
        # in_stock rides along (no index of its own: it would lure the planner away from
        # the selective conditions) so whole-catalog stock counts scan this index only.
        Index("ix_search_documents_sold", "sold_count", "id"),
        Index("ix_search_documents_price", "min_price_cents", "id", "in_stock"),
        Index("ix_search_documents_listed_at", "listed_at", "id"),
        Index("ix_search_documents_rating", "rating_avg_centi", "rating_count", "id"),
    )
    # Integer: the FTS5 rowid. Documents are rewritten whole, so it is not stable.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Normalised (accent-free, case-folded, one space between words) text, by weight:
    # a = name, b = brand, categories and labels, c = description.
    text_a: Mapped[str] = mapped_column(Text)
    text_b: Mapped[str] = mapped_column(Text)
    text_c: Mapped[str] = mapped_column(Text)
    category_id: Mapped[str] = mapped_column(String(36))
    category_path: Mapped[str] = mapped_column(String(1000))
    brand_id: Mapped[str | None] = mapped_column(String(36), index=True)
    brand_name: Mapped[str | None] = mapped_column(String(200))
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    merchant_name: Mapped[str] = mapped_column(String(200))
    labels: Mapped[list] = mapped_column(JSON)
    image: Mapped[str | None] = mapped_column(String(2000))
    min_price_cents: Mapped[int] = mapped_column(BigInteger)
    max_price_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    in_stock: Mapped[bool] = mapped_column(Boolean)
    sold_count: Mapped[int] = mapped_column(BigInteger)
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Published reviews and 100 x their average stars (0 without reviews), from
    # reviews/ratings.py: the rating sort, kept current by moderation itself.
    rating_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    rating_avg_centi: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The product's updated_at when this document was built: the sync job's change test.
    source_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SearchDocumentCategory(Base):
    """Every category on a document's path, one row per depth: the subtree filter is an
    index lookup and the category facet a join on depth."""

    __tablename__ = "search_document_categories"
    # A category has one depth, so this serves both the subtree filter (category_id =) and
    # the whole-catalog category counts (depth =, grouped by category_id) as index scans.
    __table_args__ = (
        Index("ix_search_document_categories_category", "category_id", "depth", "doc_id"),
    )
    doc_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    depth: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(120))


class SearchDocumentLabel(Base):
    __tablename__ = "search_document_labels"
    __table_args__ = (Index("ix_search_document_labels_label", "label", "doc_id"),)
    doc_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(32), primary_key=True)


class SearchSyncState(Base):
    """Row "catalog": how far the sync job has read the catalog (keyset in updated_at,
    id) and the stock, and who holds the lease (several API processes run the job; one
    works at a time). Row "reconcile": the full comparison's walk in product id order,
    product_id the last one done ("" between passes), reconciled_at the last pass's end."""

    __tablename__ = "search_sync_state"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Keyset position in (products.updated_at, products.id); NULL: never indexed.
    product_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    product_id: Mapped[str] = mapped_column(String(36), default="")
    stock_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconciled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
