"""Queries become plain words before any engine sees them; both engines get only words."""

from __future__ import annotations

import re
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from transactional_api.search import postgres_backend, sqlite_backend
from transactional_api.search.text import MAX_TERM_CHARS, MAX_TERMS, index_text, query_terms


def test_terms_are_folded_words_without_syntax():
    assert query_terms('"Café" AND crème* -brûlée NEAR(x) col:val') == [
        "cafe", "and", "creme", "brulee", "near", "x", "col", "val"][:MAX_TERMS]
    assert query_terms("knife knife KNIFE") == ["knife"]
    assert query_terms("*** ^^^ ()") == []
    assert query_terms(None) == [] and query_terms("   ") == []
    assert query_terms("x" * 500) == ["x" * MAX_TERM_CHARS]
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == MAX_TERMS


def test_documents_and_queries_fold_alike():
    assert index_text("Café Crème", None, "ÉCOLE_Brûlée") == "cafe creme ecole brulee"
    assert index_text("Straße ﬁsh") == "strasse fish"
    assert query_terms("STRASSE fish") == index_text("Straße ﬁsh").split()


def test_engine_query_texts_hold_only_words():
    terms = query_terms('a "knife\'s" edge:*')
    assert sqlite_backend.query_text(terms) == '"a" "knife"* "s" "edge"*'
    assert postgres_backend.query_text(terms) == "a & knife:* & s & edge:*"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_valid_fts5_query(text):
    terms = query_terms(text)
    assert all(re.fullmatch(r"[^\W_]+", t) for t in terms)
    if not terms:
        return
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES (?)", (index_text(text),))
    # Never a syntax error, and a document always finds itself by its own words.
    assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?",
                      (sqlite_backend.query_text(terms),)).fetchone()[0] == 1
