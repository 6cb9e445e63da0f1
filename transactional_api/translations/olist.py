"""The Olist catalog's Portuguese category names as translations.

The Olist catalog import (catalog/olist.py) names each category in English (its slug and
name come from product_category_name_translation.csv), so English is the original text
and Portuguese the translation: each Olist name becomes the pt-BR name of the category
with that English slug ("cama_mesa_banho" -> "Cama mesa banho" on "Bed bath table").
The two names the file lacks get the catalog import's own English names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from transactional_api.catalog import olist as catalog_olist
from transactional_api.catalog import service as catalog
from transactional_api.catalog.csv_format import slugify
from transactional_api.core.errors import Unprocessable
from transactional_api.search import service as search
from transactional_api.translations import service
from transactional_api.translations.schemas import TranslationIn

LANG = "pt-BR"


@dataclass(frozen=True)
class OlistTranslations:
    names: int  # Portuguese names read
    matched: int  # of them naming a category the shop has
    created: int
    updated: int
    unchanged: int


def portuguese_names(folder: Path) -> dict[str, str]:
    """English slug -> Portuguese display name, from the translation file."""
    path = folder / catalog_olist.TRANSLATION_FILE
    if not path.is_file():
        raise Unprocessable(f"{path} not found: DIR must be the Olist folder",
                            code="olist_file_missing")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"product_category_name", "product_category_name_english"} <= set(
                reader.fieldnames or ()):
            raise Unprocessable(f"{path.name} lacks its two columns", code="olist_bad_file")
        pairs = {r["product_category_name"]: r["product_category_name_english"]
                 for r in reader if r["product_category_name"]}
    pairs.update({pt: en for pt, en in catalog_olist.MISSING_TRANSLATIONS.items()
                  if pt not in pairs})
    return {slugify(en): pt.replace("_", " ").strip().capitalize()
            for pt, en in sorted(pairs.items())}


def import_translations(*, session: Session, folder: Path, supported: list[str],
                        actor_id: str | None = None) -> OlistTranslations:
    """Put the pt-BR names of the shop's Olist categories (a re-run changes nothing) and
    reindex the products under those that changed, in the caller's transaction."""
    names = portuguese_names(folder)
    by_slug = {c.slug: c.id for c in catalog.list_categories(session=session)}
    items = [TranslationIn(entity_type="category", entity_id=by_slug[slug], field="name",
                           lang=LANG, text=text)
             for slug, text in sorted(names.items()) if slug in by_slug]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if items:
        _, counts = service.put(session=session, group="catalog", items=items,
                                supported=supported, actor_id=actor_id, reindex=False)
    if counts["created"] or counts["updated"]:
        # one rebuild of the documents under them, not one per category
        search.reindex_categories(session=session, category_ids=[i.entity_id for i in items])
    return OlistTranslations(names=len(names), matched=len(items), **counts)
