"""A small catalog with a category tree, brands, merchants, labels, prices and stock."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import update

from tests.conftest import LiveApi, make_settings, run_api
from transactional_api.catalog.models import Product
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.search import service


@dataclass
class Shop:
    cats: dict[str, str] = field(default_factory=dict)
    brands: dict[str, str] = field(default_factory=dict)
    merchants: dict[str, str] = field(default_factory=dict)
    products: dict[str, dict] = field(default_factory=dict)


# key: (name, description, category, brand, merchant, price_cents, stock, labels, sold)
PRODUCTS = {
    "chef": ("Chef Knife Steel", "A sharp santoku style blade", "knives", "acme", None,
             4_500, 5, ["hot"], 40),
    "bread": ("Bread Knife", "Serrated edge", "knives", "globex", None, 2_000, 0, ["new"], 5),
    "pan": ("Cast Iron Pan", "Pairs well with any knife", "kitchen", "acme", None, 6_000, 3,
            ["hot", "eco"], 90),
    "hose": ("Garden Hose", "Twenty metres", "garden", "globex", "cafe", 1_500, 10, [], 12),
    "mug": ("Café Crème Mug", "Stoneware", "kitchen", None, "cafe", 900, 7, ["eco"], 60),
    "racket": ("Tennis Racket", "Carbon frame", "sports", "acme", None, 12_000, 2, ["new"], 1),
}
LISTED = len(PRODUCTS)


def admin_post(admin: httpx.Client, path: str, body: dict) -> dict:
    r = admin.post(path, json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def seed(api: LiveApi, admin: httpx.Client) -> Shop:
    run = uuid.uuid4().hex[:6]
    shop = Shop()
    for key, parent in (("home", None), ("kitchen", "home"), ("knives", "kitchen"),
                        ("garden", "home"), ("sports", None)):
        body = {"name": key.title(), "slug": f"{key}-{run}"}
        if parent:
            body["parent_id"] = shop.cats[parent]
        shop.cats[key] = admin_post(admin, "/v1/admin/categories", body)["id"]
    for key in ("acme", "globex"):
        shop.brands[key] = admin_post(admin, "/v1/admin/brands", {
            "name": key.title(), "slug": f"{key}-{run}"})["id"]
    shop.merchants["cafe"] = admin_post(admin, "/v1/admin/merchants", {
        "name": "Cafe Traders", "slug": f"cafe-{run}"})["id"]
    for key, (name, desc, cat, brand, merchant, price, stock, labels, _) in PRODUCTS.items():
        body = {"category_id": shop.cats[cat], "name": name, "description": desc,
                "labels": labels, "status": "listed",
                "skus": [{"code": f"{key}-{run}", "price_cents": price, "stock": stock},
                         {"code": f"{key}-{run}-xl", "price_cents": price + 500, "stock": 0}]}
        if brand:
            body["brand_id"] = shop.brands[brand]
        if merchant:
            body["merchant_id"] = shop.merchants[merchant]
        shop.products[key] = admin_post(admin, "/v1/admin/products", body)
    # Never searchable: a draft, and a product listed then delisted. Both say "knife".
    shop.products["draft"] = admin_post(admin, "/v1/admin/products", {
        "category_id": shop.cats["knives"], "name": "Secret Knife", "status": "draft",
        "skus": [{"code": f"draft-{run}", "price_cents": 100, "stock": 1}]})
    gone = admin_post(admin, "/v1/admin/products", {
        "category_id": shop.cats["knives"], "name": "Retired Knife", "status": "listed",
        "skus": [{"code": f"gone-{run}", "price_cents": 100, "stock": 1}]})
    admin_post(admin, f"/v1/admin/products/{gone['id']}/transitions",
               {"action": "delist", "reason": "discontinued"})
    shop.products["delisted"] = gone
    # Sales come from orders; setting them here keeps the bestselling order exact.
    with transaction(api.sessions) as s:
        for key, spec in PRODUCTS.items():
            s.execute(update(Product).where(Product.id == shop.products[key]["id"])
                      .values(sold_count=spec[-1], updated_at=clock.now()))
    with transaction(api.sessions) as s:
        service.reindex_all(session=s)
    return shop


@pytest.fixture
def shop(api: LiveApi, admin: httpx.Client) -> Shop:
    return seed(api, admin)


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def fresh_database(postgres_url: str) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    import psycopg

    name = f"search_{uuid.uuid4().hex[:12]}"
    server = postgres_url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres_url.rsplit('/', 1)[0]}/{name}"


def engine_settings(request, tmp_dir, redis_url: str, **overrides):
    if request.param == "postgresql":
        overrides["database_url"] = fresh_database(request.getfixturevalue("postgres_url"))
    return make_settings(tmp_dir / "var", redis_url, **overrides)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory, redis_server) -> Iterator[tuple[LiveApi, Shop]]:
    """One API per engine and test module, with the shop seeded: for tests that only read."""
    settings = engine_settings(request, tmp_path_factory.mktemp("search"), redis_server.url)
    for live in run_api(settings):
        with live.client(live.admin_token()) as admin:
            yield live, seed(live, admin)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_api(request, tmp_path, redis_server) -> Iterator[LiveApi]:
    """A fresh API on each engine, for tests that write."""
    yield from run_api(engine_settings(request, tmp_path, redis_server.url))
