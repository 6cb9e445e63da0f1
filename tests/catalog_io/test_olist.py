"""The Olist loader over a tiny Olist-shaped folder (olist_sample.py) and over the real data
when ../shared/data/olist is present."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.catalog_io.conftest import OLIST
from tests.catalog_io.olist_sample import load, write_sample
from transactional_api.catalog import olist
from transactional_api.catalog.models import Category, Merchant, Product, ProductStatusChange, Sku
from transactional_api.cli.main import main
from transactional_api.core.errors import Unprocessable
from transactional_api.events.models import OutboxEvent
from transactional_api.inventory import service as inventory


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_sample(tmp_path / "olist")


def catalog(sessions) -> dict[str, tuple]:
    """Everything the seed decides, per product id."""
    with sessions() as s:
        rows = s.execute(select(Product.id, Product.name, Product.description,
                                Product.merchant_id, Sku.code, Sku.price_cents, Sku.id)
                         .join(Sku, Sku.product_id == Product.id)).all()
        units = inventory.sellable(session=s, sku_ids=[r[-1] for r in rows])
    return {r[0]: (*r[1:-1], units[r[-1]]) for r in rows}


def test_tiny_folder_loads_as_a_listed_marketplace(make_db, folder):
    sessions = make_db("a.db")
    done = load(sessions, folder)
    assert (done.products, done.skus, done.merchants, done.skipped_products,
            done.uncategorised) == (8, 8, 3, 0, 1)
    with sessions() as s:
        cats = {c.slug: c.name for c in s.scalars(select(Category))}
        # five translated names (one unused by the products), pc_gamer from the built-in
        # translations, and the blank category
        assert cats == {"perfumery": "Perfumery", "art": "Art",
                        "sports-leisure": "Sports leisure", "baby": "Baby",
                        "health-beauty": "Health beauty", "pc-gamer": "Pc gamer",
                        "uncategorised": "Uncategorised"}
        sellers = {m.id: (m.slug, m.region, m.city) for m in s.scalars(
            select(Merchant).where(Merchant.id != "self-operated"))}
        assert sellers["d1b65fc7debc3361ea86b5f14c68d2e2"] == (
            "d1b65fc7debc3361ea86b5f14c68d2e2", "SP", "mogi guacu")
        assert len(sellers) == 3
        products = {p.id: p for p in s.scalars(select(Product))}
        assert len(products) == 8 and {p.status for p in products.values()} == {"listed"}
        assert set(p.merchant_id for p in products.values()) <= set(sellers)
        heavy = s.scalar(select(Sku).where(Sku.product_id == "732bd381ad09e530fe0a5f457d81becb"))
        assert (heavy.code, heavy.weight_grams, heavy.length_cm, heavy.width_cm,
                heavy.height_cm) == ("OL-732bd381ad09e530fe0a5f457d81becb", 18350, 70, 44, 24)
        blank = s.scalar(select(Sku).where(Sku.product_id == "2548af3e6e77a690cf3eb6368e9ab61e"))
        assert blank.weight_grams is None and blank.height_cm is None
        perfume = products["1e9e8ef04dbcff4541ed26657ea517e5"]
        assert perfume.name.startswith("Perfumery ") and perfume.name.endswith("#1e9e8e")
        assert "225 g" in perfume.description
        assert all(k.price_cents > 0 for k in s.scalars(select(Sku)))
        assert s.scalar(select(func.count()).select_from(ProductStatusChange)) == 8
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.event_type == "product_status_changed")) == 8
        assert inventory.ledger_mismatches(session=s) == []


def test_same_seed_same_catalog_and_a_second_run_adds_nothing(make_db, folder):
    a = make_db("a.db")
    b = make_db("b.db")
    c = make_db("c.db")
    load(a, folder, seed=7)
    load(b, folder, seed=7)
    load(c, folder, seed=8)
    assert catalog(a) == catalog(b)
    prices = lambda cat: {pid: v[4] for pid, v in cat.items()}  # noqa: E731
    assert prices(catalog(a)) != prices(catalog(c))

    again = load(a, folder, seed=7)
    assert (again.products, again.merchants, again.categories, again.skipped_products) == (
        0, 0, 0, 8)
    assert catalog(a) == catalog(b)
    with a() as s:
        assert s.scalar(select(func.count()).select_from(ProductStatusChange)) == 8


def test_a_limited_load_is_a_prefix_of_the_full_one(make_db, folder):
    part = make_db("part.db")
    full = make_db("full.db")
    assert load(part, folder, limit=3).products == 3
    load(full, folder)
    first3 = {k: v for k, v in catalog(full).items() if k in catalog(part)}
    assert catalog(part) == first3 and len(first3) == 3
    rest = load(part, folder)
    assert (rest.products, rest.skipped_products) == (5, 3)
    assert catalog(part) == catalog(full)


def test_missing_files_are_a_clear_refusal(make_db, folder):
    sessions = make_db("a.db")
    (folder / olist.SELLERS_FILE).unlink()
    with pytest.raises(Unprocessable, match="olist_sellers_dataset.csv"):
        load(sessions, folder)
    (folder / olist.SELLERS_FILE).write_text("seller_id,city\nx,y\n")
    with pytest.raises(Unprocessable, match="seller_state"):
        load(sessions, folder)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 0


def test_cli_loads_then_skips(tmp_path, folder, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FLYWHEEL_DATABASE_URL", raising=False)
    argv = ["import", "olist-catalog", str(folder), "--seed", "3", "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "8 products" in out and "3 merchants" in out and "7 categories" in out
    assert main(argv) == 0
    assert "0 products" in capsys.readouterr().out
    assert main(["import", "olist-catalog", str(tmp_path / "nowhere"), "--no-progress"]) == 1
    assert "olist_products_dataset.csv" in capsys.readouterr().err
    export = tmp_path / "catalog.csv"
    assert main(["export", "catalog-csv", str(export)]) == 0
    assert len(export.read_text().splitlines()) == 1 + 8


@pytest.mark.slow
@pytest.mark.skipif(not (OLIST / olist.PRODUCTS_FILE).is_file(),
                    reason="../shared/data/olist not present (set FLYWHEEL_SHARED_DATA)")
def test_real_olist_catalog(tmp_path, make_db, monkeypatch):
    monkeypatch.delenv("FLYWHEEL_DATABASE_URL", raising=False)
    prices = []
    for run in ("one", "two"):
        monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / run))
        started = time.perf_counter()
        assert main(["import", "olist-catalog", str(OLIST), "--seed", "11",
                     "--no-progress"]) == 0
        elapsed = time.perf_counter() - started
        sessions = make_db(f"{run}/oltp.sqlite3")
        with sessions() as s:
            count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
            # Figures of the data set itself (../shared/data/README.md): 32,951 products,
            # 3,095 sellers, 71 translated categories; 610 products have no category.
            assert count(Product) == count(Sku) == 32_951
            assert count(Merchant) == 3_095 + 1  # and the self-operated one
            names = {c.name for c in s.scalars(select(Category))}
            english = [line.split(",")[1].strip() for line in (
                OLIST / olist.TRANSLATION_FILE).read_text(encoding="utf-8-sig").splitlines()[1:]]
            assert len(english) == 71
            assert {e.replace("_", " ").capitalize() for e in english} <= names
            assert count(Category) == 71 + 2 + 1  # two untranslated, one "uncategorised"
            assert s.scalar(select(func.count()).select_from(Product).join(Category).where(
                Category.slug == "uncategorised")) == 610
            prices.append(dict(s.execute(select(Sku.code, Sku.price_cents)).all()))
        print(f"run {run}: {elapsed:.1f} s")
        assert elapsed < 60
    assert prices[0] == prices[1]
