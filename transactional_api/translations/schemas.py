from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

EntityType = Literal["product", "category", "brand", "landing_page", "message_template"]
Id = Annotated[str, Field(min_length=1, max_length=36)]
FieldName = Annotated[str, Field(min_length=1, max_length=40)]
# The tag is checked and normalised by the service (422 bad_language), not by the schema,
# so every bad tag answers with the same code.
Tag = Annotated[str, Field(min_length=1, max_length=20)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranslationKey(_In):
    entity_type: EntityType
    entity_id: Id
    field: FieldName
    lang: Tag


class TranslationIn(TranslationKey):
    # Empty (or blank) text is 422 empty_text from the service: delete a text instead.
    text: Annotated[str, Field(max_length=20_000)]


class TranslationBulkIn(_In):
    items: list[TranslationIn] = Field(min_length=1, max_length=1000)


class TranslationKeys(_In):
    items: list[TranslationKey] = Field(min_length=1, max_length=1000)


class TranslationOut(BaseModel):
    id: str
    entity_type: str
    entity_id: str
    field: str
    lang: str
    text: str
    updated_by: str | None
    updated_at: datetime


class TranslationList(BaseModel):
    items: list[TranslationOut]
    total: int
    limit: int
    offset: int


class PutResult(BaseModel):
    items: list[TranslationOut]
    created: int
    updated: int
    unchanged: int


class DeleteResult(BaseModel):
    deleted: int


class LanguageIn(_In):
    lang: Tag


class LanguageOut(BaseModel):
    lang: str | None
    default_language: str
    supported_languages: list[str]
