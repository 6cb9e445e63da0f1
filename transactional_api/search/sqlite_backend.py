"""Full-text matching on SQLite: the FTS5 external-content table ``search_fts``.

Ranking is FTS5's bm25 with column weights (name 10, brand/categories/labels 4, description
1); lower is better. Called as bm25() in the outer ORDER BY rather than through the
``rank`` column, which makes FTS5 score and sort every match before the filters apply
(3x slower on a filtered query over the Olist catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Integer, column, func, literal_column, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause
from sqlalchemy.sql.elements import BindParameter

_FTS = table("search_fts", column("rowid", Integer))
_WEIGHTS = ("10.0", "4.0", "1.0")  # text_a, text_b, text_c


def query_text(terms: list[str]) -> str:
    """Every term a quoted string (terms are letters and digits only, so no quote can
    appear inside), all required; terms of two or more characters match as prefixes."""
    return " ".join(f'"{t}"*' if len(t) > 1 else f'"{t}"' for t in terms)


def matching(docs: FromClause, query: BindParameter
             ) -> tuple[FromClause, ColumnElement[bool], ColumnElement]:
    """(what to select from, the match condition, the rank: lower is better); query is
    bound to query_text(terms) at execution."""
    cond = literal_column("search_fts").op("MATCH")(query)
    rank = func.bm25(literal_column("search_fts"), *map(literal_column, _WEIGHTS))
    # Spelled fts-first on purpose: SQLite then tests the other filters (category, label:
    # IN lists of ids) on the FTS rowid before it reads the document row; the other way
    # round it reads every match's row first (3x slower). op() because == would let
    # Python reflect the comparison onto Column.__eq__ and swap the sides.
    return docs.join(_FTS, _FTS.c.rowid.op("=")(docs.c.id)), cond, rank


def prepare(session: Session) -> None:
    """Before a text search: nothing to set on SQLite."""


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Around a full reindex in the caller's transaction: the per-row triggers stand down
    and the index is rebuilt from search_documents in one pass at the end."""
    session.execute(text("INSERT INTO search_fts_pause (id) VALUES (1)"))
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
    yield
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    session.execute(text("DELETE FROM search_fts_pause"))
