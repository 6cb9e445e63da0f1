"""What a translation may be: a field the entity type has, a tag the shop offers, a text
within the field's length, of an entity that exists. Every item of a bulk request is
checked before anything is written (bad input changes nothing)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.landing import definitions as landing
from transactional_api.reach import campaigns, templates
from transactional_api.translations.language import accepted, normalise

# field -> longest text, as long as the original's column allows
FIELDS: dict[str, dict[str, int]] = {
    "product": {"name": 200, "description": 20_000},
    "category": {"name": 120},
    "brand": {"name": 200},
    "landing_page": {"title": 200},
    "message_template": {"subject": 120, "template": 400},
}
# a landing page's block texts, by position: blocks.0.heading, blocks.3.body
_BLOCK_FIELD = re.compile(r"^blocks\.([0-9]|[12][0-9])\.(title|heading|body)$")
_BLOCK_MAX = {"title": 200, "heading": 200, "body": 4000}
GROUPS = {"catalog": ("product", "category", "brand"),
          "content": ("landing_page", "message_template")}


def field_limit(entity_type: str, field: str) -> int | None:
    if field in FIELDS.get(entity_type, {}):
        return FIELDS[entity_type][field]
    m = _BLOCK_FIELD.match(field) if entity_type == "landing_page" else None
    return _BLOCK_MAX[m.group(2)] if m else None


def tag(lang: str, supported: Sequence[str]) -> str:
    try:
        out = normalise(lang)
    except ValueError as exc:
        raise Unprocessable(str(exc), code="bad_language") from None
    if not accepted(out, supported):
        raise Unprocessable(f"{out} is not one of the shop's languages",
                            code="unsupported_language", details={"supported": list(supported)})
    return out


def item(*, group: str, entity_type: str, field: str, lang: str, text: str | None,
         supported: Sequence[str]) -> tuple[str, str | None]:
    """(normalised tag, stripped text) or 422 for this one item, entities not yet read."""
    if entity_type not in GROUPS[group]:
        raise Unprocessable(f"{entity_type} texts are not managed here",
                            code="unknown_entity_type",
                            details={"entity_types": list(GROUPS[group])})
    limit = field_limit(entity_type, field)
    if limit is None:
        raise Unprocessable(f"{entity_type} has no translatable field {field!r}",
                            code="unknown_field",
                            details={"fields": sorted(FIELDS[entity_type])})
    norm = tag(lang, supported)
    if text is None:
        return norm, None
    text = text.strip()
    if not text:
        raise Unprocessable("the text is empty (delete the translation instead)",
                            code="empty_text")
    if len(text) > limit:
        raise Unprocessable(f"{entity_type}.{field} takes at most {limit} characters",
                            code="text_too_long")
    return norm, text


def entities(session: Session, wanted: dict[str, set[str]],
             texts: dict[tuple[str, str, str], str]) -> list[dict]:
    """The items naming entities that do not exist (or a page block or template field
    they cannot fill), as error details; empty when all is well."""
    errors: list[dict] = []
    for entity_type, ids in wanted.items():
        if entity_type == "product":
            found = set(catalog.product_skus(session=session, product_ids=sorted(ids),
                                             sku_ids=[]))
        elif entity_type == "category":
            found = {c.id for c in catalog.list_categories(session=session)}
        elif entity_type == "brand":
            found = {b.id for b in catalog.list_brands(session=session)}
        else:
            found = {i for i in ids if _content_exists(session, entity_type, i)}
        errors += [{"entity_type": entity_type, "entity_id": i, "code": "unknown_entity"}
                   for i in sorted(ids - found)]
    for (entity_type, eid, field), text in sorted(texts.items()):
        if entity_type == "landing_page" and field.startswith("blocks."):
            errors += _block(session, eid, field)
        elif entity_type == "message_template" and text is not None:
            errors += _placeholders(session, eid, field, text)
    return errors


def _content_exists(session: Session, entity_type: str, entity_id: str) -> bool:
    try:
        if entity_type == "landing_page":
            landing.get_page(session=session, page_id=entity_id)
        else:
            campaigns.get(session=session, campaign_id=entity_id)
    except NotFound:
        return False
    return True


def _block(session: Session, page_id: str, field: str) -> list[dict]:
    try:
        blocks = landing.get_page(session=session, page_id=page_id).blocks or []
    except NotFound:
        return []  # reported as unknown_entity
    _, index, key = field.split(".")
    if int(index) >= len(blocks) or not blocks[int(index)].get(key):
        return [{"entity_type": "landing_page", "entity_id": page_id, "field": field,
                 "code": "unknown_field"}]
    return []


def _placeholders(session: Session, campaign_id: str, field: str, text: str) -> list[dict]:
    """A translated template may use only the placeholders its original uses: the send
    fills those and no others."""
    try:
        c = campaigns.get(session=session, campaign_id=campaign_id)
    except NotFound:
        return []
    try:
        extra = set(templates.fields(text)) - set(templates.fields(getattr(c, field) or ""))
    except Unprocessable:
        extra = {"(malformed)"}
    if extra:
        return [{"entity_type": "message_template", "entity_id": campaign_id, "field": field,
                 "code": "unknown_placeholder", "placeholders": sorted(extra)}]
    return []
