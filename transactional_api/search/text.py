"""Text normalisation shared by the indexer and the query parser, on both engines.

Documents and queries go through the same steps (compatibility decomposition, accents
dropped, case folded, split into runs of letters and digits), so "Café" finds "CAFE" on
SQLite and PostgreSQL alike. A query never reaches the engine as syntax: it becomes a list
of plain words, which each backend quotes itself.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 8
MAX_TERM_CHARS = 40
MAX_FIELD_CHARS = 4000  # description text indexed per document
_WORD = re.compile(r"[^\W_]+")


_COMBINING: dict[int, None] | None = None


def _fold(text: str) -> str:
    global _COMBINING
    if text.isascii():
        return text.lower()  # the common case, and casefold() of ASCII is lower()
    if _COMBINING is None:  # built once: str.translate drops them at C speed
        _COMBINING = dict.fromkeys(cp for cp in range(0x110000)
                                   if unicodedata.combining(chr(cp)))
    return unicodedata.normalize("NFKD", text).translate(_COMBINING).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def index_text(*parts: str | None, limit: int = MAX_FIELD_CHARS) -> str:
    return " ".join(w for part in parts if part for w in words(part))[:limit]


def query_terms(q: str | None) -> list[str]:
    """The words of a query, deduplicated, at most MAX_TERMS of at most MAX_TERM_CHARS."""
    seen: dict[str, None] = {}
    for w in words(q or ""):
        seen.setdefault(w[:MAX_TERM_CHARS], None)
        if len(seen) == MAX_TERMS:
            break
    return list(seen)
