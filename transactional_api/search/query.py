"""The search statements, the same on both engines apart from the text match (backends).

A filtered search is one pass: a CTE of the hits (matched and filtered once, with their
rank and sort keys), read by a UNION ALL of the page's ids (numbered in sort order), the
total and every facet; then the page's listing fields by id. The whole catalog (no words,
no filter) instead reads each count and the sorted page straight off its own index.
Statements are built once per query shape and take every value as a bind parameter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from transactional_api.search import postgres_backend, sqlite_backend
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

SORTS = ("relevance", "price_asc", "price_desc", "newest", "bestselling", "rating")
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
    engine = backend(session)
    filters = tuple(f for f in _FILTERS if getattr(query, f) is not None)
    page, summary = _statements(engine.__name__, bool(terms), filters, query.sort,
                                query.facets)
    params = {f: getattr(query, f) for f in filters}
    params.update(terms=engine.query_text(terms) if terms else None, limit=query.limit,
                  offset=query.offset)
    if terms:
        engine.prepare(session)
    if page is not None:
        items = [dict(r._mapping) for r in session.execute(page, params)]
        rows = list(session.execute(summary, params))
    else:
        rows = list(session.execute(summary, params))
        order = {int(key): n for facet, key, _, n in rows if facet == "item"}
        # A document rebuilt in between (PostgreSQL reads each statement afresh) has a new
        # id and is left out of this page rather than shown stale.
        cards = session.execute(_CARDS, {"ids": list(order)}) if order else []
        items = sorted((dict(r._mapping) for r in cards), key=lambda i: order[i.pop("id")])
    total, facets = _read_summary(rows)
    return SearchResult(items, total, facets if query.facets else None)


_FILTERS = ("category_id", "label", "brand_id", "merchant_id", "min_price_cents",
            "max_price_cents", "in_stock")
_CARD_COLUMNS = (D.c.product_id, D.c.name, D.c.min_price_cents, D.c.max_price_cents,
                 D.c.currency, D.c.labels, D.c.brand_id, D.c.brand_name, D.c.merchant_id,
                 D.c.merchant_name, D.c.in_stock, D.c.image, D.c.category_id, D.c.sold_count)
_CARDS = select(D.c.id, *_CARD_COLUMNS).where(D.c.id.in_(bindparam("ids", expanding=True)))


@functools.lru_cache(maxsize=1024)
def _statements(engine_name: str, text: bool, filters: tuple[str, ...], sort: str,
                facets: bool):
    """(page or None, summary) for one query shape. Building them costs more than running
    them, so each shape is built once.

    Without words the page is its own statement, read in (key, id) index order and
    stopping at the limit. With words every hit must be ranked anyway, so the page is
    numbered inside the summary and the match runs once."""
    engine = postgres_backend if engine_name == postgres_backend.__name__ else sqlite_backend
    source, conds, rank = D, [_CONDITIONS[f]() for f in filters], None
    if text:
        source, match, rank = engine.matching(D, bindparam("terms"))
        conds.append(match)
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    if not conds:
        return _page(D, [], sort, limit, offset), (
            union_all(*_facet_branches(D, False)) if facets else _count(D))
    cols = [D.c.id, D.c.brand_id, D.c.merchant_id, _band(D.c.min_price_cents).label("band"),
            D.c.in_stock]
    if text:
        cols += [D.c.sold_count, D.c.min_price_cents, D.c.listed_at, D.c.rating_avg_centi,
                 D.c.rating_count, rank.label("rank")]
    # Read by every branch below: both engines compute it once (and the hint says so).
    hits = select(*cols).select_from(source).where(*conds).cte("hits").prefix_with(
        "MATERIALIZED")
    branches = _facet_branches(hits, "category_id" in filters) if facets else [_count(hits)]
    if not text:
        return _page(D, conds, sort, limit, offset), union_all(*branches)
    # A top-N sort (LIMIT) keeps only the page's rows, not a full sort of every hit; the
    # page is then numbered in the same order.
    order = _order(sort, hits.c.rank, hits.c)
    top = select(hits.c.id, *(c for c in hits.c if c.name in _SORT_KEYS)).order_by(
        *order).limit(limit).offset(offset).subquery()
    page = select(literal("item").label("facet"), cast(top.c.id, String).label("key"),
                  cast(null(), String).label("name"), func.row_number().over(
                      order_by=_order(sort, top.c.rank, top.c)).label("n"))
    return None, union_all(page, *branches)


_SORT_KEYS = ("rank", "sold_count", "min_price_cents", "listed_at", "rating_avg_centi",
              "rating_count")


def _page(source, conds: list, sort: str, limit, offset):
    return (select(*_CARD_COLUMNS).select_from(source).where(*conds)
            .order_by(*_order(sort, None, D.c)).limit(limit).offset(offset))


def _count(hits):
    return select(literal("count").label("facet"), cast(null(), String).label("key"),
                  cast(null(), String).label("name"), func.count().label("n")
                  ).select_from(hits)


_CONDITIONS = {
    "category_id": lambda: D.c.id.in_(select(C.c.doc_id).where(
        C.c.category_id == bindparam("category_id"))),
    "label": lambda: D.c.id.in_(select(L.c.doc_id).where(L.c.label == bindparam("label"))),
    "brand_id": lambda: D.c.brand_id == bindparam("brand_id"),
    "merchant_id": lambda: D.c.merchant_id == bindparam("merchant_id"),
    # A product's listing price is its cheapest SKU: the price the listing page shows.
    "min_price_cents": lambda: D.c.min_price_cents >= bindparam("min_price_cents"),
    "max_price_cents": lambda: D.c.min_price_cents <= bindparam("max_price_cents"),
    "in_stock": lambda: D.c.in_stock == bindparam("in_stock", type_=Boolean),
}


def _order(sort: str, rank, c) -> list:
    # Ending on the id makes a total order (pages never repeat or skip a product), in the
    # direction of the key before it, so (key, id) indexes serve the page without a sort.
    if sort == "relevance" and rank is not None:
        return [rank, c.sold_count.desc(), c.id.desc()]
    if sort == "price_asc":
        return [c.min_price_cents.asc(), c.id.asc()]
    if sort == "price_desc":
        return [c.min_price_cents.desc(), c.id.desc()]
    if sort == "newest":
        return [c.listed_at.desc(), c.id.desc()]
    if sort == "rating":  # best average first; among equals, the most reviewed
        return [c.rating_avg_centi.desc(), c.rating_count.desc(), c.id.desc()]
    return [c.sold_count.desc(), c.id.desc()]  # bestselling; relevance without words


def _band(price):
    return case(*[(price < upper, str(i)) for i, upper in enumerate(PRICE_BANDS[1:])],
                else_=str(len(PRICE_BANDS) - 1))


def _facet_branches(hits, by_category: bool) -> list:
    """(facet, key, name, count) rows: the in_stock counts (whose sum is the total), then
    the top brands, merchants, price bands, labels and child categories."""
    if by_category:  # the children of the filtered category: one level below it
        depth = select(C.c.depth + 1).where(C.c.category_id == bindparam("category_id")
                                            ).limit(1).scalar_subquery()
    else:
        depth = literal(0)
    if hits is not D:
        band, cats, cat_where = hits.c.band, hits.join(C, and_(
            C.c.doc_id == hits.c.id, C.c.depth == depth)), None
        labels = hits.join(L, L.c.doc_id == hits.c.id)
    else:
        # The whole catalog (a landing page): each count straight off its own index,
        # nothing materialised; 5x faster on 33k documents.
        band, cats, cat_where, labels = _band(D.c.min_price_cents), C, C.c.depth == 0, L
    n = func.count().label("n")
    named = D.alias("named")

    def top(facet: str, key, *, frm=hits, where=None, size=FACET_SIZE, name=None):
        stmt = select(key.label("key"), n).select_from(frm)
        if where is not None:
            stmt = stmt.where(where)
        grouped = stmt.group_by(key).order_by(n.desc(), key).limit(size).subquery()
        # Names looked up for the few groups kept, not carried through every hit.
        label = name(grouped.c.key) if name else null()
        return select(literal(facet).label("facet"), cast(grouped.c.key, String).label("key"),
                      cast(label, String).label("name"), grouped.c.n)

    def name_of(id_col, name_col):
        return lambda key: select(name_col).where(id_col == key).limit(1).scalar_subquery()

    cat_names = C.alias("cat_names")
    stock = select(literal("in_stock").label("facet"),
                   case((hits.c.in_stock, "true"), else_="false").label("key"),
                   cast(null(), String).label("name"), n).group_by(hits.c.in_stock)
    return [
        select(stock.subquery()),
        top("brand", hits.c.brand_id, where=hits.c.brand_id.is_not(None),
            name=name_of(named.c.brand_id, named.c.brand_name)),
        top("merchant", hits.c.merchant_id,
            name=name_of(named.c.merchant_id, named.c.merchant_name)),
        top("price", band, size=len(PRICE_BANDS)),
        top("label", L.c.label, frm=labels),
        top("category", C.c.category_id, frm=cats, where=cat_where, size=CATEGORY_FACET_SIZE,
            name=name_of(cat_names.c.category_id, cat_names.c.name)),
    ]


def _read_summary(rows) -> tuple[int, dict]:
    facets, total = _empty_facets(), 0
    for facet, key, name, count in rows:
        if facet == "item":
            continue
        if facet == "count":
            total = count
        elif facet == "in_stock":
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
