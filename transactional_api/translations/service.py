"""Translated texts: put and delete them (one or many, all checked before any is written),
list them, and read them back along a request's language chain.

Public surface for other domains: ``localize`` (re-exported from texts.py), ``negotiate``
(the request's chain), ``message_texts`` (a campaign's subject and body in the
recipient's language). A product's or category's texts are in its search document, so
their writes reindex it in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.outbox import emit
from transactional_api.events.translation_events import (
    TranslationChanged,
    TranslationChangedPayload,
)
from transactional_api.search import service as search
from transactional_api.translations import checks, texts
from transactional_api.translations.language import negotiate  # noqa: F401 (public)
from transactional_api.translations.models import Translation, UserLanguage
from transactional_api.translations.schemas import TranslationIn, TranslationKey

localize = texts.localize
message_texts = texts.message_texts
_CHUNK = 200


def _event(session: Session, row: Translation, action: str, actor_id: str | None) -> None:
    emit(session=session, event=TranslationChanged(
        occurred_at=clock.now(), user_id=actor_id, payload=TranslationChangedPayload(
            entity_type=row.entity_type, entity_id=row.entity_id, field=row.field,
            lang=row.lang, action=action)))


def _checked(session: Session, group: str, items: Sequence[TranslationKey],
             supported: Sequence[str]) -> list[tuple[str, str, str, str, str | None]]:
    """(entity type, id, field, tag, text) per item, or 422 naming every bad item."""
    out, errors = [], []
    for index, i in enumerate(items):
        try:
            lang, text = checks.item(group=group, entity_type=i.entity_type, field=i.field,
                                     lang=i.lang, text=getattr(i, "text", None),
                                     supported=supported)
        except Unprocessable as exc:
            if len(items) == 1:
                raise
            errors.append({"index": index, "code": exc.code, "message": exc.message})
            continue
        out.append((i.entity_type, i.entity_id, i.field, lang, text))
    if errors:
        raise Unprocessable("some translations are not valid; nothing was written",
                            code=errors[0]["code"], details={"errors": errors})
    keys = [k[:4] for k in out]
    if len(set(keys)) != len(keys):
        raise Unprocessable("a translation is given twice", code="duplicate_translation")
    wanted: dict[str, set[str]] = {}
    for entity_type, eid, *_ in out:
        wanted.setdefault(entity_type, set()).add(eid)
    bad = checks.entities(session, wanted, {(t, e, f): x for t, e, f, _, x in out})
    if bad:
        raise Unprocessable("some translations name what does not exist; nothing was written",
                            code=bad[0]["code"], details={"errors": bad})
    return out


def _existing(session: Session, keys: list[tuple[str, str, str, str]]
              ) -> dict[tuple[str, str, str, str], Translation]:
    found = {}
    for start in range(0, len(keys), _CHUNK):
        cond = or_(*(and_(Translation.entity_type == t, Translation.entity_id == e,
                          Translation.field == f, Translation.lang == lang)
                     for t, e, f, lang in keys[start:start + _CHUNK]))
        for row in session.scalars(select(Translation).where(cond).with_for_update()):
            found[(row.entity_type, row.entity_id, row.field, row.lang)] = row
    return found


def put(*, session: Session, group: str, items: Sequence[TranslationIn],
        supported: Sequence[str], actor_id: str | None, reindex: bool = True
        ) -> tuple[list[Translation], dict[str, int]]:
    """Create or replace texts; (the rows, counts of created / updated / unchanged)."""
    checked = _checked(session, group, items, supported)
    have = _existing(session, [k[:4] for k in checked])
    now, rows = clock.now(), []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    touched: dict[str, set[str]] = {}
    for entity_type, eid, field, lang, text in checked:
        row = have.get((entity_type, eid, field, lang))
        if row is None:
            row = Translation(entity_type=entity_type, entity_id=eid, field=field, lang=lang,
                              text=text, updated_by=actor_id, created_at=now, updated_at=now)
            session.add(row)
            action = "created"
        elif row.text != text:
            row.text, row.updated_by, row.updated_at = text, actor_id, now
            action = "updated"
        else:
            action = "unchanged"
        counts[action] += 1
        rows.append(row)
        if action != "unchanged":
            _event(session, row, action, actor_id)
            touched.setdefault(entity_type, set()).add(eid)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent put of the same key won
        raise Conflict("the translation was written concurrently; retry",
                       code="translation_conflict") from exc
    if reindex:
        _reindex(session, touched)
    return rows, counts


def _reindex(session: Session, touched: dict[str, set[str]]) -> None:
    if touched.get("product"):
        search.reindex_products(session=session, product_ids=sorted(touched["product"]))
    if touched.get("category"):
        search.reindex_categories(session=session, category_ids=sorted(touched["category"]))


def _in_group(group: str, entity_type: str) -> bool:
    return entity_type in checks.GROUPS[group]


def delete_one(*, session: Session, group: str, translation_id: str,
               actor_id: str | None) -> None:
    row = session.get(Translation, translation_id, with_for_update=True)
    if row is None or not _in_group(group, row.entity_type):
        raise NotFound("translation not found", code="translation_not_found")
    _delete(session, [row], actor_id)


def delete_many(*, session: Session, group: str, keys: Sequence[TranslationKey],
                supported: Sequence[str], actor_id: str | None) -> int:
    """Delete the texts under these keys (absent ones are no error); 422 for a bad key."""
    checked = _checked(session, group, keys, supported)
    rows = list(_existing(session, [k[:4] for k in checked]).values())
    _delete(session, rows, actor_id)
    return len(rows)


def _delete(session: Session, rows: list[Translation], actor_id: str | None) -> None:
    touched: dict[str, set[str]] = {}
    for row in rows:
        _event(session, row, "deleted", actor_id)
        touched.setdefault(row.entity_type, set()).add(row.entity_id)
        session.delete(row)
    session.flush()
    _reindex(session, touched)


def listing(*, session: Session, group: str, entity_type: str | None, entity_id: str | None,
            field: str | None, lang: str | None, limit: int, offset: int
            ) -> tuple[list[Translation], int]:
    if entity_type is not None and not _in_group(group, entity_type):
        raise Unprocessable(f"{entity_type} texts are not managed here",
                            code="unknown_entity_type",
                            details={"entity_types": list(checks.GROUPS[group])})
    stmt = select(Translation).where(Translation.entity_type.in_(
        [entity_type] if entity_type else list(checks.GROUPS[group])))
    for column, value in ((Translation.entity_id, entity_id), (Translation.field, field),
                          (Translation.lang, lang)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(
        Translation.entity_type, Translation.entity_id, Translation.field, Translation.lang)
        .limit(limit).offset(offset)))
    return rows, total


def set_user_language(*, session: Session, user_id: str, lang: str,
                      supported: Sequence[str]) -> str:
    tag = checks.tag(lang, supported)
    row = session.get(UserLanguage, user_id, with_for_update=True)
    if row is None:
        session.add(UserLanguage(user_id=user_id, lang=tag, updated_at=clock.now()))
    else:
        row.lang, row.updated_at = tag, clock.now()
    session.flush()
    return tag


def user_language(*, session: Session, user_id: str) -> str | None:
    return texts.user_language(session=session, user_id=user_id)
