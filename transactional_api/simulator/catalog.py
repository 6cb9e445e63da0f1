"""Demo catalogs built from a seed (or from the Olist products file) and loaded via admin API."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from transactional_api.simulator.client import ApiClient


@dataclass(frozen=True)
class SkuSpec:
    code: str
    name: str
    price_cents: int
    stock: int


@dataclass(frozen=True)
class ProductSpec:
    category_slug: str
    name: str
    description: str
    skus: tuple[SkuSpec, ...]


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    parent_slug: str | None = None


@dataclass
class CatalogSpec:
    categories: list[CategorySpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)


# (parent, child, price range in dollars, product nouns, variant axis with its options)
_TREE: dict[str, list[tuple[str, tuple[int, int], list[str], tuple[str, ...]]]] = {
    "Electronics": [
        ("Headphones", (29, 249), ["Wireless Earbuds", "Over-Ear Headphones", "Sport Earphones"],
         ("Black", "White", "Navy")),
        ("Phone Accessories", (9, 59), ["USB-C Charger", "Phone Case", "Power Bank",
                                        "Magnetic Car Mount"], ("Black", "Clear", "Sage")),
        ("Smart Home", (19, 179), ["Smart Plug", "Wi-Fi Camera", "Smart Bulb Set"],
         ("1-pack", "2-pack", "4-pack")),
    ],
    "Home & Kitchen": [
        ("Cookware", (24, 189), ["Cast Iron Skillet", "Nonstick Pan", "Dutch Oven"],
         ("20 cm", "24 cm", "28 cm")),
        ("Coffee & Tea", (8, 149), ["Pour-Over Kettle", "Burr Grinder", "Loose Leaf Tea Tin",
                                    "French Press"], ("Matte Black", "Steel", "Copper")),
        ("Bedding", (29, 159), ["Linen Duvet Cover", "Cotton Sheet Set", "Wool Throw"],
         ("Single", "Double", "King")),
    ],
    "Fashion": [
        ("Shoes", (49, 169), ["Trail Runner", "Leather Sneaker", "Canvas Slip-On"],
         ("EU 38", "EU 41", "EU 44")),
        ("Bags", (19, 229), ["Canvas Tote", "Everyday Backpack", "Leather Crossbody"],
         ("Olive", "Sand", "Black")),
        ("Outerwear", (59, 289), ["Rain Shell", "Quilted Vest", "Wool Overcoat"],
         ("S", "M", "L")),
    ],
    "Sports & Outdoors": [
        ("Running", (12, 139), ["Running Vest", "Reflective Armband", "Hydration Belt"],
         ("S/M", "L/XL")),
        ("Camping", (15, 329), ["Two-Person Tent", "Down Sleeping Bag", "Camp Stove"],
         ("Standard", "Ultralight")),
        ("Yoga", (14, 99), ["Cork Yoga Mat", "Yoga Block", "Stretch Strap"],
         ("Natural", "Plum", "Slate")),
    ],
    "Beauty": [
        ("Skincare", (9, 69), ["Hydrating Serum", "Mineral Sunscreen", "Gentle Cleanser"],
         ("30 ml", "50 ml", "100 ml")),
        ("Fragrance", (35, 139), ["Eau de Parfum", "Solid Perfume"], ("15 ml", "50 ml")),
    ],
    "Books": [
        ("Fiction", (9, 29), ["Paperback Novel", "Short Story Collection"],
         ("Paperback", "Hardcover")),
        ("Cookbooks", (15, 45), ["Weeknight Cookbook", "Baking Handbook"],
         ("Paperback", "Hardcover")),
    ],
}
_BRANDS = ["Northwind", "Aurora", "Kestrel", "Lumen", "Fjord", "Cobalt", "Meridian", "Tidewater",
           "Ember", "Alder", "Halcyon", "Quarry"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _price(rng: random.Random, low: int, high: int) -> int:
    # Shops price at .99/.49 endings; keep cents integer and strictly positive.
    return rng.randint(low, high) * 100 - rng.choice((1, 51, 0))


def build_demo_catalog(seed: int = 0, *, products: int = 40) -> CatalogSpec:
    """A small shop: a two-level category tree and ``products`` products with 1-3 SKUs."""
    rng = random.Random(f"catalog:{seed}")
    spec = CatalogSpec()
    leaves = []
    for parent, children in _TREE.items():
        spec.categories.append(CategorySpec(slugify(parent), parent))
        for child, prices, nouns, variants in children:
            spec.categories.append(CategorySpec(slugify(child), child, slugify(parent)))
            leaves.extend((child, prices, noun, variants) for noun in nouns)
    rng.shuffle(leaves)
    used: set[str] = set()
    while len(spec.products) < products:
        child, (low, high), noun, variants = leaves[len(spec.products) % len(leaves)]
        brand = rng.choice(_BRANDS)
        name = f"{brand} {noun}"
        if name in used:
            name = f"{name} {rng.choice(['II', 'Pro', 'Lite', 'Plus', 'Max'])}"
        if name in used:
            continue
        used.add(name)
        code_base = f"{slugify(name)[:24].upper()}-{len(spec.products):03d}"
        base = _price(rng, low, high)
        chosen = rng.sample(variants, k=min(len(variants), rng.randint(1, 3)))
        # later variants cost a little more (bigger size, premium finish)
        step = rng.choice((0, 500, 1000))
        skus = tuple(
            SkuSpec(
                code=f"{code_base}-{i}",
                name=f"{name} — {variant}",
                price_cents=base + i * step,
                stock=rng.randint(200, 600),
            )
            for i, variant in enumerate(chosen)
        )
        spec.products.append(ProductSpec(
            category_slug=slugify(child),
            name=name,
            description=f"{name} from our {child.lower()} range by {brand}.",
            skus=skus,
        ))
    return spec


def build_olist_catalog(data_dir: Path, seed: int = 0, *, products: int = 60) -> CatalogSpec:
    """Products sampled from Olist's products file; Olist has no names or prices, so both are
    synthesized (name from category and id, price from a seeded log-normal per category)."""
    data_dir = Path(data_dir)
    products_csv = data_dir / "olist_products_dataset.csv"
    if data_dir.is_file():
        products_csv, data_dir = data_dir, data_dir.parent
    translation: dict[str, str] = {}
    tr_path = data_dir / "product_category_name_translation.csv"
    if tr_path.exists():
        with tr_path.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                translation[row["product_category_name"]] = row["product_category_name_english"]
    with products_csv.open(newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("product_category_name")]
    rows.sort(key=lambda r: r["product_id"])
    rng = random.Random(f"olist:{seed}")
    sample = rng.sample(rows, k=min(products, len(rows)))
    spec = CatalogSpec()
    seen_cats: dict[str, float] = {}
    for row in sample:
        raw_cat = row["product_category_name"]
        english = translation.get(raw_cat, raw_cat)
        cat_name = english.replace("_", " ").strip().title()
        slug = slugify(english)
        if slug not in seen_cats:
            spec.categories.append(CategorySpec(slug, cat_name))
            seen_cats[slug] = rng.uniform(3.0, 4.6)  # log-dollars: ~$20 .. ~$100 median
        mu = seen_cats[slug]
        weight_kg = (int(row.get("product_weight_g") or 0) or 500) / 1000
        price = max(199, int(round(rng.lognormvariate(mu, 0.5) * 100)))
        spec.products.append(ProductSpec(
            category_slug=slug,
            name=f"{cat_name} #{row['product_id'][:8]}",
            description=f"Olist product {row['product_id']} ({cat_name}, {weight_kg:g} kg).",
            skus=(SkuSpec(
                code=f"OL-{row['product_id'][:12].upper()}",
                name=f"{cat_name} #{row['product_id'][:8]}",
                price_cents=price,
                stock=rng.randint(100, 400),
            ),),
        ))
    return spec


def load_catalog(
    client: ApiClient, *, admin_token: str, spec: CatalogSpec, clock: datetime | None = None
) -> dict[str, int]:
    """Create categories (parents first) then products through the admin endpoints."""
    ids: dict[str, str] = {}
    for cat in spec.categories:
        body = {"name": cat.name, "slug": cat.slug}
        if cat.parent_slug:
            body["parent_id"] = ids[cat.parent_slug]
        created = client.post(
            "/v1/admin/categories", json=body, token=admin_token, clock=clock
        )
        ids[cat.slug] = created["id"]
    for prod in spec.products:
        client.post(
            "/v1/admin/products",
            token=admin_token,
            clock=clock,
            json={
                "category_id": ids[prod.category_slug],
                "name": prod.name,
                "description": prod.description,
                "skus": [
                    {"code": s.code, "name": s.name, "price_cents": s.price_cents,
                     "stock": s.stock}
                    for s in prod.skus
                ],
                "status": "listed",
            },
        )
    return {"categories": len(spec.categories), "products": len(spec.products)}
