"""Translated texts: every text put or deleted, so the warehouse measures how much of
the catalog, the landing pages and the message templates each language covers. The
envelope's user_id is the operator who acted (None for an import)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Strict

EntityType = Literal["product", "category", "brand", "landing_page", "message_template"]


class TranslationChangedPayload(Strict):
    entity_type: EntityType
    entity_id: Id
    field: Annotated[str, Field(min_length=1, max_length=40)]
    lang: Annotated[str, Field(min_length=2, max_length=20)]
    action: Literal["created", "updated", "deleted"]


class TranslationChanged(Envelope):
    event_type: Literal["translation_changed"] = "translation_changed"
    payload: TranslationChangedPayload


TRANSLATION_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (TranslationChanged,)
}
