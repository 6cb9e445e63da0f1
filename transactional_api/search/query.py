"""The search statements, the same on both engines apart from the text match (backends).

Two statements per request: the page (filters, sort, limit), and the total with every
facet in one UNION ALL over a CTE of the hits, which both engines materialise once
because it is read several times.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from transactional_api.search.indexer import backend
from transactional_api.search.models import (
    SearchDocument,
    SearchDocumentCategory,
    SearchDocumentLabel,
)
from transactional_api.search.text import query_terms

D = SearchDocument.__table__
C = SearchDocumentCategory.__table__
L = SearchDocumentLabel.__table__

SORTS = ("relevance", "price_asc", "price_desc", "newest", "bestselling")
# Lower bounds of the price bands, in minor units; the last band is open-ended.
PRICE_BANDS = (0, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000)
FACET_SIZE = 20
CATEGORY_FACET_SIZE = 50


@dataclass(frozen=True)
class SearchQuery:
    q: str | None = None
    category_id: str | None = None
    brand_id: str | None = None
    merchant_id: str | None = None
    label: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    facets: bool = True


@dataclass
class SearchResult:
    items: list[dict]
    total: int
    facets: dict | None


def run(*, session: Session, query: SearchQuery) -> SearchResult:
    terms = query_terms(query.q)
    if query.q and query.q.strip() and not terms:
        # Only punctuation or symbols: nothing can match (and no syntax reaches an engine).
        return SearchResult([], 0, _empty_facets() if query.facets else None)
    source, conds, rank = D, _filters(query), None
    if terms:
        source, match, rank = backend(session).matching(D, terms)
        conds.append(match)
    page = select(D.c.product_id, D.c.name, D.c.min_price_cents, D.c.max_price_cents,
                  D.c.currency, D.c.labels, D.c.brand_id, D.c.brand_name, D.c.merchant_id,
                  D.c.merchant_name, D.c.in_stock, D.c.image, D.c.category_id,
                  D.c.sold_count).select_from(source).where(*conds)
    page = page.order_by(*_order(query.sort, rank)).limit(query.limit).offset(query.offset)
    items = [dict(r._mapping) for r in session.execute(page)]
    if query.facets:
        total, facets = _facets(session, source, conds, query.category_id)
    else:
        total = session.scalar(select(func.count()).select_from(source).where(*conds)) or 0
        facets = None
    return SearchResult(items, total, facets)


def _filters(query: SearchQuery) -> list:
    conds = []
    if query.category_id is not None:
        conds.append(D.c.id.in_(select(C.c.doc_id).where(C.c.category_id == query.category_id)))
    if query.label is not None:
        conds.append(D.c.id.in_(select(L.c.doc_id).where(L.c.label == query.label)))
    if query.brand_id is not None:
        conds.append(D.c.brand_id == query.brand_id)
    if query.merchant_id is not None:
        conds.append(D.c.merchant_id == query.merchant_id)
    # A product's listing price is its cheapest SKU: the price the listing page shows.
    if query.min_price_cents is not None:
        conds.append(D.c.min_price_cents >= query.min_price_cents)
    if query.max_price_cents is not None:
        conds.append(D.c.min_price_cents <= query.max_price_cents)
    if query.in_stock is not None:
        conds.append(D.c.in_stock.is_(query.in_stock))
    return conds


def _order(sort: str, rank) -> list:
    # Ending on the id makes a total order (pages never repeat or skip a product), in the
    # direction of the key before it, so (key, id) indexes serve the page without a sort.
    if sort == "relevance" and rank is not None:
        return [rank, D.c.sold_count.desc(), D.c.id.desc()]
    if sort == "price_asc":
        return [D.c.min_price_cents.asc(), D.c.id.asc()]
    if sort == "price_desc":
        return [D.c.min_price_cents.desc(), D.c.id.desc()]
    if sort == "newest":
        return [D.c.listed_at.desc(), D.c.id.desc()]
    return [D.c.sold_count.desc(), D.c.id.desc()]  # bestselling; relevance without words


def _band():
    price = D.c.min_price_cents
    return case(*[(price < upper, str(i)) for i, upper in enumerate(PRICE_BANDS[1:])],
                else_=str(len(PRICE_BANDS) - 1))


def _facets(session: Session, source, conds: list, category_id: str | None
            ) -> tuple[int, dict]:
    hits = select(D.c.id, D.c.brand_id, D.c.brand_name, D.c.merchant_id, D.c.merchant_name,
                  _band().label("band"), D.c.in_stock).select_from(source).where(*conds
                                                                                 ).cte("hits")
    n = func.count().label("n")

    def top(facet: str, key, name, *, frm=hits, where=None, size=FACET_SIZE):
        stmt = select(literal(facet).label("facet"), cast(key, String).label("key"),
                      cast(name, String).label("name"), n).select_from(frm)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.group_by(key).order_by(n.desc(), key)
        return select(stmt.limit(size).subquery())

    if category_id is None:
        depth = literal(0)
    else:
        depth = select(C.c.depth + 1).where(C.c.category_id == category_id).limit(1
                                                                                  ).scalar_subquery()
    cat_join = hits.join(C, and_(C.c.doc_id == hits.c.id, C.c.depth == depth))
    stock = select(literal("in_stock").label("facet"),
                   case((hits.c.in_stock, "true"), else_="false").label("key"),
                   cast(null(), String).label("name"), n).group_by(hits.c.in_stock)
    stmt = union_all(
        select(stock.subquery()),
        top("brand", hits.c.brand_id, func.max(hits.c.brand_name),
            where=hits.c.brand_id.is_not(None)),
        top("merchant", hits.c.merchant_id, func.max(hits.c.merchant_name)),
        top("price", hits.c.band, null(), size=len(PRICE_BANDS)),
        top("label", L.c.label, null(), frm=hits.join(L, L.c.doc_id == hits.c.id)),
        top("category", C.c.category_id, func.max(C.c.name), frm=cat_join,
            size=CATEGORY_FACET_SIZE),
    )
    facets, total = _empty_facets(), 0
    for facet, key, name, count in session.execute(stmt):
        if facet == "in_stock":
            total += count
            facets["in_stock"].append({"value": key == "true", "count": count})
        elif facet == "price":
            i = int(key)
            upper = PRICE_BANDS[i + 1] if i + 1 < len(PRICE_BANDS) else None
            facets["price_bands"].append({"min_cents": PRICE_BANDS[i], "max_cents": upper,
                                          "count": count})
        elif facet == "label":
            facets["labels"].append({"value": key, "count": count})
        else:
            facets[f"{facet}s" if facet != "category" else "categories"].append(
                {"id": key, "name": name, "count": count})
    facets["price_bands"].sort(key=lambda b: b["min_cents"])
    facets["in_stock"].sort(key=lambda b: not b["value"])
    return total, facets


def _empty_facets() -> dict:
    return {"categories": [], "brands": [], "merchants": [], "labels": [], "price_bands": [],
            "in_stock": []}
