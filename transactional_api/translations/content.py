"""A served landing page in the request's language: its title, its blocks' titles,
headings and bodies (translated by their position in the definition) and the names on
its product cards."""

from __future__ import annotations

from sqlalchemy.orm import Session

from transactional_api.core.errors import NotFound
from transactional_api.landing import definitions as landing
from transactional_api.landing.schemas import ServedPage
from transactional_api.translations import texts
from transactional_api.translations.language import LangChain

BLOCK_FIELDS = ("title", "heading", "body")
MAX_BLOCKS = 30  # a page's blocks (landing/schemas.py PageIn)


def _positions(session: Session, page: ServedPage) -> list[int | None]:
    """The definition index of each served block. Serving drops a coupon block whose
    template is gone, so definitions are walked beside the served blocks; a definition
    of another version than the one served gives no positions (nothing mistranslated)."""
    try:
        found = landing.get_page(session=session, page_id=page.id)
    except NotFound:
        return [None] * len(page.blocks)
    if found.version != page.version:
        return [None] * len(page.blocks)
    out, i, blocks = [], 0, list(found.blocks or [])
    for served in page.blocks:
        while i < len(blocks) and not (
                blocks[i].get("kind") == served.kind and (
                    served.kind != "coupon" or blocks[i].get("template_id") == served.template_id)):
            i += 1
        out.append(i if i < len(blocks) else None)
        i += 1
    return out


def localize_page(session: Session, page: ServedPage, chain: LangChain | None) -> ServedPage:
    if chain is None:
        return page
    fields = ["title"] + [f"blocks.{n}.{f}" for n in range(MAX_BLOCKS)
                          for f in BLOCK_FIELDS]
    found = texts.lookup(session=session, entity_type="landing_page", entity_ids=[page.id],
                         fields=fields, langs=chain.tags)
    title = texts.pick(found.get((page.id, "title"), {}), chain) or page.title
    blocks = []
    for served, pos in zip(page.blocks, _positions(session, page), strict=True):
        update: dict[str, object] = {}
        for f in BLOCK_FIELDS:
            if getattr(served, f) is None or pos is None:
                continue
            text = texts.pick(found.get((page.id, f"blocks.{pos}.{f}"), {}), chain)
            if text is not None:
                update[f] = text
        if served.products:
            update["products"] = texts.localize(session, "product", served.products,
                                                ("name",), chain, id_key="product_id")
        blocks.append(served.model_copy(update=update) if update else served)
    return page.model_copy(update={"title": title, "blocks": blocks})

