"""Full-text matching on PostgreSQL: the generated ``tsv`` column and its GIN index.

Ranking is ts_rank_cd over the weights A (name), B (brand, categories), C (description),
negated so that, as on SQLite, lower is better.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, literal_column, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause
from sqlalchemy.sql.elements import BindParameter


def query_text(terms: list[str]) -> str:
    """to_tsquery text: terms are letters and digits only, so none is an operator; all are
    required; terms of two or more characters match as prefixes, as on SQLite."""
    return " & ".join(f"{t}:*" if len(t) > 1 else t for t in terms)


def matching(docs: FromClause, query: BindParameter
             ) -> tuple[FromClause, ColumnElement[bool], ColumnElement]:
    """(what to select from, the match condition, the rank: lower is better); query is
    bound to query_text(terms) at execution."""
    tsv = literal_column("search_documents.tsv")
    query = func.to_tsquery(literal_column("'simple'::regconfig"), query)
    return docs, tsv.op("@@")(query), -func.ts_rank_cd(tsv, query)


def prepare(session: Session) -> None:
    """Before a text search, in its (read) transaction only: PostgreSQL's default cost
    model (random_page_cost 4, for spinning disks) prices the GIN bitmap scan above a
    sequential scan that evaluates every row's tsvector, which on the Olist catalog takes
    17 ms where the index takes 3. 1.1 is the usual figure for SSDs and cached data."""
    session.execute(text("SET LOCAL random_page_cost = 1.1"))


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Around a full reindex: nothing to do, the generated column follows every row."""
    yield
