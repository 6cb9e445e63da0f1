"""Translated texts over HTTP. Catalog texts (products, categories, brands) under
/v1/admin/translations/catalog need the 'catalog' permission; landing pages and message
templates under /v1/admin/translations/content need 'marketing'. A shopper's own
language (the one their messages are sent in) is /v1/me/language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from transactional_api.core.deps import (
    Caller,
    CatalogCaller,
    CurrentCaller,
    Db,
    MarketingCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.translations import service
from transactional_api.translations.models import Translation
from transactional_api.translations.schemas import (
    DeleteResult,
    EntityType,
    LanguageIn,
    LanguageOut,
    PutResult,
    TranslationBulkIn,
    TranslationIn,
    TranslationKeys,
    TranslationList,
    TranslationOut,
)

router = APIRouter(tags=["translations"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Filter = Annotated[str | None, Query(min_length=1, max_length=40)]


def out(t: Translation) -> TranslationOut:
    return TranslationOut(id=t.id, entity_type=t.entity_type, entity_id=t.entity_id,
                          field=t.field, lang=t.lang, text=t.text, updated_by=t.updated_by,
                          updated_at=t.updated_at)


def _put(db, settings, caller: Caller, group: str, items) -> PutResult:
    with db.begin():
        rows, counts = service.put(session=db, group=group, items=items,
                                   supported=settings.translations_supported_languages,
                                   actor_id=caller.id)
        return PutResult(items=[out(r) for r in rows], **counts)


def _list(db, group, entity_type, entity_id, field, lang, limit, offset) -> TranslationList:
    with db.begin():
        rows, total = service.listing(session=db, group=group, entity_type=entity_type,
                                      entity_id=entity_id, field=field, lang=lang,
                                      limit=limit, offset=offset)
        return TranslationList(items=[out(r) for r in rows], total=total, limit=limit,
                               offset=offset)


def _delete_many(db, settings, caller: Caller, group: str, body: TranslationKeys
                 ) -> DeleteResult:
    with db.begin():
        return DeleteResult(deleted=service.delete_many(
            session=db, group=group, keys=body.items,
            supported=settings.translations_supported_languages, actor_id=caller.id))


def _delete_one(db, caller: Caller, group: str, translation_id: str) -> None:
    with db.begin():
        service.delete_one(session=db, group=group, translation_id=translation_id,
                           actor_id=caller.id)


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
_PUT_DOC = ("Create or replace one text. 422 unknown_entity_type / unknown_field / "
            "bad_language / unsupported_language / empty_text / text_too_long / "
            "unknown_entity / unknown_placeholder; 409 translation_conflict.")
_BULK_DOC = "Up to 1000 texts, all checked first: one bad item writes nothing (422)."


# --- catalog texts -------------------------------------------------------------------
@router.put("/v1/admin/translations/catalog", response_model=PutResult,
            description=_PUT_DOC)
def put_catalog(body: TranslationIn, db: Db, settings: SettingsDep,
                caller: CatalogCaller) -> PutResult:
    return _put(db, settings, caller, "catalog", [body])


@router.put("/v1/admin/translations/catalog/bulk", response_model=PutResult,
            description=_BULK_DOC)
def put_catalog_bulk(body: TranslationBulkIn, db: Db, settings: SettingsDep,
                     caller: CatalogCaller) -> PutResult:
    return _put(db, settings, caller, "catalog", body.items)


@router.get("/v1/admin/translations/catalog", response_model=TranslationList)
def list_catalog(db: ReadDb, _: CatalogCaller, entity_type: EntityType | None = None,
                 entity_id: Filter = None, field: Filter = None, lang: Filter = None,
                 limit: Limit = 100, offset: Offset = 0) -> TranslationList:
    return _list(db, "catalog", entity_type, entity_id, field, lang, limit, offset)


@router.post("/v1/admin/translations/catalog/delete", response_model=DeleteResult)
def delete_catalog_many(body: TranslationKeys, db: Db, settings: SettingsDep,
                        caller: CatalogCaller) -> DeleteResult:
    """Delete the texts under these keys (keys without a text count as done)."""
    return _delete_many(db, settings, caller, "catalog", body)


@router.delete("/v1/admin/translations/catalog/{translation_id}", status_code=204)
def delete_catalog(translation_id: IdPath, db: Db, caller: CatalogCaller) -> None:
    _delete_one(db, caller, "catalog", translation_id)


# --- landing pages and message templates ---------------------------------------------
@router.put("/v1/admin/translations/content", response_model=PutResult,
            description=_PUT_DOC)
def put_content(body: TranslationIn, db: Db, settings: SettingsDep,
                caller: MarketingCaller) -> PutResult:
    return _put(db, settings, caller, "content", [body])


@router.put("/v1/admin/translations/content/bulk", response_model=PutResult,
            description=_BULK_DOC)
def put_content_bulk(body: TranslationBulkIn, db: Db, settings: SettingsDep,
                     caller: MarketingCaller) -> PutResult:
    return _put(db, settings, caller, "content", body.items)


@router.get("/v1/admin/translations/content", response_model=TranslationList)
def list_content(db: ReadDb, _: MarketingCaller, entity_type: EntityType | None = None,
                 entity_id: Filter = None, field: Filter = None, lang: Filter = None,
                 limit: Limit = 100, offset: Offset = 0) -> TranslationList:
    return _list(db, "content", entity_type, entity_id, field, lang, limit, offset)


@router.post("/v1/admin/translations/content/delete", response_model=DeleteResult)
def delete_content_many(body: TranslationKeys, db: Db, settings: SettingsDep,
                        caller: MarketingCaller) -> DeleteResult:
    return _delete_many(db, settings, caller, "content", body)


@router.delete("/v1/admin/translations/content/{translation_id}", status_code=204)
def delete_content(translation_id: IdPath, db: Db, caller: MarketingCaller) -> None:
    _delete_one(db, caller, "content", translation_id)


# --- a shopper's language ------------------------------------------------------------
@router.get("/v1/me/language", response_model=LanguageOut)
def my_language(db: ReadDb, settings: SettingsDep, caller: CurrentCaller) -> LanguageOut:
    with db.begin():
        lang = service.user_language(session=db, user_id=caller.id)
    return LanguageOut(lang=lang, default_language=settings.translations_default_language,
                       supported_languages=settings.translations_supported_languages)


@router.put("/v1/me/language", response_model=LanguageOut)
def set_my_language(body: LanguageIn, db: Db, settings: SettingsDep,
                    caller: CurrentCaller) -> LanguageOut:
    """The language messages are sent to you in (422 bad_language / unsupported_language)."""
    with db.begin():
        lang = service.set_user_language(session=db, user_id=caller.id, lang=body.lang,
                                         supported=settings.translations_supported_languages)
    return LanguageOut(lang=lang, default_language=settings.translations_default_language,
                       supported_languages=settings.translations_supported_languages)
