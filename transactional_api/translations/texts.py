"""Reads of translated texts: the fallback for one response, and every language's texts
for the search index. Read-only; imports no other domain, so any domain may call it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.translations.language import LangChain, base
from transactional_api.translations.models import Translation, UserLanguage

_CHUNK = 500
Row = TypeVar("Row")


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def lookup(*, session: Session, entity_type: str, entity_ids: Iterable[str],
           fields: Iterable[str], langs: Iterable[str] | None
           ) -> dict[tuple[str, str], dict[str, str]]:
    """(entity id, field) -> {lang: text} for these ids and fields (langs None: all)."""
    ids, fields = sorted(set(entity_ids)), list(fields)
    out: dict[tuple[str, str], dict[str, str]] = {}
    for chunk in _chunks(ids):
        stmt = select(Translation.entity_id, Translation.field, Translation.lang,
                      Translation.text).where(
            Translation.entity_type == entity_type, Translation.entity_id.in_(chunk),
            Translation.field.in_(fields))
        if langs is not None:
            stmt = stmt.where(Translation.lang.in_(list(langs)))
        for eid, f, lang, text in session.execute(stmt):
            out.setdefault((eid, f), {})[lang] = text
    return out


def pick(found: dict[str, str], chain: LangChain) -> str | None:
    """The first text along the chain (None: the original stays); records what was used."""
    for tag in chain.tags:
        if tag in found:
            chain.used.add(tag)
            return found[tag]
    chain.fell_back = True
    return None


def _get(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key)


def localize(session: Session, entity_type: str, rows: list[Row], fields: Iterable[str],
             lang_chain: LangChain | None, *, id_key: str = "id") -> list[Row]:
    """Copies of rows (pydantic models or dicts) with each field's text in the first
    language of the chain that has one; rows untouched when lang_chain is None."""
    fields = list(fields)
    if lang_chain is None or not rows:
        return rows
    found = lookup(session=session, entity_type=entity_type,
                   entity_ids=[_get(r, id_key) for r in rows], fields=fields,
                   langs=lang_chain.tags)
    out = []
    for row in rows:
        rid = _get(row, id_key)
        update = {}
        for f in fields:
            text = pick(found.get((rid, f), {}), lang_chain)
            if text is not None:
                update[f] = text
        if not update:
            out.append(row)
        elif isinstance(row, dict):
            out.append({**row, **update})
        else:
            out.append(row.model_copy(update=update))
    return out


def every_language(*, session: Session, entity_type: str, entity_ids: list[str],
                   fields: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """entity id -> field -> its texts in every language (language order): what the
    search index adds to the original so a query in any language finds it."""
    out: dict[str, dict[str, list[str]]] = {}
    found = lookup(session=session, entity_type=entity_type, entity_ids=entity_ids,
                   fields=fields, langs=None)
    for (eid, f), by_lang in sorted(found.items()):
        out.setdefault(eid, {})[f] = [by_lang[lang] for lang in sorted(by_lang)]
    return out


def user_language(*, session: Session, user_id: str) -> str | None:
    row = session.get(UserLanguage, user_id)
    return row.lang if row is not None else None


def message_texts(*, session: Session, campaign_id: str, user_id: str, subject: str,
                  template: str) -> tuple[str, str]:
    """A campaign's subject and template in the language its recipient chose (tag, then
    base language), each falling back to the original on its own."""
    chosen = user_language(session=session, user_id=user_id)
    if chosen is None:
        return subject, template
    chain = LangChain(tags=tuple(dict.fromkeys((chosen, base(chosen)))), original="")
    found = lookup(session=session, entity_type="message_template", entity_ids=[campaign_id],
                   fields=("subject", "template"), langs=chain.tags)
    return (pick(found.get((campaign_id, "subject"), {}), chain) or subject,
            pick(found.get((campaign_id, "template"), {}), chain) or template)
