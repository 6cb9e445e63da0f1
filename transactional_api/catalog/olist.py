"""Loads the Olist public catalog (CC BY-NC-SA 4.0, Olist via Kaggle) as a marketplace.

What the data gives: 32,951 products (category in Portuguese, weight, dimensions), 3,095
sellers (city, state) and 71 English category names. What it lacks, generated here from a
seed so the same seed always gives the same catalog: product names and descriptions, prices,
stock, and which seller sells which product (these files have no product-seller link;
Olist's order items, which do, are not in the folder). Ids are kept from Olist (products,
merchants) or derived from them (uuid5), so later imports can link Olist data.

Categories: one per distinct Olist name. 71 have an English name in the translation file;
two names used by 13 products (``pc_gamer``, ``portateis_cozinha_e_preparadores_de_alimentos``)
are missing from it and get the English names below; 610 products have no category and go
to "Uncategorised". So the full load makes 74 categories.
"""

from __future__ import annotations

import csv
import math
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.bulk import CatalogBatch, Progress, write_batch
from transactional_api.catalog.csv_format import slugify
from transactional_api.catalog.models import Category, Merchant, Product, Sku
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Unprocessable

PRODUCTS_FILE = "olist_products_dataset.csv"
SELLERS_FILE = "olist_sellers_dataset.csv"
TRANSLATION_FILE = "product_category_name_translation.csv"
_NS = uuid.UUID("5b0f6a6e-2f7c-4f1e-9a57-0c1e5d1f0a11")  # fixed: ids must not change per run
MISSING_TRANSLATIONS = {
    "pc_gamer": "pc_gamer",
    "portateis_cozinha_e_preparadores_de_alimentos": "portable_kitchen_food_preparers",
}
UNCATEGORISED = "uncategorised"
# Median price in dollars for categories where a random one would look wrong; the others
# draw theirs from the seed between $12 and $150.
MEDIAN_DOLLARS = {
    "computers": 900, "pc_gamer": 1200, "home_appliances_2": 450, "small_appliances": 180,
    "air_conditioning": 350, "furniture_bedroom": 300, "furniture_living_room": 250,
    "office_furniture": 220, "watches_gifts": 150, "musical_instruments": 180,
    "telephony": 60, "food": 12, "drinks": 15, "flowers": 25, "diapers_and_hygiene": 20,
    "books_general_interest": 18, "books_technical": 40, "cds_dvds_musicals": 15,
}
_ADJECTIVES = ("Classic", "Compact", "Deluxe", "Essential", "Premium", "Everyday", "Sturdy",
               "Lightweight", "Modern", "Vintage", "Natural", "Pro")
_NOUNS = ("Set", "Kit", "Pack", "Edition", "Model", "Series", "Selection", "Collection",
          "Essentials", "Piece")


@dataclass(frozen=True)
class OlistSummary:
    products: int
    skus: int
    merchants: int
    categories: int
    skipped_products: int
    uncategorised: int


def _read(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise Unprocessable(f"{path} not found: PATH must be the Olist folder holding "
                            f"{PRODUCTS_FILE}, {SELLERS_FILE} and {TRANSLATION_FILE}",
                            code="olist_file_missing")
    # utf-8-sig: the translation file starts with a byte-order mark
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = set(required) - set(reader.fieldnames or ())
        if missing:
            raise Unprocessable(f"{path.name} lacks column(s) {', '.join(sorted(missing))}",
                                code="olist_bad_file")
        return list(reader)


def _int(text: str) -> int | None:
    return int(text) if text and text.isdigit() else None


def _category_names(products: list[dict[str, str]], translation: dict[str, str]
                    ) -> dict[str, tuple[str, str]]:
    """Olist name ("" for none) -> (slug, display name), for every name the products use
    and every translated one."""
    out = {}
    for pt in sorted({p["product_category_name"] for p in products} | set(translation)):
        if not pt:
            out[pt] = (UNCATEGORISED, "Uncategorised")
            continue
        english = translation.get(pt) or MISSING_TRANSLATIONS.get(pt) or pt
        out[pt] = (slugify(english), english.replace("_", " ").strip().capitalize())
    return out


def _seller_picker(seller_ids: list[str], seed: int):
    """Sellers in a seeded order with Zipf-like weights: a few big shops, a long tail."""
    order = sorted(seller_ids)
    random.Random(f"olist:{seed}:sellers").shuffle(order)
    cum, total = [], 0.0
    for rank in range(len(order)):
        total += 1.0 / (rank + 1) ** 0.7
        cum.append(total)
    return lambda rng: rng.choices(order, cum_weights=cum)[0]


def _median_cents(slug: str, seed: int) -> float:
    key = slug.replace("-", "_")
    if key in MEDIAN_DOLLARS:
        return MEDIAN_DOLLARS[key] * 100.0
    draw = random.Random(f"olist:{seed}:category:{slug}").uniform(math.log(12), math.log(150))
    return math.exp(draw) * 100.0


def _price_cents(rng: random.Random, median: float, weight_g: int | None) -> int:
    # Heavier goods cost a little more within a category; shops price at x.99 / x.90 / x.00.
    heft = min(3.0, max(0.5, ((weight_g or 800) / 800) ** 0.25))
    dollars = max(1, round(rng.lognormvariate(math.log(median / 100 * heft), 0.45)))
    return dollars * 100 - rng.choice((1, 10, 0))


def _stock(rng: random.Random) -> int:
    if rng.random() < 0.04:
        return 0  # a few products start sold out
    return min(999, int(rng.lognormvariate(math.log(30), 0.9)) + 1)


def build_batch(*, folder: Path, seed: int, limit: int | None, currency: str,
                session: Session) -> tuple[CatalogBatch, OlistSummary]:
    """Everything the load would write, minus what the shop already has (so a second run
    writes nothing); ids and generated values depend only on the data and the seed."""
    products = _read(folder / PRODUCTS_FILE, (
        "product_id", "product_category_name", "product_weight_g", "product_length_cm",
        "product_height_cm", "product_width_cm"))
    sellers = _read(folder / SELLERS_FILE, ("seller_id", "seller_city", "seller_state"))
    translation = {r["product_category_name"]: r["product_category_name_english"]
                   for r in _read(folder / TRANSLATION_FILE, (
                       "product_category_name", "product_category_name_english"))}
    # Every category and seller is created even with --limit: it limits products only.
    names = _category_names(products, translation)
    if limit is not None:
        products = products[:limit]
    now = clock.now()
    batch = CatalogBatch()

    known_categories = dict(session.execute(select(Category.slug, Category.id)).all())
    category_id: dict[str, str] = {}
    for slug, name in sorted(dict(names.values()).items()):
        category_id[slug] = known_categories.get(slug) or str(uuid.uuid5(_NS, f"cat:{slug}"))
        if slug not in known_categories:
            batch.categories.append({"id": category_id[slug], "parent_id": None, "name": name,
                                     "slug": slug, "path": f"/{category_id[slug]}/",
                                     "depth": 0, "created_at": now})

    known_merchants = dict(session.execute(select(Merchant.slug, Merchant.id)).all())
    merchant_id: dict[str, str] = {}
    city: dict[str, str] = {}
    for s in sellers:
        sid = s["seller_id"]
        merchant_id[sid] = known_merchants.get(sid, sid)
        city[sid] = f"{s['seller_city'].title()}, {s['seller_state'].upper()}"
        if sid not in known_merchants:
            batch.merchants.append({
                "id": sid, "slug": sid, "name": f"{s['seller_city'].title()} seller {sid[:6]}",
                "region": s["seller_state"].upper()[:16] or None,
                "city": s["seller_city"][:120] or None, "status": "active",
                "created_at": now})

    have = _present(session, Product.id, [p["product_id"] for p in products])
    pick_seller = _seller_picker(list(merchant_id), seed)
    medians = {slug: _median_cents(slug, seed) for slug in category_id}
    skipped = uncategorised = 0
    for p in products:
        pid = p["product_id"]
        slug, cat_name = names[p["product_category_name"]]
        uncategorised += slug == UNCATEGORISED
        if pid in have:
            skipped += 1
            continue
        # One generator per product: its values do not depend on --limit or on the others.
        rng = random.Random(f"olist:{seed}:{pid}")
        seller = pick_seller(rng)
        adjective, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
        weight, dims = _int(p["product_weight_g"]), [
            _int(p[c]) for c in ("product_length_cm", "product_width_cm", "product_height_cm")]
        name = f"{cat_name} {adjective.lower()} {noun.lower()} #{pid[:6]}"
        size = " x ".join(str(d) for d in dims) + " cm" if all(dims) else "size not given"
        batch.products.append({
            "id": pid, "category_id": category_id[slug], "merchant_id": merchant_id[seller],
            "brand_id": None, "name": name,
            "description": (f"{adjective} {noun.lower()} from our {cat_name.lower()} range, "
                            f"shipped by a seller in {city[seller]}. "
                            f"{f'{weight} g' if weight is not None else 'Weight not given'}, "
                            f"{size}."),
            "status": "listed", "spec": {}, "images": [], "labels": [], "sold_count": 0,
            "created_at": now, "updated_at": now, "listed_at": now})
        sku_id = str(uuid.uuid5(_NS, f"sku:{pid}"))
        batch.skus.append({
            "id": sku_id, "product_id": pid, "code": f"OL-{pid}", "name": name,
            "price_cents": _price_cents(rng, medians[slug], weight), "currency": currency,
            "kind": "standard", "attributes": {}, "weight_grams": weight,
            "length_cm": dims[0], "width_cm": dims[1], "height_cm": dims[2],
            "ship_from_date": None, "created_at": now})
        batch.stock[sku_id] = _stock(rng)
    clash = _present(session, Sku.code, [s["code"] for s in batch.skus])
    if clash:
        raise Conflict(f"{len(clash)} SKU code(s) such as {min(clash)} already belong to "
                       "other products; nothing was imported", code="sku_code_taken")
    return batch, OlistSummary(
        products=len(batch.products), skus=len(batch.skus), merchants=len(batch.merchants),
        categories=len(batch.categories), skipped_products=skipped,
        uncategorised=uncategorised)


def _present(session: Session, column, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(session.scalars(select(column).where(column.in_(values[start:start + 500]))))
    return found


def import_olist(*, session: Session, folder: Path, seed: int, limit: int | None,
                 currency: str, progress: Progress | None = None) -> OlistSummary:
    """Build and write the catalog in the caller's transaction; skips what already exists."""
    batch, summary = build_batch(folder=folder, seed=seed, limit=limit, currency=currency,
                                 session=session)
    write_batch(session=session, batch=batch, actor_id=None, reason="olist import",
                progress=progress)
    return summary
