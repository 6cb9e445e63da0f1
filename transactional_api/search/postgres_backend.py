"""Full-text matching on PostgreSQL: the generated ``tsv`` column and its GIN index.

Ranking is ts_rank_cd over the weights A (name), B (brand, categories), C (description),
negated so that, as on SQLite, lower is better.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import bindparam, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause


def ts_query(terms: list[str]) -> str:
    """to_tsquery text: terms are letters and digits only, so none is an operator; all are
    required; terms of two or more characters match as prefixes, as on SQLite."""
    return " & ".join(f"{t}:*" if len(t) > 1 else t for t in terms)


def matching(docs: FromClause, terms: list[str]
             ) -> tuple[FromClause, ColumnElement[bool], ColumnElement]:
    """(what to select from, the match condition, the rank: lower is better)."""
    tsv = literal_column("search_documents.tsv")
    query = func.to_tsquery(literal_column("'simple'::regconfig"),
                            bindparam("ts_query", ts_query(terms)))
    return docs, tsv.op("@@")(query), -func.ts_rank_cd(tsv, query)


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Around a full reindex: nothing to do, the generated column follows every row."""
    yield
