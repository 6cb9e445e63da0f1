"""Building and writing search documents from the catalog's and inventory's public reads.

Every writer of the search tables runs inside the caller's write transaction and first
takes the search write lock (SQLite: the database's one writer, already held by BEGIN
IMMEDIATE; PostgreSQL: a transaction advisory lock), so the catalog's inline reindex and
the sync jobs of several API processes never interleave their delete-then-insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from transactional_api.catalog import search_source as catalog_source
from transactional_api.inventory import service as inventory
from transactional_api.reviews import ratings as review_ratings
from transactional_api.search import postgres_backend, sqlite_backend
from transactional_api.search.models import (
    SearchDocument,
    SearchDocumentCategory,
    SearchDocumentLabel,
)
from transactional_api.search.text import index_text

D = SearchDocument.__table__
C = SearchDocumentCategory.__table__
L = SearchDocumentLabel.__table__
_CHUNK = 500
_PG_LOCK_KEY = 7_246_006  # any constant every Flywheel process shares


def backend(session: Session):
    return postgres_backend if session.get_bind().dialect.name == "postgresql" \
        else sqlite_backend


def lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def in_stock(*, session: Session, skus_by_product: dict[str, list[str]]) -> dict[str, bool]:
    """A product is in stock when any SKU can be sold now; None (virtual goods) counts."""
    every = [s for skus in skus_by_product.values() for s in skus]
    units: dict[str, int | None] = {}
    for chunk in _chunks(every):
        units.update(inventory.sellable(session=session, sku_ids=chunk))
    return {pid: any(units.get(s, 0) is None or units.get(s, 0) > 0 for s in skus)
            for pid, skus in skus_by_product.items()}


def replace(*, session: Session, product_ids: list[str]) -> int:
    """Rebuild the documents of product_ids: listed ones rewritten, any other dropped."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    lock(session)
    docs = catalog_source.documents(session=session, product_ids=ids)
    stock = in_stock(session=session, skus_by_product={d["id"]: d["sku_ids"] for d in docs})
    rated = review_ratings.summaries(session=session, product_ids=[d["id"] for d in docs])
    for chunk in _chunks(ids):
        doomed = select(D.c.id).where(D.c.product_id.in_(chunk)).scalar_subquery()
        session.execute(delete(C).where(C.c.doc_id.in_(doomed)))
        session.execute(delete(L).where(L.c.doc_id.in_(doomed)))
        session.execute(delete(D).where(D.c.product_id.in_(chunk)))
    _insert(session, docs, stock, rated)
    return len(docs)


def replace_all(*, session: Session) -> list[dict]:
    """Drop every document and index every listed product; returns what was indexed."""
    lock(session)
    docs = catalog_source.documents(session=session, product_ids=None)
    stock = in_stock(session=session, skus_by_product={d["id"]: d["sku_ids"] for d in docs})
    rated = review_ratings.summaries(session=session, product_ids=None)
    with backend(session).bulk(session):
        for table in (C, L, D):
            session.execute(delete(table))
        _insert(session, docs, stock, rated)
    return docs


def _insert(session: Session, docs: list[dict], stock: dict[str, bool],
            rated: dict[str, review_ratings.RatingSummary]) -> None:
    if not docs:
        return
    # Ids assigned here (under the write lock) so the side tables need no RETURNING.
    next_id = (session.scalar(select(func.max(D.c.id))) or 0) + 1
    rows, cats, labels = [], [], []
    facets_text: dict[tuple, str] = {}  # few brand x category x labels combinations
    for doc_id, d in enumerate(docs, start=next_id):
        rating = rated.get(d["id"], review_ratings.EMPTY)
        key = (d["brand_name"], d["category_path"], *d["labels"])
        if key not in facets_text:
            facets_text[key] = index_text(d["brand_name"],
                                          *(name for _, name in d["categories"]), *d["labels"],
                                          *d.get("category_i18n", ()))
        rows.append({
            "id": doc_id, "product_id": d["id"], "name": d["name"],
            "text_a": index_text(d["name"], *d.get("name_i18n", ())),
            "text_b": facets_text[key],
            "text_c": index_text(d["description"], *d.get("description_i18n", ())),
            "category_id": d["category_id"], "category_path": d["category_path"],
            "brand_id": d["brand_id"], "brand_name": d["brand_name"],
            "merchant_id": d["merchant_id"], "merchant_name": d["merchant_name"],
            "labels": d["labels"], "image": d["image"],
            "min_price_cents": d["min_price_cents"], "max_price_cents": d["max_price_cents"],
            "currency": d["currency"], "in_stock": stock.get(d["id"], False),
            "sold_count": d["sold_count"], "listed_at": d["listed_at"],
            "rating_count": rating.count, "rating_avg_centi": rating.average_centi or 0,
            "source_updated_at": d["updated_at"],
        })
        cats += [{"doc_id": doc_id, "depth": depth, "category_id": cid, "name": name[:120]}
                 for depth, (cid, name) in enumerate(d["categories"])]
        labels += [{"doc_id": doc_id, "label": label[:32]} for label in set(d["labels"])]
    for table, values in ((D, rows), (C, cats), (L, labels)):
        for chunk in _chunks(values, 2000):
            session.execute(insert(table), chunk)


def products_under(*, session: Session, category_ids: list[str]) -> list[str]:
    """The products whose documents have one of category_ids on their path."""
    out: set[str] = set()
    for chunk in _chunks(sorted(set(category_ids))):
        out.update(session.scalars(select(D.c.product_id).join(C, C.c.doc_id == D.c.id)
                                   .where(C.c.category_id.in_(chunk))))
    return sorted(out)


def stock_flips(*, session: Session, product_ids: Iterable[str]) -> list[dict]:
    """Documents of product_ids whose in_stock no longer holds (a read: no lock taken)."""
    flips = []
    for chunk in _chunks(sorted(set(product_ids))):
        current = dict(session.execute(select(D.c.product_id, D.c.in_stock)
                                       .where(D.c.product_id.in_(chunk))).all())
        if not current:
            continue
        skus = catalog_source.product_skus(session=session, product_ids=list(current))
        now = in_stock(session=session,
                       skus_by_product={pid: skus.get(pid, []) for pid in current})
        flips += [{"pid": pid, "v": v} for pid, v in now.items() if v != bool(current[pid])]
    return flips


def apply_stock(*, session: Session, flips: list[dict]) -> int:
    if flips:
        lock(session)
        session.execute(update(D).where(D.c.product_id == bindparam("pid"))
                        .values(in_stock=bindparam("v")), flips)
    return len(flips)


def apply_ratings(*, session: Session, product_id: str, rating_count: int,
                  rating_avg_centi: int) -> int:
    """Set one document's rating sort key (absent document: nothing to do); under the search
    lock, so a rebuild of the same document cannot interleave."""
    lock(session)
    return session.execute(update(D).where(D.c.product_id == product_id).values(
        rating_count=rating_count, rating_avg_centi=rating_avg_centi)).rowcount


def indexed_versions(*, session: Session, product_ids: list[str]) -> dict[str, object]:
    """product_id -> the product updated_at each document was built from."""
    out = {}
    for chunk in _chunks(sorted(set(product_ids))):
        out.update(session.execute(select(D.c.product_id, D.c.source_updated_at)
                                   .where(D.c.product_id.in_(chunk))).all())
    return out


def indexed_between(*, session: Session, after_id: str, upto_id: str | None
                    ) -> dict[str, object]:
    """product_id -> source version of the documents with after_id < product_id <= upto_id
    (no upper bound when upto_id is None)."""
    stmt = select(D.c.product_id, D.c.source_updated_at).where(D.c.product_id > after_id)
    if upto_id is not None:
        stmt = stmt.where(D.c.product_id <= upto_id)
    return dict(session.execute(stmt).all())
